"""Django validators for personal data, with translated messages."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from members import idcard

ID_NUMBER_MESSAGES = {
    "format": _("Enter an 18-character resident ID number: 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside this ID number is not a valid date."),
    "checksum": _("This ID number's check digit is wrong; please check the number."),
}

_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def validate_id_number(value):
    try:
        idcard.validate(value)
    except idcard.IdNumberError as error:
        raise ValidationError(ID_NUMBER_MESSAGES[error.code], code=f"id_{error.code}") from None


def normalise_mobile(value):
    """Drop blanks, dashes and a leading +86 / 0086 country code."""
    digits = re.sub(r"[\s-]", "", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def validate_mobile(value):
    if not _MOBILE.match(normalise_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting with 1, e.g. 13812345678."),
            code="invalid_mobile",
        )
