from django.utils.functional import SimpleLazyObject

from members.scoping import user_scope


def portal(request):
    """What the navigation needs to know about the signed-in user (no query for visitors):
    their role, and the number of unread notifications in their inbox (one query, made only
    when a page shows it)."""
    from members.notifications import unread_count

    user = getattr(request, "user", None)
    scope = user_scope(user)
    signed_in = user is not None and user.is_authenticated
    return {
        "portal_role": scope.role,
        "portal_can_edit": scope.can_edit,
        "inbox_unread": SimpleLazyObject(lambda: unread_count(user)) if signed_in else 0,
    }
