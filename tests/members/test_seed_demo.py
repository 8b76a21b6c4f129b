import pytest
from django.core.management import CommandError, call_command

from cooperation.models import Agreement
from members.models import Federation, Member, Role, StaffProfile, User
from members.scoping import user_scope

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_two_federations_accounts_and_valid_members(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    out = capsys.readouterr().out
    for username in ["hz-staff", "hz-approver", "nb-staff", "nb-approver", "leader", "admin"]:
        assert username in out
        assert User.objects.get(username=username).check_password("demo12345")
    assert set(Federation.objects.values_list("code", flat=True)) == {"HZ", "NB"}
    assert Agreement.objects.get().parties.count() == 2
    assert StaffProfile.objects.get(user__username="nb-approver").role == Role.APPROVER
    assert User.objects.get(username="admin").is_superuser
    for member in Member.objects.all():
        member.full_clean()  # valid ID numbers, phones, genders that match
    hz_staff = User.objects.get(username="hz-staff")
    assert user_scope(hz_staff).readable_federation_ids == set(
        Federation.objects.values_list("id", flat=True)
    )


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (Member.objects.count(), User.objects.count(), StaffProfile.objects.count())
    call_command("seed_demo")
    assert (Member.objects.count(), User.objects.count(), StaffProfile.objects.count()) == counts


def test_seed_demo_scale_and_password(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    base = Member.objects.count()
    call_command("seed_demo", scale=2, password="another-pass-1")
    assert Member.objects.count() == 2 * base
    assert User.objects.get(username="hz-staff").check_password("another-pass-1")


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not Member.objects.exists()
    call_command("seed_demo", force=True)
    assert Member.objects.exists()
