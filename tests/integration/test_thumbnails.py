"""Thumbnails under a crowd (shop.core.thumbnails): when sorl's key-value store races, the page still gets
its picture."""

import pytest
from django.conf import settings
from django.core.cache import caches
from oscar.core.thumbnails import SorlThumbnail
from sorl.thumbnail import default
from sorl.thumbnail.helpers import ThumbnailError
from sorl.thumbnail.kvstores.base import add_prefix
from sorl.thumbnail.kvstores.cached_db_kvstore import EMPTY_VALUE

from shop.core.thumbnails import RetryingSorlThumbnail
from tests.factories import FarmProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def racing_thread(monkeypatch):
    """As if another thread, having read the database a moment before, cached "no such source" right after
    this one recorded the source."""
    caches[settings.THUMBNAIL_CACHE].clear()
    record = default.kvstore.get_or_set

    def get_or_set(image_file):
        recorded = record(image_file)
        default.kvstore.cache.set(add_prefix(image_file.key), EMPTY_VALUE)
        return recorded

    monkeypatch.setattr(default.kvstore, "get_or_set", get_or_set)


def test_a_new_thumbnail_made_by_two_threads_at_once_is_still_returned(racing_thread):
    # given
    image = FarmProductFactory().primary_image().original
    # when
    with pytest.raises(ThumbnailError):  # what Oscar's own thumbnailer lets through (the page loses its picture)
        SorlThumbnail().generate_thumbnail(image, size="100x100")
    thumbnail = RetryingSorlThumbnail().generate_thumbnail(image, size="120x120")
    # then
    assert thumbnail.exists()
    assert (thumbnail.width, thumbnail.height) != (0, 0)
    assert thumbnail.url.startswith(settings.MEDIA_URL)
