"""The writes of sanatoriums.services: the owner may, a partner and an outsider may not, and
every history row names the actor (or, for the seeder, says what made the change)."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from sanatoriums import services
from sanatoriums.models import Photo, Recognition, Sanatorium, Theme
from tests.sanatoriums.factories import RecognitionFactory, SanatoriumFactory

pytestmark = pytest.mark.django_db


def new_base(federation=None, **fields):
    """An unsaved base, as a form's instance is before the service saves it."""
    values = {
        "name": "桐庐富春江疗休养基地",
        "region": "桐庐县",
        "address": "桐庐县富春江镇江滨路 25 号",
        "stars": 4,
        "contact_name": "陈老师",
        "contact_phone": "0571-64600000",
        **fields,
    }
    return Sanatorium(federation=federation, **values)


def picture():
    return Image.new("RGB", (64, 48), (30, 120, 180))


def upload():
    buffer = io.BytesIO()
    picture().save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue())


def history_users(obj):
    return {record.history_user for record in obj.history.all()}


@pytest.fixture
def rural():
    return Theme.objects.get(key="rural")


@pytest.fixture
def photo(hz_base):
    return services.photo_store(actor=None, sanatorium=hz_base, image=picture(), caption="湖景")


# --- the partner federations of a base -------------------------------------------------------


def test_partner_federations_are_the_owners_partners_without_the_owner(
    hz_staff, hz_base, hz, nb, wz
):
    assert list(services.partner_federations(hz_staff, hz_base)) == [nb]


# --- bases -----------------------------------------------------------------------------------


def test_a_new_base_belongs_to_the_actors_federation(hz_staff, hz, nb, rural):
    base = new_base(nb)
    base.federation = None
    base = services.sanatorium_create(actor=hz_staff, sanatorium=base, themes=[rural])
    base.refresh_from_db()
    assert base.federation == hz
    assert list(base.themes.all()) == [rural]
    # the row and its themes: every history record names the member of staff
    assert history_users(base) == {hz_staff}


def test_staff_cannot_create_a_base_for_another_federation(hz_staff, nb, rural):
    """The one rule for every app's new records (members.services.owning_federation_id)."""
    with pytest.raises(PermissionDenied):
        services.sanatorium_create(actor=hz_staff, sanatorium=new_base(nb), themes=[rural])
    assert not Sanatorium.objects.exists()


def test_the_seeder_names_the_owner_and_the_reason(nb, rural):
    base = services.sanatorium_create(
        actor=None, sanatorium=new_base(nb), themes=[rural], reason="seed_demo"
    )
    assert base.federation == nb
    record = base.history.earliest("history_date")
    assert record.history_user is None and record.history_change_reason == "seed_demo"


def test_a_leader_cannot_add_a_base(hz_leader, hz, rural):
    with pytest.raises(PermissionDenied):
        services.sanatorium_create(actor=hz_leader, sanatorium=new_base(hz), themes=[rural])
    assert not Sanatorium.objects.exists()


def test_a_duplicate_name_is_a_message_not_a_crash(hz_staff, hz_base, rural):
    with pytest.raises(ValidationError):
        services.sanatorium_create(
            actor=hz_staff, sanatorium=new_base(name=hz_base.name), themes=[rural]
        )


def test_owner_updates_a_base_partner_and_outsider_cannot(hz_staff, nb_staff, wz_staff, hz_base):
    for user in (nb_staff, wz_staff):
        hz_base.beds = 999
        with pytest.raises(PermissionDenied):
            services.sanatorium_update(actor=user, sanatorium=hz_base, themes=[])
    hz_base.refresh_from_db()
    assert hz_base.beds == 100
    hz_base.beds = 150
    services.sanatorium_update(actor=hz_staff, sanatorium=hz_base, themes=[])
    hz_base.refresh_from_db()
    assert hz_base.beds == 150
    assert hz_base.history.latest("history_date").history_user == hz_staff


