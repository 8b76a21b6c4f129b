"""Layout in Chromium, in Chinese and English, on a phone (375 px) and a laptop (1366 px): the
staff lists, the public directory, the header, the recognition queue, the theme colour and
the icons (issue 10, items 5–11)."""

import pytest

from competitions.models import Competition
from members.filters import LIST_PAGE_SIZE
from tests.conftest import DEMO_PASSWORD
from tests.test_browser import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LAPTOP = {"width": 1366, "height": 768}
LANGUAGES = ["zh-hans", "en"]
BRAND_RED = "rgb(166, 27, 27)"


def open_page(browser, live_server, viewport, language, username=None):
    """A page in `language` at `viewport`, signed in as `username` if given."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    if username:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/")
    return page


def staff_lists():
    competition = Competition.objects.order_by("pk").first()
    return {
        "members": "/members/",
        "projects": "/projects/",
        "venues": "/venues/",
        "entries": f"/competitions/{competition.pk}/entries/",
        "manage": "/sanatoriums/manage/",
        "queue": "/sanatoriums/recognitions/",
        "referrals": "/rights/referrals/",
    }


# Every cell narrower than two characters of its own font, and the rows' heights.
MEASURE_TABLE = """() => {
  const rows = [...document.querySelectorAll("main table tbody tr")];
  const narrow = [];
  for (const cell of document.querySelectorAll("main table tbody td")) {
    const text = cell.innerText.trim();
    if (!text) continue;
    const width = cell.getBoundingClientRect().width;
    const twoCharacters = 2 * parseFloat(getComputedStyle(cell).fontSize);
    if (width < twoCharacters - 0.5) narrow.push(`${text.slice(0, 20)} (${Math.round(width)} px)`);
  }
  return {
    narrow,
    rowHeights: rows.map((row) => row.getBoundingClientRect().height),
    pageHeight: document.documentElement.scrollHeight,
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_staff_list_is_usable_on_a_phone(browser, live_server, demo, language):
    """No cell squeezed to one character per line, no sideways scrolling, and a page of rows
    in a sensible height: the member list, a full page (LIST_PAGE_SIZE rows), under 2,600 px
    (25 rows were ~5,900 px at 375 px in Chinese), and on every list a row of at most ~120 px
    on average (five lines of text; a project carries a title of up to two lines and six
    facts), so 25 rows take at most 3,000 px."""
    page = open_page(browser, live_server, PHONE, language, "hz-staff")
    for name, path in staff_lists().items():
        page.goto(f"{live_server.url}{path}")
        measured = page.evaluate(MEASURE_TABLE)
        heights = measured["rowHeights"]
        assert heights, name
        assert not measured["narrow"], (name, measured["narrow"])
        assert measured["pageWidth"] <= PHONE["width"], name
        assert 25 * sum(heights) / len(heights) <= 3000, (name, heights)
        if name == "members":
            assert len(heights) == LIST_PAGE_SIZE
            assert measured["pageHeight"] < 2600, measured["pageHeight"]
        shot(page, f"layout-{name}-phone-{language}")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_lists_stay_tables_on_a_laptop(browser, live_server, demo, language):
    page = open_page(browser, live_server, LAPTOP, language, "hz-staff")
    for name, path in staff_lists().items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("main table thead").first.is_visible(), name
        measured = page.evaluate(MEASURE_TABLE)
        assert not measured["narrow"], (name, measured["narrow"])
        assert measured["pageWidth"] <= LAPTOP["width"], name
        shot(page, f"layout-{name}-laptop-{language}")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_directory_shows_the_first_base_on_a_phones_first_screen(
    browser, live_server, demo, language
):
    page = open_page(browser, live_server, PHONE, language)
    page.goto(f"{live_server.url}/sanatoriums/")
    open_to = page.locator("#id_open_to")
    search = page.locator("#id_q")
    assert open_to.is_visible()
    assert not search.is_visible(), "the other filters are folded"
    first_card = page.locator(".san-card").first.bounding_box()
    assert first_card["y"] < PHONE["height"], first_card
    shot(page, f"layout-directory-phone-{language}")
    filters = {"zh-hans": "筛选", "en": "Filters"}[language]
    page.get_by_role("button", name=filters, exact=True).click()
    page.locator("#san-more-filters.show").wait_for()  # opened, its transition over
    assert search.is_visible()
    shot(page, f"layout-directory-filters-phone-{language}")
    # a folded filter in use: the filters are open when the page comes back
    page.goto(f"{live_server.url}/sanatoriums/?q=%E6%B9%96")
    assert search.is_visible()
    assert page.locator(".san-card").first.bounding_box()["y"] < PHONE["height"]
    page.context.close()


def test_directory_on_a_laptop_shows_every_filter(browser, live_server, demo):
    page = open_page(browser, live_server, LAPTOP, "en")
    page.goto(f"{live_server.url}/sanatoriums/?open_to=NB")
    for field in ("#id_open_to", "#id_q", "#id_city", "#id_theme", "#id_stars"):
        assert page.locator(field).is_visible(), field
    assert not page.get_by_role("button", name="Filters").is_visible()
    badges = page.locator(".san-card").evaluate_all(
        "cards => cards.map(card => [...card.querySelectorAll('.san-badge')]"
        ".map(badge => badge.innerText.trim()))"
    )
    assert badges and all(
        len(card) == 1 and card[0].startswith("Open to Ningbo members") for card in badges
    ), badges
    shot(page, "layout-directory-open-to-nb-laptop-en")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_is_one_row_on_a_phone(browser, live_server, demo, language):
    page = open_page(browser, live_server, PHONE, language)
    page.goto(f"{live_server.url}/")
    assert page.locator("header").bounding_box()["height"] <= 64
    page.goto(f"{live_server.url}/sanatoriums/")
    assert page.locator("header").bounding_box()["height"] <= 64
    shot(page, f"layout-header-phone-{language}")
    page.context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_recognition_queue_on_a_laptop(browser, live_server, demo, language):
    """Buttons on one line, room to type a reason, and no renew-or-revoke on rows where
    they do not apply (the demo's 临安 recognition has expired)."""
    page = open_page(browser, live_server, LAPTOP, language, "nb-approver")
    page.goto(f"{live_server.url}/sanatoriums/recognitions/")
    table = page.locator("main table")
    for button in table.locator(".btn:visible").all():
        box = button.bounding_box()
        assert box["height"] < 40 and box["width"] > box["height"], button.inner_text()
    expired = table.locator("tr", has_text="临安天目山疗休养基地")
    assert expired.locator(".btn").count() == 1, "renew only"
    revoke_name = {"zh-hans": "撤销", "en": "Revoke"}[language]
    row = table.locator("tr", has_text="西湖职工疗休养基地")
    row.get_by_role("button", name=revoke_name, exact=True).click()
    reason = row.locator("input[name=reason]")
    row.locator("form.collapse.show").wait_for()  # opened, its transition over
    assert reason.bounding_box()["width"] >= 150
    shot(page, f"layout-queue-laptop-{language}")
    reason.fill("基地停业整顿")
    row.locator("button[type=submit]").click()
    assert page.locator(".alert-success").is_visible()
    page.context.close()


def test_buttons_and_links_wear_the_brand_red(browser, live_server, demo):
    page = open_page(browser, live_server, PHONE, "zh-hans")
    page.goto(f"{live_server.url}/accounts/login/?next=/members/")
    style = "element => getComputedStyle(element).backgroundColor"
    assert page.locator("main .btn-primary").evaluate(style) == BRAND_RED
    assert page.locator("header .navbar").evaluate(style) == BRAND_RED
    page.goto(f"{live_server.url}/sanatoriums/")
    color = "element => getComputedStyle(element).color"
    assert page.locator(".san-card a").first.evaluate(color) == BRAND_RED
    page.context.close()


def test_pages_ask_for_nothing_that_is_missing(browser, live_server, demo):
    """No 404 for anything a page loads, and the icons a browser asks for are there
    (a browser asks for /favicon.ico on every page that names none, the admin's say)."""
    page = open_page(browser, live_server, PHONE, "zh-hans")
    missing = []
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    for path in ["/", "/sanatoriums/", "/competitions/", "/accounts/login/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
    assert not missing, missing
    icons = page.locator("link[rel=icon], link[rel=apple-touch-icon]").evaluate_all(
        "links => links.map(link => link.href)"
    )
    assert len(icons) == 3
    for url in [*icons, f"{live_server.url}/favicon.ico"]:
        response = page.request.get(url)
        assert response.ok and response.headers["content-type"].startswith("image/"), url
    page.context.close()
