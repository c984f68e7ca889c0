"""Settings come from the environment, with an embedded default when a variable is unset."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "sessions": settings.SESSION_ENGINE,
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "search": settings.HAYSTACK_CONNECTIONS["default"]["ENGINE"],
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
    "currency": settings.OSCAR_DEFAULT_CURRENCY,
    "basket_secure": settings.OSCAR_BASKET_COOKIE_SECURE,
    "history_secure": settings.OSCAR_RECENTLY_VIEWED_COOKIE_SECURE,
    "eager_alerts": settings.OSCAR_EAGER_ALERTS,
}))
"""
SERVICE_VARS = (
    "DATABASE_URL",
    "REDIS_URL",
    "SEARCH_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests; check --deploy rightly refuses it
)


def _settings(module: str, **env) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    clean.update(DJANGO_SETTINGS_MODULE=module, **env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=clean, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_unset_variables_mean_sqlite_and_in_process_tasks():
    # when
    s = _settings("config.settings.base")
    # then
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["db_name"].endswith("var/db.sqlite3")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["sessions"] == "django.contrib.sessions.backends.db"
    assert s["broker"] == "memory://"
    assert s["eager"] is True
    assert s["search"] == "shop.search.backends.ChineseWhooshEngine"
    assert (s["language"], s["tz"], s["currency"]) == ("zh-hans", "Asia/Shanghai", "CNY")
    assert s["eager_alerts"] is False


def test_set_variables_mean_postgresql_and_redis():
    # when
    s = _settings(
        "config.settings.base",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/village_market",
        REDIS_URL="redis://127.0.0.1:6379/3",
        SEARCH_URL="elasticsearch7://127.0.0.1:9200/village_market",
    )
    # then
    assert s["db"] == "django.db.backends.postgresql"
    assert s["db_name"] == "village_market"
    assert s["cache"] == "shop.core.cache.ResilientRedisCache"  # a Redis error is a miss
    assert s["sessions"] == "django.contrib.sessions.backends.cached_db"  # a Redis restart signs nobody out
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    assert s["eager"] is False
    assert s["search"] == "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine"


def test_production_cookies_are_secure_and_a_missing_secret_fails_loudly():
    # when
    s = _settings("config.settings.production", SECRET_KEY="x" * 60, ALLOWED_HOSTS="shop.example.com")
    # then
    assert (s["basket_secure"], s["history_secure"]) == (True, True)
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings("config.settings.production", ALLOWED_HOSTS="shop.example.com")
    assert "Set the SECRET_KEY environment variable" in failure.value.stderr


def test_production_settings_pass_check_deploy_without_warnings():
    # given
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="k3y-" + "q7Zr9xW2pL5mN8vB4cT6yH1jF0dS3aG" * 2,
        ALLOWED_HOSTS="shop.example.com",
    )
    # when
    out = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    # then
    assert out.returncode == 0, out.stderr + out.stdout
    assert "System check identified no issues" in out.stdout