def test_only_an_administrator_deletes_a_base_and_its_photos_go_with_it(
    hz_staff, superuser, hz_base, photo, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        services.sanatorium_delete(actor=hz_staff, sanatorium=hz_base)
    storage, name = photo.image.storage, photo.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.sanatorium_delete(actor=superuser, sanatorium=hz_base)
    assert not Sanatorium.objects.exists() and not Photo.objects.exists()
    assert not storage.exists(name)
    deleted = Sanatorium.history.get(history_type="-")
    assert deleted.history_user == superuser


# --- photos ----------------------------------------------------------------------------------


def test_owner_adds_a_photo_partner_and_outsider_cannot(hz_staff, nb_staff, wz_staff, hz_base):
    for user in (nb_staff, wz_staff):
        with pytest.raises(PermissionDenied):
            services.photo_add(actor=user, sanatorium=hz_base, upload=upload())
    assert not Photo.objects.exists()
    photo = services.photo_add(actor=hz_staff, sanatorium=hz_base, upload=upload(), caption="湖")
    assert history_users(photo) == {hz_staff}


def test_owner_captions_a_photo_partner_and_outsider_cannot(hz_staff, nb_staff, wz_staff, photo):
    for user in (nb_staff, wz_staff):
        photo.caption = "改了"
        with pytest.raises(PermissionDenied):
            services.photo_update(actor=user, photo=photo)
    photo.refresh_from_db()
    assert photo.caption == "湖景"
    photo.caption = "千岛湖"
    services.photo_update(actor=hz_staff, photo=photo)
    photo.refresh_from_db()
    assert photo.caption == "千岛湖"
    assert photo.history.latest("history_date").history_user == hz_staff


def test_owner_removes_a_photo_partner_and_outsider_cannot(
    hz_staff, nb_staff, wz_staff, photo, django_capture_on_commit_callbacks
):
    for user in (nb_staff, wz_staff):
        with pytest.raises(PermissionDenied):
            services.photo_delete(actor=user, photo=photo)
    assert Photo.objects.exists()
    storage, names = photo.image.storage, [photo.image.name, photo.thumbnail.name]
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(actor=hz_staff, photo=photo)
    assert not Photo.objects.exists()
    assert not any(storage.exists(name) for name in names)
    assert Photo.history.get(history_type="-").history_user == hz_staff


# --- recognitions ----------------------------------------------------------------------------


def test_outsider_cannot_propose(wz_staff, hz_base, nb):
    with pytest.raises(PermissionDenied):
        services.recognition_propose(actor=wz_staff, sanatorium=hz_base, federation=nb)
    assert not Recognition.objects.exists()


def test_the_proposal_names_the_proposer_on_its_history(hz_staff, hz_base, nb):
    recognition = services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)
    assert history_users(recognition) == {hz_staff}


def test_the_approval_names_the_approver_on_its_history(hz_staff, nb_approver, hz_base, nb):
    proposal = services.recognition_propose(actor=hz_staff, sanatorium=hz_base, federation=nb)
    today = timezone.localdate()
    services.recognition_approve(
        actor=nb_approver,
        recognition=proposal,
        valid_from=today,
        valid_until=today + datetime.timedelta(days=30),
    )
    assert proposal.history.latest("history_date").history_user == nb_approver


def test_only_commands_and_administrators_import_recognitions(
    hz_staff, nb_approver, superuser, hz_base, nb
):
    def recognition():
        return Recognition(
            sanatorium=hz_base, federation=nb, proposed_by=hz_staff, status="rejected", reason="x"
        )

    for user in (hz_staff, nb_approver):
        with pytest.raises(PermissionDenied):
            services.recognition_import(actor=user, recognition=recognition())
    imported = services.recognition_import(
        actor=None, recognition=recognition(), reason="seed_demo"
    )
    assert imported.owner_federation_id == hz_base.federation_id
    assert imported.history.get().history_change_reason == "seed_demo"
    assert services.recognition_import(actor=superuser, recognition=recognition()).pk


def test_an_import_is_checked_by_the_models_rules(hz_staff, hz_base, hz, nb):
    with pytest.raises(ValidationError):  # a federation's own base
        services.recognition_import(
            actor=None,
            recognition=Recognition(sanatorium=hz_base, federation=hz, proposed_by=hz_staff),
        )
    RecognitionFactory(sanatorium=hz_base, federation=nb, proposed_by=hz_staff)
    with pytest.raises(ValidationError):  # a second open recognition for the pair
        services.recognition_import(
            actor=None,
            recognition=Recognition(sanatorium=hz_base, federation=nb, proposed_by=hz_staff),
        )


# --- themes ----------------------------------------------------------------------------------


def test_only_administrators_keep_the_themes(hz_staff, superuser):
    with pytest.raises(PermissionDenied):
        services.theme_create(actor=hz_staff, theme=Theme(key="tea", name_zh="茶", name_en="Tea"))
    theme = services.theme_create(
        actor=superuser, theme=Theme(key="tea", name_zh="茶文化", name_en="Tea")
    )
    theme.position = 20
    with pytest.raises(PermissionDenied):
        services.theme_update(actor=hz_staff, theme=theme)
    services.theme_update(actor=superuser, theme=theme)
    with pytest.raises(PermissionDenied):
        services.theme_delete(actor=hz_staff, theme=theme)
    services.theme_delete(actor=superuser, theme=theme)
    assert not Theme.objects.filter(key="tea").exists()


def test_storing_a_made_picture_asks_the_same_permission_as_an_upload(nb_staff, wz_staff, hz):
    base = SanatoriumFactory(federation=hz)
    for user in (nb_staff, wz_staff):
        with pytest.raises(PermissionDenied):
            services.photo_store(actor=user, sanatorium=base, image=picture())
    assert not Photo.objects.exists()
