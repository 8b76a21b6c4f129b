"""Messages of the libraries the portal uses that their own Chinese catalogues lack or get
wrong, so that the project's catalogue (locale/zh_Hans) carries them: the project's
catalogue comes first, whatever the library ships.

Nothing imports this module. It exists for `makemessages`, which reads only the project's
own files: listed here, these messages stay in django.po when it runs (with --no-obsolete
too) instead of being dropped as obsolete. Each message must be exactly the library's
(same words, same apostrophes); tests/test_translations.py checks that each is translated.
"""

from django.utils.translation import gettext_noop

LIBRARY_MESSAGES = (
    # django-axes (sign-in lockouts): its admin pages; the library has no Chinese catalogue.
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Cleaned up {count} expired access attempts."),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Access lock out"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your account."
    ),
    # django-simple-history: missing from its Chinese catalogue.
    gettext_noop("Changes"),
    gettext_noop("Deleted %(type_name)s"),
    # Django's admin: newer messages missing from Django's Chinese catalogue.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),
    # Django's Chinese catalogue says "不允许是用空字符串" ("empty strings not allowed", with a
    # typo) for a NUL character in a field: our translation says what is wrong.
    gettext_noop("Null characters are not allowed."),
)
