"""Test settings: base plus what tests need (fast hashing, private media and index, captured mail)."""

import os
import tempfile

from config.settings.base import *  # noqa: F403

SECRET_KEY = "test-secret-key"
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

_TMP = Path(tempfile.mkdtemp(prefix=f"vm-test-{os.getpid()}-"))
MEDIA_ROOT = str(_TMP / "media")
if HAYSTACK_CONNECTIONS["default"]["ENGINE"] == "shop.search_backends.ChineseWhooshEngine":
    HAYSTACK_CONNECTIONS["default"]["PATH"] = str(_TMP / "whoosh")
if REDIS_URL:
    # Keep test keys apart from a developer's running site.
    CACHES["default"]["KEY_PREFIX"] = f"vm-test-{os.getpid()}"
