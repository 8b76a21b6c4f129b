"""Django's model permissions (what a user's groups and own permissions grant), from the
shared cache.

Every staff view checks a model permission (`@permission_required`). When the object rules
(`rules`, each app's rules.py) do not grant it, Django's ModelBackend reads the user's
permissions and their groups' permissions: two queries on every such page (a leader's
pages, the recognition queue). The set is kept in the cache under a version that a change
of the links between users, groups and permissions bumps, as does a group or permission
deleted (members.apps); the user's superuser flag is in the key, and an inactive user has
no permission, cached or not. The set itself is computed as Django computes it."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from members import versioned_cache

PERMISSIONS_VERSION_KEY = "permissions:version"


class CachedModelBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            # The user's own flags are in the key: a deactivated or promoted user is
            # another entry (the row is loaded afresh on each request).
            key = f"permissions:user:{user_obj.pk}:{int(user_obj.is_superuser)}"
            user_obj._perm_cache = versioned_cache.cached(
                PERMISSIONS_VERSION_KEY,
                key,
                lambda: set(super(CachedModelBackend, self).get_all_permissions(user_obj)),
                settings.USER_CACHE_SECONDS,
            )
        return user_obj._perm_cache


def permissions_changed(**kwargs) -> None:
    """A user's groups or permissions, or a group's permissions, changed (a signal
    receiver): every cached permission set is out of date."""
    versioned_cache.changed(PERMISSIONS_VERSION_KEY)
