"""The in-portal inbox and the e-mail that goes with it: one generic service for every app.

An app tells a federation's people that something was addressed to them with

    notify_federation(
        federation_id=referral.to_federation_id,
        event_key=f"referral:{referral.pk}:submitted",
        subject=...,          # one line, in the portal's default language
        url=referral.get_absolute_url(),
        actor=request.user,   # left out of the recipients; None for a command
        body="",              # more lines for the e-mail and the inbox
    )

from inside its write's transaction. Nothing happens until that transaction commits (a
refused or rolled-back write notifies nobody); then every active staff member and approver of
the federation (`members.scoping.editors_of`) gets one inbox row and one e-mail (Django's
mail: the console backend in development, EMAIL_URL). The event key is unique per recipient
(`members_notification_once_per_event`), so the same event never notifies anyone twice, even
when the service is called again. `notify_users` does the same for a list of users.

Subjects and bodies are stored as text: callers write them in the portal's default language
(`settings.LANGUAGE_CODE`), as the e-mail is written, with `in_default_language`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from members import versioned_cache
from members.models import Notification, User
from members.scoping import editors_of

logger = logging.getLogger(__name__)


def in_default_language():
    """`with in_default_language(): subject = _("…")`: texts that are stored or mailed."""
    return translation.override(settings.LANGUAGE_CODE)


def notify_federation(
    *, federation_id: int, event_key: str, subject: str, url: str = "", actor=None, body: str = ""
) -> None:
    """Notify the staff and approvers of a federation, once the current transaction commits."""

    def deliver():
        recipients = editors_of(federation_id).order_by("pk")
        _deliver(recipients, event_key=event_key, subject=subject, url=url, actor=actor, body=body)

    transaction.on_commit(deliver)


def notify_users(
    *, users: Iterable[User], event_key: str, subject: str, url: str = "", actor=None, body=""
) -> None:
    """Notify the given users, once the current transaction commits."""
    users = list(users)
    transaction.on_commit(
        lambda: _deliver(
            users, event_key=event_key, subject=subject, url=url, actor=actor, body=body
        )
    )


def _deliver(recipients, *, event_key, subject, url, actor, body):
    subject = subject[:200]
    for user in recipients:
        if actor is not None and user.pk == actor.pk:
            continue  # people are not told what they did themselves
        try:
            with transaction.atomic():
                _row, created = Notification.objects.get_or_create(
                    recipient=user,
                    event_key=event_key,
                    defaults={"subject": subject, "body": body, "url": url, "actor": actor},
                )
        except IntegrityError:  # the same event, delivered at the same moment elsewhere
            created = False
        if created and user.email:
            _mail(user, subject=subject, url=url, body=body)


def _mail(user, *, subject, url, body):
    lines = [body] if body else []
    if url:
        lines.append(url)
    try:
        send_mail(subject, "\n\n".join(lines) or subject, None, [user.email])
    except OSError:
        # The inbox row stands even when the mail server is away.
        logger.warning("could not e-mail notification %r to user %s", subject, user.pk)


# --- reading the inbox -------------------------------------------------------------------


def unread_count(user) -> int:
    """None for a visitor; else from the shared cache when it holds the count under the
    user's inbox version (one round trip), or one query."""
    if user is None or not user.is_authenticated:
        return 0
    return versioned_cache.cached(
        _inbox_version_key(user.pk),
        f"inbox:unread:{user.pk}",
        lambda: Notification.objects.filter(recipient=user).unread().count(),
        settings.USER_CACHE_SECONDS,
    )


def _inbox_version_key(user_id):
    return f"inbox:version:{user_id}"


def inbox_changed(sender=None, instance=None, user_id=None, **kwargs) -> None:
    """A user's notifications changed: their cached unread count is out of date, now and
    once the change commits. (A signal receiver for Notification, or called with user_id.)"""
    versioned_cache.changed(
        _inbox_version_key(user_id if user_id is not None else instance.recipient_id)
    )


def mark_read(*, user, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(*, user) -> int:
    changed = Notification.objects.filter(recipient=user).unread().update(read_at=timezone.now())
    inbox_changed(user_id=user.pk)
    return changed
