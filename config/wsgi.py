"""WSGI entry point (gunicorn config.wsgi). Production sets DJANGO_SETTINGS_MODULE=config.settings.production.

gunicorn loads this module once, in its master, before it forks the workers (preload_app): what is loaded here
each worker has from its first request on. Left to the first request, a worker's first page took 0.7-1 s
(every view module imported by the URLconf, every template it renders compiled, the translations read, and
jieba's dictionary on the first search), and under a crowd the requests behind it waited that long too
(docs/serving.md).

Then everything loaded so far is frozen out of the garbage collector's reach (``gc.freeze``): it lives as long as
the process, and a full collection in a worker walked its 475,000 objects each time, 0.2-0.3 s during which
none of the worker's threads ran (the p99 of a cached page under wrk, docs/pages.md).
"""

import gc
import os
from contextlib import suppress

from django.core.wsgi import get_wsgi_application
from django.urls import NoReverseMatch, reverse

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()


def warm_up() -> None:
    from decimal import Decimal

    from django.conf import settings
    from django.db import connections
    from django.template import engines
    from django.template.autoreload import get_template_directories
    from django.urls import get_resolver
    from django.utils import translation
    from oscar.templatetags.currency_filters import currency

    from shop.search.terms import warm_up as warm_up_search

    warm_up_search()
    names = {str(path.relative_to(folder)) for folder in get_template_directories() for path in folder.rglob("*.html")}
    for engine in engines.all():
        for name in names:
            engine.get_template(name)  # compiled once, kept by the cached loader
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            _fill_reverse(get_resolver())
            currency(Decimal("1"))  # Babel reads its data for the language's prices (0.2 s, the interpreter held)
    connections.close_all()  # a worker must never share a connection its master opened


def _fill_reverse(resolver, namespace: str = "") -> None:
    """reverse()'s tables, for the active language, of the URLconf and of every namespace in it (and of the
    resolver reverse() makes for a namespace under a prefix): each is built on its first use, every pattern's
    regular expression taken apart."""
    names = [name for name in resolver.reverse_dict if isinstance(name, str)]
    if namespace and names:
        with suppress(NoReverseMatch):  # a name without its arguments: the tables are built all the same
            reverse(f"{namespace}:{names[0]}")
    for inner, (_prefix, included) in resolver.namespace_dict.items():
        _fill_reverse(included, f"{namespace}:{inner}" if namespace else inner)


warm_up()
gc.freeze()
