"""The admin is scoped like the pages; every competitions page renders in both languages;
the competition list's query count does not grow with rows."""

import pytest
from django.urls import reverse

from competitions import services
from competitions.models import Competition, Entry, Event
from competitions.views import PAGE_SIZE
from tests.competitions.factories import CompetitionFactory, EventFactory, score, set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(event, hz_staff, nb_staff, hz_members, nb_members):
    return [
        services.entry_create(actor=hz_staff, event=event, member=hz_members[0], years_in_job=5),
        services.entry_create(actor=nb_staff, event=event, member=nb_members[0], years_in_job=5),
    ]


def test_admin_entry_list_masks_partner_ids(client, entries, hz_staff, hz_members, nb_members):
    client.force_login(hz_staff)
    response = client.get(reverse("admin:competitions_entry_changelist"))
    assert response.status_code == 200
    assert hz_members[0].id_number in response.text
    assert nb_members[0].id_number not in response.text
    assert nb_members[0].masked_id_number in response.text


def test_admin_outsider_sees_no_entries_or_competitions(client, entries, competition, wz_staff):
    client.force_login(wz_staff)
    response = client.get(reverse("admin:competitions_entry_changelist"))
    assert hz_name(entries) not in response.text
    response = client.get(reverse("admin:competitions_competition_changelist"))
    assert competition.title not in response.text
    url = reverse("admin:competitions_competition_change", args=[competition.pk])
    assert client.get(url).status_code in (302, 404)


def hz_name(entries):
    return entries[0].member.name


def test_admin_entries_are_read_only(client, entries, hz_staff):
    client.force_login(hz_staff)
    assert client.get(reverse("admin:competitions_entry_add")).status_code == 403


def test_admin_co_host_edits_partner_reads(client, hz, nb, hz_staff, nb_staff, agreement):
    hz_only = CompetitionFactory(title="杭州市内赛", hosts=[hz])
    url = reverse("admin:competitions_competition_change", args=[hz_only.pk])
    client.force_login(hz_staff)
    assert 'name="title"' in client.get(url).text
    client.force_login(nb_staff)
    page = client.get(url)
    assert page.status_code == 200 and 'name="title"' not in page.text  # read-only view
    response = client.post(url, {"title": "改名"})
    assert response.status_code == 403
    assert Competition.objects.get(pk=hz_only.pk).title == "杭州市内赛"


def test_admin_published_competition_is_locked(
    client, event, entries, hz_staff, hz_judge, nb_judge
):
    set_status(event.competition, Competition.Status.JUDGING)
    for entry in entries:
        score(entry, [hz_judge, nb_judge], 理论知识=80, 实际操作=80)
    services.results_publish(actor=hz_staff, competition=event.competition)
    client.force_login(hz_staff)
    url = reverse("admin:competitions_event_change", args=[event.pk])
    assert 'name="name"' not in client.get(url).text


def test_competition_list_query_count_is_flat(client, django_assert_num_queries, hz, nb, agreement):
    CompetitionFactory(hosts=[hz, nb])
    url = reverse("competitions:list")
    with django_assert_num_queries(3) as few:
        client.get(url)
    for _ in range(30):  # more than a page
        EventFactory(competition=CompetitionFactory(hosts=[hz, nb]))
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.text.count('class="card h-100"') == PAGE_SIZE


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_competitions_page_renders_in_both_languages(
    client, language, event, entries, hz_staff, hz_judge, nb_judge
):
    client.cookies["django_language"] = language
    competition = event.competition
    public = [
        reverse("competitions:list"),
        reverse("competitions:detail", args=[competition.pk]),
        reverse("competitions:results", args=[competition.pk]),
    ]
    staff = [
        reverse("competitions:entries", args=[competition.pk]),
        reverse("competitions:entry_create", args=[competition.pk]),
        reverse("admin:competitions_competition_changelist"),
        reverse("admin:competitions_competition_add"),
        reverse("admin:competitions_entry_changelist"),
        reverse("admin:competitions_title_changelist"),
        reverse("admin:competitions_score_changelist"),
        reverse("admin:competitions_event_change", args=[event.pk]),
    ]
    judge = [
        reverse("competitions:judging"),
        reverse("competitions:judging_sheet", args=[event.pk]),
    ]
    for url in public:
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in response.text
    client.force_login(hz_staff)
    for url in staff:
        assert client.get(url).status_code == 200, url
    client.force_login(hz_judge)
    for url in judge:
        assert client.get(url).status_code == 200, url
    set_status(competition, Competition.Status.JUDGING)
    for entry in entries:
        score(entry, [hz_judge, nb_judge], 理论知识=80, 实际操作=80)
    services.results_publish(actor=hz_staff, competition=competition)
    client.logout()
    client.cookies["django_language"] = language  # logout drops every cookie
    page = client.get(reverse("competitions:results", args=[competition.pk])).text
    assert ("比赛成绩" if language == "zh-hans" else "Results of") in page
    entry = Entry.objects.filter(award__gt="").first()
    assert client.get(entry.get_certificate_url()).status_code == 200
    assert (
        client.get(reverse("competitions:results_export", args=[competition.pk])).status_code == 200
    )


