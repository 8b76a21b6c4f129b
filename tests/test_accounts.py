"""Signing in and out, changing the password, and the lock after repeated wrong passwords
(django-axes: 5 failures lock the pair user name + address for 15 minutes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
PASSWORD = "pw-for-tests-123"
NEW_PASSWORD = "a-new-pw-for-tests-456"
FAILURE_LIMIT = 5  # the documented policy, not read from settings so that a change shows
HOME = "/"


@pytest.fixture
def user():
    return UserFactory(username="zhang.wei")


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def fail_until_locked(client, user, address="10.0.0.1"):
    for _ in range(FAILURE_LIMIT):
        sign_in(client, user.username, "wrong-password", address)
    assert signed_in_user_id(client) is None


def test_login_page_is_in_chinese_by_default(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "zh-hans"
    assert "登录" in response.text  # our "Sign in"
    assert "用户名" in response.text  # Django's own "Username" label
    assert "Sign in" not in response.text


def test_login_page_in_english_on_request(client, db):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Sign in" in response.text
    assert "Username" in response.text
    assert "登录" not in response.text


def test_correct_password_signs_in_and_goes_home(client, user):
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_user_id(client) == str(user.pk)


def test_wrong_password_shows_the_form_again(client, user):
    response = sign_in(client, user.username, "wrong-password")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert signed_in_user_id(client) is None


def test_five_failures_lock_the_user_name_from_that_address(client, user):
    fail_until_locked(client, user)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "registration/lockout.html" in [t.name for t in response.templates]
    assert "登录失败次数过多" in response.text  # "Too many failed sign-ins"
    assert signed_in_user_id(client) is None


def test_four_failures_do_not_lock(client, user):
    for _ in range(FAILURE_LIMIT - 1):
        sign_in(client, user.username, "wrong-password")
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)


def test_lock_does_not_reach_other_addresses(client, user):
    # Locking the user name everywhere would let anyone lock a real member of staff out.
    fail_until_locked(client, user, address="10.0.0.1")
    assert sign_in(client, user.username, PASSWORD, address="10.0.0.1").status_code == 429

    response = sign_in(client, user.username, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_user_id(client) == str(user.pk)


def test_lock_does_not_reach_other_user_names(client, user):
    other = UserFactory(username="li.na")
    fail_until_locked(client, user, address="10.0.0.1")
    response = sign_in(client, other.username, PASSWORD, address="10.0.0.1")
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(other.pk)


def test_lock_ends_after_the_cool_off(client, user):
    fail_until_locked(client, user)
    assert sign_in(client, user.username, PASSWORD).status_code == 429

    # Still locked just before the cool-off ends ...
    attempts = AccessAttempt.objects.filter(username=user.username, ip_address="10.0.0.1")
    assert attempts.count() == 1
    last_failure = attempts.get().attempt_time
    attempts.update(attempt_time=last_failure - timedelta(minutes=14))
    assert sign_in(client, user.username, PASSWORD).status_code == 429

    # ... and free again once it has passed.
    attempts.update(attempt_time=last_failure - timedelta(minutes=16))
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_user_id(client) == str(user.pk)


def test_logout_signs_out(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response.url == HOME
    assert signed_in_user_id(client) is None


def test_logout_is_not_a_get(client, user):
    # A link (or an image on another site) must not sign anyone out.
    client.force_login(user)
    assert client.get(reverse("logout")).status_code == 405
    assert signed_in_user_id(client) == str(user.pk)


def test_password_change_requires_sign_in(client, db):
    url = reverse("password_change")
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={url}"
    assert client.post(url, {"old_password": "x"}).status_code == 302


def test_password_change_with_the_old_password(client, user):
    client.force_login(user)
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # still signed in on this browser after the change
    assert signed_in_user_id(client) == str(user.pk)

    client.logout()
    assert sign_in(client, user.username, PASSWORD).status_code == 200
    assert sign_in(client, user.username, NEW_PASSWORD).status_code == 302


def test_password_change_refuses_a_wrong_old_password(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not-the-password",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not user.check_password(NEW_PASSWORD)
