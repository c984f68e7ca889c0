"""Production: base plus security. Fails loudly when a secret or host is missing."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403

SECRET_KEY = env("SECRET_KEY")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
if not REDIS_URL:
    raise ImproperlyConfigured("Set the REDIS_URL environment variable (cache, sessions and the Celery broker).")
SITE_URL = env("SITE_URL")
_site = urlsplit(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname or _site.path not in ("", "/") or _site.query:
    raise ImproperlyConfigured(
        f"SITE_URL must be the site's absolute URL, scheme and host, e.g. https://shop.example.com (got {SITE_URL!r})."
    )
SITE_URL = SITE_URL.rstrip("/")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Only `make serve` (production settings over plain HTTP on this machine) turns these off: a browser
# sends no secure cookie back over http://127.0.0.1, so nobody could sign in or keep a basket.
SECURE_COOKIES = env.bool("SECURE_COOKIES", default=True)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
OSCAR_BASKET_COOKIE_SECURE = SECURE_COOKIES
OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = SECURE_COOKIES
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (cached for a year) and gzip/brotli copies, served by WhiteNoise from STATIC_ROOT
    # (`manage.py collectstatic`; `make serve` runs it).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
