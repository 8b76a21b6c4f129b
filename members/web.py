"""Small things every app's views share."""

from django.contrib import messages
from django.core.exceptions import ValidationError


def error_messages(request, error: ValidationError):
    """Show every message of a refused write (a service's ValidationError) to the user."""
    for message in error.messages:
        messages.error(request, message)


def show_on_form(form, error: ValidationError):
    """A service's refusal on the form: each message on its field when the form shows that
    field, above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
