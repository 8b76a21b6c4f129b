"""Template filters of the competitions pages."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.filter
def names(objects):
    """The names of `objects` (federations, say) joined by the language's list separator:
    "杭州市总工会、宁波市总工会" in Chinese, "A, B" in English."""
    return pgettext("list separator", ", ").join(str(obj) for obj in objects)
