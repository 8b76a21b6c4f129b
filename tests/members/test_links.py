"""members.links.pk_url: the address `reverse()` gives, for less."""

from django.test import override_settings
from django.urls import reverse, set_script_prefix

from members.links import pk_url


def test_pk_url_is_what_reverse_gives():
    for viewname in ("sanatoriums:batch", "cooperation:project", "members:detail"):
        for pk in (1, 42, 9_876_543_210):
            assert pk_url(viewname, pk) == reverse(viewname, args=[pk])


def test_pk_url_follows_the_script_prefix():
    try:
        set_script_prefix("/portal/")
        assert pk_url("sanatoriums:batch", 7) == "/portal/sanatoriums/manage/batches/7/"
    finally:
        set_script_prefix("/")
    assert pk_url("sanatoriums:batch", 7) == "/sanatoriums/manage/batches/7/"


@override_settings(ROOT_URLCONF="tests.members.urls_for_links")
def test_pk_url_follows_an_overridden_urlconf():
    assert pk_url("sanatoriums:batch", 7) == "/elsewhere/7/"
