"""Fixtures of the page caches' tests (test_page_cache.py, test_private_page_cache.py)."""

import time

import pytest

from shop.core import pagecache


@pytest.fixture
def page_cache(settings):
    """The page caches on, as in production (the test settings turn them off)."""
    settings.PAGE_CACHE_SECONDS = 4
    return settings


@pytest.fixture
def clock(monkeypatch):
    """The page cache's clock, stopped (a slow first render must not age the page) and moved on by the test."""
    now = [time.time()]
    monkeypatch.setattr(pagecache.time, "time", lambda: now[0])

    def advance(seconds):
        now[0] += seconds

    return advance
