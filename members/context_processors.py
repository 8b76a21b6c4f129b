from members.scoping import user_scope


def portal(request):
    """What the navigation needs to know about the signed-in user (no query for visitors)."""
    user = getattr(request, "user", None)
    scope = user_scope(user)
    return {"portal_role": scope.role, "portal_can_edit": scope.can_edit}
