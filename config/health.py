from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis import Redis, RedisError

_redis_client = None


def _redis():
    """One client per process, with short time-outs: a Redis that does not answer makes the
    health check fail within a second, never hang."""
    global _redis_client
    if _redis_client is None:
        _redis_client = Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
    return _redis_client


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def redis_ok():
    try:
        return bool(_redis().ping())
    except RedisError:
        return False


@never_cache
@require_GET
def healthz(request):
    """Liveness for load balancers: 200 when the database (and Redis, when REDIS_URL is set)
    answers, 503 when one of them does not. One query and one PING: cheap enough to be asked
    every few seconds by each proxy."""
    checks = {"database": database_ok()}
    if settings.REDIS_URL:
        checks["redis"] = redis_ok()
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            **{name: "ok" if ok else "unavailable" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )
