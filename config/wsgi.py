"""WSGI entry point (gunicorn config.wsgi). Production sets DJANGO_SETTINGS_MODULE=config.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()

# jieba loads its dictionary on its first use (about a second): do it here, once, before gunicorn
# forks its workers (preload_app), instead of in each worker's first search.
from shop.search.terms import warm_up  # noqa: E402

warm_up()
