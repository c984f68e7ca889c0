"""Shared fixtures.

Services: tests marked ``postgres`` / ``redis`` need DATABASE_URL / REDIS_URL.
On a developer machine without them they are skipped with the reason; under CI
(CI=true) a missing service is a failure, never a skip. The same holds for the
``browser`` tests and /usr/bin/chromium.
"""

import os
import shutil

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def _missing(marker: str) -> str | None:
    if marker == "postgres" and settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs DATABASE_URL pointing at PostgreSQL"
    if marker == "redis" and not settings.REDIS_URL:
        return "needs REDIS_URL pointing at Redis"
    if marker == "browser" and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_runtest_setup(item):
    for marker in ("postgres", "redis", "browser"):
        if item.get_closest_marker(marker) and (reason := _missing(marker)):
            if IN_CI:
                pytest.fail(f"CI: {reason}", pytrace=False)
            pytest.skip(reason)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Each test gets its own media folder and an empty cache."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clear_cache()
    yield


def clear_cache() -> None:
    """Empty this test process's cache without FLUSHDB (Redis may hold a broker queue too)."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
