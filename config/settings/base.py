"""Settings shared by every environment, read from environment variables.

The defaults are the embedded local setup: SQLite, in-process tasks, console
mail, a Whoosh search index on disk. Set DATABASE_URL, REDIS_URL, SEARCH_URL,
EMAIL_URL to point at real services (see .env.example).
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403

from shop.core.access import is_staff_user

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"  # the embedded default keeps its database, media and index here
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me")
DEBUG = env.bool("DEBUG", default=True)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Each server thread keeps its PostgreSQL connection between requests (checked before reuse): opening one
# costs PostgreSQL a process and the request about 2.5 ms, more than a snap-up's whole statement. (runserver,
# the embedded setup's server, starts a thread per request: nothing to keep there.)
_postgresql = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60 if _postgresql else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if _postgresql:
    # No parallel workers for a page's query: a catalogue's count at 120,000 products ran in three processes
    # (47 ms instead of 58, three times the CPU), which on two cores took them from every other request
    # for as long (p99 of the category page 103-160 ms -> 46-82 ms under wrk, docs/pages.md).
    _parallel = env.int("DATABASE_PARALLEL_WORKERS", default=0)
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c max_parallel_workers_per_gather={_parallel}".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the lock instead of failing when a task writes during a request.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

REDIS_URL = env("REDIS_URL", default="")
# Where the site is reached from outside: every absolute link in e-mails and SMS starts with it.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "oscar.config.Shop",
    "shop.analytics.apps.AnalyticsConfig",
    "shop.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "shop.shipping.apps.ShippingConfig",
    "shop.catalogue.apps.CatalogueConfig",
    "shop.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "shop.partner.apps.PartnerConfig",
    "shop.basket.apps.BasketConfig",
    "oscar.apps.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "shop.order.apps.OrderConfig",
    "shop.customer.apps.CustomerConfig",
    "shop.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "shop.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    "axes",
    "vendors.notifications.apps.NotificationsConfig",
    "vendors.live.apps.LiveConfig",
    "vendors.apps.VendorsConfig",
]

SITE_ID = 1

MIDDLEWARE = [
    # /healthz/ answers here, before any other middleware: no session, no database (shop.core.middleware).
    "shop.core.middleware.HealthCheckMiddleware",
    # Anonymous visitors' catalogue, shop and live pages from Redis, before anything else is touched; a
    # stored page keeps the headers the middleware below gave it (shop.core.pagecache, docs/pages.md).
    "shop.core.pagecache.AnonymousPageCacheMiddleware",
    # A signed-in buyer's basket and account pages, kept for her alone (the same module).
    "shop.core.pagecache.PrivatePageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files (compressed, hashed names under production settings): gunicorn alone serves a complete site.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shop.core.middleware.ContentSecurityPolicyMiddleware",
    # What every open live-sale page polls, and a signed-in buyer's tap of 抢购, answered before sessions and
    # users (vendors.web.live.middleware).
    "vendors.web.live.middleware.LiveStatusMiddleware",
    "vendors.web.live.middleware.LiveSnapupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shop.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page (AXES_LOCKOUT_CALLABLE).
    "axes.middleware.AxesMiddleware",
]

CONTENT_SECURITY_POLICY = env(
    "CONTENT_SECURITY_POLICY",
    default="default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.core.context_processors.metadata",
                "shop.core.pagecache.fragment_seconds",
            ],
        },
    },
]

AUTHENTICATION_BACKENDS = (
    # First: refuses a password sign-in for an account name (mobile number or e-mail, known or not, so
    # the answer tells nothing of who has an account) after AXES_FAILURE_LIMIT failures in a row.
    "axes.backends.AxesStandaloneBackend",
    "oscar.apps.customer.auth_backends.EmailBackend",
    "django.contrib.auth.backends.ModelBackend",
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Signing in with no page asked for lands a seller in the seller center, a buyer in its account (vendors.web.public).
LOGIN_REDIRECT_URL = "/vendors/signed-in/"

# Failed password sign-ins (django-axes): counted per account name, not per address (a village shares
# one carrier-grade NAT address); the name is locked for AXES_COOLOFF_TIME after the limit. The SMS code
# sign-in stays open to the number's owner (shop.customer.phone_codes has its own limits).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "shop.customer.views.lockout_response"
AXES_VERBOSE = False
# axes.W006 asks to lock per address too: here that would lock out a whole village behind one address.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Codes sent by SMS to prove a mobile number (shop.customer.phone_codes): 6 digits, valid this long,
# single-use, stored hashed; a number gets one code per PHONE_CODE_RESEND_SECONDS and at most
# PHONE_CODE_DAILY_PER_NUMBER a day, an address at most PHONE_CODE_DAILY_PER_IP a day; a code is dead after
# PHONE_CODE_MAX_ATTEMPTS wrong guesses.
PHONE_CODE_TTL_SECONDS = env.int("PHONE_CODE_TTL_SECONDS", default=300)
PHONE_CODE_RESEND_SECONDS = env.int("PHONE_CODE_RESEND_SECONDS", default=60)
PHONE_CODE_DAILY_PER_NUMBER = env.int("PHONE_CODE_DAILY_PER_NUMBER", default=10)
PHONE_CODE_DAILY_PER_IP = env.int("PHONE_CODE_DAILY_PER_IP", default=30)
PHONE_CODE_MAX_ATTEMPTS = env.int("PHONE_CODE_MAX_ATTEMPTS", default=5)

# Language and region: Chinese first, English selectable.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "shop" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env("STATIC_ROOT", default=str(VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Vendors' licences and IDs: outside MEDIA_ROOT, so no URL serves them.
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))

# Cache, sessions and Celery: Redis when REDIS_URL is set, in-process otherwise.
# Redis is never needed to answer a page: a Redis error or timeout is a cache miss
# (shop.core.cache), and sessions live in the database with Redis in front of them, so a
# Redis restart signs nobody out. Run the broker on a Redis of its own in production
# (CELERY_BROKER_URL; README "When Redis fails").
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "shop.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="vm"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("CACHE_REDIS_TIMEOUT", default=0.25),
                "socket_timeout": env.float("CACHE_REDIS_TIMEOUT", default=0.25),
                # seconds during which, after a failure, this process does not try Redis
                "retry_after": env.float("CACHE_REDIS_RETRY_AFTER", default=5),
            },
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
# In-process tasks log their failures instead of raising them into the request.
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A dead or hung broker must not hold a request (a checkout enqueues its notifications after
# commit): publishing a task gives up within 0.3 s and is not retried in the request.
# What was not enqueued is sent later from the database: the outbox sweep
# (vendors.notifications.tasks.resend_pending_task) and the search re-index of recently changed
# products (shop.search.tasks.reindex_recent_products_task). Workers reconnect on their own.
# Measured on redis: publish retries cost 2 s each against a dead broker, and the old 2 s socket
# timeout with one retry cost 6 s against a stopped one; now both fail within 0.3 s.
CELERY_BROKER_CONNECTION_TIMEOUT = 0.3
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3, "retry_on_timeout": False}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
# Every task gets a soft limit (SoftTimeLimitExceeded raised in the task) and a hard one (worker process killed).
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)

# Whole pages for anonymous visitors (shop.core.pagecache): how old a cached page may be, in seconds
# (at most 5: a price, stock or listing change shows within that; 0 turns the cache off), and which
# paths are cached. A suspension or a delisting is never served from the cache once committed.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=4)
if not 0 <= PAGE_CACHE_SECONDS <= 5:
    raise ImproperlyConfigured("PAGE_CACHE_SECONDS must be between 0 (no page cache) and 5.")
PAGE_CACHE_PATHS = [
    r"/",  # the home page
    r"/catalogue/.*",  # the catalogue, category pages and product pages
    r"/vendors/",  # the shop directory
    r"/vendors/(?!apply/|signed-in/)[^/]+/",  # a shop's storefront (not where signing in lands)
    r"/live/",  # the live sales
    r"/live/[^/]+/",  # one live sale's page
    r"/search/",  # search results (the query string is part of the key): the crowd searches the same words
]
# Of those, the pages that are the same for a signed-in visitor but for her header and footer, which
# static/js/visitor.js fills in: she is sent them from the cache too once her browser has shown it runs
# that script (its cookie PAGE_CACHE_SCRIPT_COOKIE). Product pages too: the back-in-stock form's e-mail
# field, which only a signed-out visitor needs, is one of the things the script hides for her.
PAGE_CACHE_SIGNED_IN_PATHS = [
    r"/",
    r"/catalogue/",
    r"/catalogue/category/.*",
    r"/catalogue/(?!category/)[^/]+_\d+/",  # a product page
    r"/vendors/",
    r"/vendors/(?!apply/|signed-in/)[^/]+/",
    r"/live/",
    r"/live/[^/]+/",
    r"/search/",
]
PAGE_CACHE_SCRIPT_COOKIE = "vm_js"
# A signed-in buyer's own pages, kept for her alone for PAGE_CACHE_SECONDS and dropped when her basket or
# account changes (shop.core.pagecache.PrivatePageCacheMiddleware): what she opens again and again.
PRIVATE_PAGE_CACHE_PATHS = [r"/basket/", r"/accounts/profile/"]

# Mail: console unless EMAIL_URL says otherwise (e.g. smtp+tls://user:pass@host:587).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="乡村集市 <noreply@village-market.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Search (docs/search.md): on PostgreSQL, PostgreSQL itself (shop.search.postgres: a tsvector of
# jieba words, characters and pinyin with a GIN index, in the shop's database); on SQLite, Whoosh
# with jieba's Chinese analyzer on disk. SEARCH_URL chooses another engine, e.g.
# elasticsearch7://host:9200/products for a search cluster shared by several machines, or
# whoosh:///path to keep Whoosh on PostgreSQL.
_search_default = "postgres://" if _postgresql else ""
SEARCH_URL = env("SEARCH_URL", default=_search_default or f"whoosh://{VAR_DIR / 'whoosh_index'}")
if SEARCH_URL.startswith(("postgres://", "postgresql://")):
    HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "shop.search.postgres.PostgresSearchEngine"}}
else:
    HAYSTACK_CONNECTIONS = {"default": env.search_url_config(SEARCH_URL)}
if HAYSTACK_CONNECTIONS["default"]["ENGINE"].startswith("haystack.backends.whoosh"):
    HAYSTACK_CONNECTIONS["default"]["ENGINE"] = "shop.search.backends.ChineseWhooshEngine"
# Elasticsearch needs the analysis-smartcn plugin for Chinese word segmentation.
ELASTICSEARCH_DEFAULT_ANALYZER = "smartcn"
HAYSTACK_SIGNAL_PROCESSOR = "shop.search.signals.CelerySignalProcessor"
HAYSTACK_SEARCH_RESULTS_PER_PAGE = 20
# Beat re-indexes the products changed since its last successful run this often (an update
# enqueued while the broker was down is lost); the first run looks back this far.
SEARCH_REINDEX_EVERY_SECONDS = env.int("SEARCH_REINDEX_EVERY_SECONDS", default=300)
SEARCH_REINDEX_FIRST_LOOKBACK_SECONDS = env.int("SEARCH_REINDEX_FIRST_LOOKBACK_SECONDS", default=86400)

# Oscar
OSCAR_SHOP_NAME = "乡村集市"
OSCAR_HOMEPAGE = reverse_lazy("home:index")
OSCAR_SHOP_TAGLINE = _("Local produce from Shanxi villages")
OSCAR_DEFAULT_CURRENCY = "CNY"
OSCAR_CURRENCY_FORMAT = {"CNY": {"format": "¥#,##0.00"}}
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_ALLOW_ANON_CHECKOUT = True
OSCAR_SLUG_FUNCTION = "shop.core.slugs.pinyin_slugify"
OSCAR_MAX_BASKET_QUANTITY_THRESHOLD = 200
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line3", "line4", "state", "country")
# Product views are not counted and no recently-viewed cookie is kept: both
# cost a write or extra queries on every product page (docs/oscar-pitfalls.md #16).
OSCAR_RECENTLY_VIEWED_PRODUCTS = 0
OSCAR_COOKIES_DELETE_ON_LOGOUT = []
# Back-in-stock alerts are sent by the periodic command, never under the stock row lock.
OSCAR_EAGER_ALERTS = False
# Admins review vendors in the dashboard. Oscar's default access function only knows Oscar's own
# dashboard apps, so this entry says who sees it; the views check the same (vendors.web.dashboard.views).
OSCAR_DASHBOARD_NAVIGATION = [
    *OSCAR_DASHBOARD_NAVIGATION,
    {
        "label": _("Vendors"),
        "icon": "fas fa-store",
        "children": [
            {
                "label": _("Vendors"),
                "url_name": "vendors_dashboard:list",
                "access_fn": is_staff_user,
            },
            {
                "label": _("Import a county's CSV"),
                "url_name": "vendors_dashboard:import",
                "access_fn": is_staff_user,
            },
            {
                "label": _("Payouts"),
                "url_name": "vendors_dashboard:payouts",
                "access_fn": is_staff_user,
            },
        ],
    },
    {
        "label": _("Live events"),
        "icon": "fas fa-video",
        "url_name": "live_dashboard:list",
        "access_fn": is_staff_user,
    },
    {
        "label": _("Notifications"),
        "icon": "fas fa-envelope",
        "url_name": "notifications_dashboard:list",
        "access_fn": is_staff_user,
    },
]
OSCAR_SEARCH_FACETS = {"fields": {}, "queries": {}}
OSCAR_PRODUCTS_PER_PAGE = env.int("OSCAR_PRODUCTS_PER_PAGE", default=24)
OSCAR_THUMBNAILER = "shop.core.thumbnails.RetryingSorlThumbnail"
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"
# Thumbnail lookups (one per product on a listing) hit a per-process memory
# cache first, then the database table that is shared by every process; a
# round trip to Redis per thumbnail was most of a listing's render time.
CACHES["thumbnails"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "thumbnails",
    "TIMEOUT": 600,
    "OPTIONS": {"MAX_ENTRIES": 20000},
}
THUMBNAIL_CACHE = "thumbnails"
THUMBNAIL_PRESERVE_FORMAT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"jieba": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
# Marketplace
VENDOR_DEFAULT_COMMISSION_RATE = env("VENDOR_DEFAULT_COMMISSION_RATE", default="0.05")
VENDOR_INVITATION_DAYS = env.int("VENDOR_INVITATION_DAYS", default=30)
CHECKOUT_PAYMENT_METHODS = ["shop.checkout.payment_methods.CashOnDelivery"]
# Per-vendor shipping: each vendor's parcel costs its own flat fee, free from a goods total on;
# these are the platform defaults for vendors who set neither (vendors.fulfilment.shipping).
VENDOR_DEFAULT_SHIPPING_FEE = env("VENDOR_DEFAULT_SHIPPING_FEE", default="8.00")
VENDOR_DEFAULT_FREE_SHIPPING_FROM = env("VENDOR_DEFAULT_FREE_SHIPPING_FROM", default="99.00")
# A shipped part counts as delivered (and is booked to the vendor's earnings) this many days
# after shipping when the buyer has not confirmed receipt.
VENDOR_AUTO_DELIVER_DAYS = env.int("VENDOR_AUTO_DELIVER_DAYS", default=10)
# An order's overall status is a code derived from its vendors' parts (vendors.fulfilment.services.OrderStatus);
# a new order starts "waiting" (待发货).
OSCAR_INITIAL_ORDER_STATUS = "waiting"

# Notifications (vendors.notifications): SMS goes through this backend; the default writes to the log.
SMS_BACKEND = env("SMS_BACKEND", default="vendors.notifications.sms.LogSmsBackend")
# A message still pending (or stuck "sending": worker killed) this long is sent again by beat.
NOTIFICATION_RESEND_AFTER_SECONDS = env.int("NOTIFICATION_RESEND_AFTER_SECONDS", default=120)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=6)
CELERY_BEAT_SCHEDULE = {
    "resend-pending-notifications": {
        "task": "vendors.notifications.tasks.resend_pending_task",
        "schedule": 60.0,
    },
    "deliver-shipped-parts": {
        "task": "vendors.fulfilment.tasks.auto_deliver_parts_task",
        "schedule": 3600.0,
    },
    "reindex-recent-products": {
        "task": "shop.search.tasks.reindex_recent_products_task",
        "schedule": float(SEARCH_REINDEX_EVERY_SECONDS),
    },
    # Won snap-ups whose order no queued task will write (a broker hiccup): written within seconds.
    "place-live-orders": {
        "task": "vendors.live.tasks.place_live_orders_task",
        "schedule": 5.0,
    },
    "reconcile-live-counters": {
        "task": "vendors.live.tasks.reconcile_live_counters_task",
        "schedule": 30.0,
    },
    "send-back-in-stock-alerts": {
        "task": "shop.customer.tasks.send_product_alerts_task",
        "schedule": 600.0,
    },
    # Live events' viewer counters, Redis -> database (vendors.live.counters): a report loses at most
    # this interval's views when Redis restarts.
    "flush-live-counters": {
        "task": "vendors.live.tasks.flush_live_counters_task",
        "schedule": 60.0,
    },
}

# Live sales (vendors.live): the snap-up's admission counters live in Redis (LIVE_REDIS_URL, by default the
# cache's REDIS_URL); without it the database alone decides who gets a unit.
LIVE_REDIS_URL = env("LIVE_REDIS_URL", default=REDIS_URL)
LIVE_KEY_PREFIX = env("LIVE_KEY_PREFIX", default="vm-live")
# Won snap-ups' orders are written from a queue of their own (vendors.live.tasks), so a crowd's thousands of
# notifications never hold them up: `make worker` consumes both queues; a busy deployment gives this one a worker
# of its own (`celery -A config worker -Q live-orders`).
LIVE_ORDERS_QUEUE = "live-orders"
CELERY_TASK_ROUTES = {"vendors.live.tasks.place_live_orders_task": {"queue": LIVE_ORDERS_QUEUE}}
# What every open event page polls is answered from each process's memory for up to a second, then from the
# shared cache (vendors.live.selectors.live_event_status_json): a crowd's polls cost no round trip at all. An item
# Redis just found sold out is remembered there for a second too (vendors.live.admission).
CACHES["live-status"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "live-status"}
# The parts of a product card that are the same for every visitor, kept in each process's memory for
# PAGE_CACHE_SECONDS (shop/templates/oscar/catalogue/partials/product.html): signed-in visitors' listings.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 50000},
}