def test_admin_staff_must_host_the_competitions_they_create(client, hz, nb, nb_staff):
    client.force_login(nb_staff)
    data = {
        "title": "杭州单独主办",
        "year": 2026,
        "hosts": [hz.pk],
        "venue": "杭州",
        "starts_on": "2026-12-20",
        "ends_on": "2026-12-21",
        "registration_deadline_0": "2026-12-10",
        "registration_deadline_1": "17:00:00",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:competitions_competition_add"), data)
    assert response.status_code == 200
    assert "本市总工会必须是主办方之一" in response.text
    assert not Competition.objects.exists()
    data["hosts"] = [hz.pk, nb.pk]
    assert client.post(reverse("admin:competitions_competition_add"), data).status_code == 302
    assert set(Competition.objects.get().hosts.all()) == {hz, nb}


def test_admin_offers_only_judges_as_judges(
    client, event, hz_staff, hz_approver, hz_judge, nb_judge, wz_staff
):
    client.force_login(hz_staff)
    url = reverse("admin:competitions_event_change", args=[event.pk])
    form = client.get(url).context["adminform"].form
    offered = set(form.fields["judges"].queryset.values_list("username", flat=True))
    assert offered == {"hz-judge", "nb-judge"}  # not hz-staff, hz-approver or outsiders
    data = {
        "competition": event.competition.pk,
        "name": event.name,
        "cap_per_federation": 2,
        "min_years_in_job": 0,
        "award_scheme": "medals",
        "first_awards": 1,
        "second_awards": 1,
        "third_awards": 1,
        "title_kind": "",
        "title_top": 0,
        "judges": [hz_judge.pk, hz_approver.pk],
        "parts-TOTAL_FORMS": "0",
        "parts-INITIAL_FORMS": "0",
        "parts-MIN_NUM_FORMS": "0",
        "parts-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "judges" in response.context["adminform"].form.errors
    assert set(event.judges.all()) == {hz_judge, nb_judge}
    data["judges"] = [hz_judge.pk]
    assert client.post(url, data).status_code == 302
    assert set(event.judges.all()) == {hz_judge}


def test_admin_writes_go_through_the_services_with_the_user(client, hz, nb, hz_staff):
    client.force_login(hz_staff)
    data = {
        "title": "杭甬联合竞赛",
        "year": 2026,
        "hosts": [hz.pk, nb.pk],
        "venue": "杭州",
        "starts_on": "2026-12-20",
        "ends_on": "2026-12-21",
        "registration_deadline_0": "2026-12-10",
        "registration_deadline_1": "17:00:00",
        "events-TOTAL_FORMS": "1",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
        "events-0-name": "电工",
        "events-0-cap_per_federation": "3",
    }
    assert client.post(reverse("admin:competitions_competition_add"), data).status_code == 302
    competition = Competition.objects.get()
    event = competition.events.get()
    assert {h.history_user for h in competition.history.all()} == {hz_staff}
    assert event.history.get().history_user == hz_staff
    url = reverse("admin:competitions_event_delete", args=[event.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not competition.events.exists()
    assert Event.history.get(history_type="-").history_user == hz_staff
