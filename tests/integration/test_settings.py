"""Settings come from the environment, with an embedded default when a variable is unset."""

import ast
import json
import os
import re
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
    "db_options": settings.DATABASES["default"].get("OPTIONS", {}),
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
    "site_url": settings.SITE_URL,
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT,
    "time_limit": settings.CELERY_TASK_TIME_LIMIT,
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
    "SITE_URL",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_TASK_TIME_LIMIT",
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
    assert s["site_url"] == "http://127.0.0.1:8000"
    assert (s["soft_time_limit"], s["time_limit"]) == (60, 90)


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
    assert s["db_options"]["options"] == "-c max_parallel_workers_per_gather=0"  # a page's query in one process
    assert s["cache"] == "shop.core.cache.ResilientRedisCache"  # a Redis error is a miss
    assert s["sessions"] == "django.contrib.sessions.backends.cached_db"  # a Redis restart signs nobody out
    assert s["broker"] == "redis://127.0.0.1:6379/3"
    assert s["eager"] is False
    assert s["search"] == "haystack.backends.elasticsearch7_backend.Elasticsearch7SearchEngine"


PRODUCTION = {
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "shop.example.com",
    "REDIS_URL": "redis://127.0.0.1:6379/3",
    "SITE_URL": "https://shop.example.com/",
}


def test_production_cookies_are_secure_and_a_missing_secret_fails_loudly():
    # given
    without_secret = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    # when
    s = _settings("config.settings.production", **PRODUCTION)
    # then
    assert (s["basket_secure"], s["history_secure"]) == (True, True)
    assert s["site_url"] == "https://shop.example.com"
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings("config.settings.production", **without_secret)
    assert "Set the SECRET_KEY environment variable" in failure.value.stderr


@pytest.mark.parametrize(
    ("name", "value", "error"),
    [
        ("REDIS_URL", None, "Set the REDIS_URL environment variable"),
        ("REDIS_URL", "", "Set the REDIS_URL environment variable"),
        ("SITE_URL", None, "Set the SITE_URL environment variable"),
        ("SITE_URL", "shop.example.com", "SITE_URL must be the site's absolute URL"),
        ("SITE_URL", "ftp://shop.example.com", "SITE_URL must be the site's absolute URL"),
        ("SITE_URL", "https://", "SITE_URL must be the site's absolute URL"),
        ("SITE_URL", "https://shop.example.com/shop/", "SITE_URL must be the site's absolute URL"),
    ],
)
def test_production_refuses_a_missing_redis_or_a_site_url_that_is_not_absolute(name, value, error):
    # given
    env = {k: v for k, v in PRODUCTION.items() if k != name}
    if value is not None:
        env[name] = value
    # when
    with pytest.raises(subprocess.CalledProcessError) as failure:
        _settings("config.settings.production", **env)
    # then
    assert "ImproperlyConfigured" in failure.value.stderr
    assert error in failure.value.stderr


def test_every_entry_point_defaults_to_the_same_settings_module():
    # given
    entry_points = ["manage.py", "config/wsgi.py", "config/asgi.py", "config/celery.py"]
    # when
    defaults = {
        path: re.findall(r'setdefault\("DJANGO_SETTINGS_MODULE", "([\w.]+)"\)', (ROOT / path).read_text())
        for path in entry_points
    }
    # then
    assert defaults == {path: ["config.settings.base"] for path in entry_points}


# Read by config/settings/test.py only, to keep parallel test runs apart: not a deployment's concern.
TEST_ONLY_VARIABLES = {
    "VM_TEST_RUN_ID",
    "VM_TEST_DB_NAME",
    "VM_TEST_EMAIL_BACKEND",
    "VM_TEST_CELERY_EAGER",
    "PYTEST_XDIST_WORKER",
}


OS_ENVIRON_READS = ("os.environ.get", "os.environ.setdefault", "os.getenv")


def _variables_read_by(source: str) -> set[str]:
    """Names in env("X"), env.bool("X", ...), os.environ["X"], os.environ.get("X"), os.getenv("X") ..."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = ast.unparse(node.func)
            if func == "env" or func.startswith("env.") or func in OS_ENVIRON_READS:
                names.add(node.args[0].value)
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            if isinstance(node.slice, ast.Constant):
                names.add(node.slice.value)
    return names


def test_env_example_lists_every_variable_the_settings_read():
    # given
    read = set().union(*(_variables_read_by(p.read_text()) for p in (ROOT / "config" / "settings").glob("*.py")))
    # when
    listed = set(re.findall(r"^# ([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.MULTILINE))
    # then
    assert listed == read - TEST_ONLY_VARIABLES
    assert TEST_ONLY_VARIABLES <= read


def test_production_settings_pass_check_deploy_without_warnings():
    # given
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARS}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="k3y-" + "q7Zr9xW2pL5mN8vB4cT6yH1jF0dS3aG" * 2,
        ALLOWED_HOSTS="shop.example.com",
        REDIS_URL="redis://127.0.0.1:6379/3",
        SITE_URL="https://shop.example.com",
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
