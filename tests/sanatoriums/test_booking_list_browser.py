"""The bookings list with its export links at 375 px and 1366 px, in both languages: the
count line and its links fit a phone."""

import pytest

from tests.test_browser import shot
from tests.test_layout_browser import LAPTOP, MEASURE_TABLE, PHONE, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("size", ["phone", "laptop"])
def test_booking_list_on_a_phone_and_a_laptop(browser, live_server, demo, language, size):
    viewport = PHONE if size == "phone" else LAPTOP
    page = open_page(browser, live_server, viewport, language, "nb-staff")
    page.goto(f"{live_server.url}/sanatoriums/bookings/")
    assert page.locator("a", has_text=".xlsx").is_visible()
    measured = page.evaluate(MEASURE_TABLE)
    assert not measured["narrow"], measured["narrow"]
    assert measured["pageWidth"] <= viewport["width"], measured["pageWidth"]
    shot(page, f"bookings-{size}-{language}")
    page.context.close()
