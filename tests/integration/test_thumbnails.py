import io
import re
from pathlib import Path

import oscar
import pytest
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from oscar.core.thumbnails import SorlThumbnail
from PIL import Image, ImageDraw
from sorl.thumbnail import default
from sorl.thumbnail.helpers import ThumbnailError
from sorl.thumbnail.images import ImageFile
from sorl.thumbnail.kvstores.base import add_prefix
from sorl.thumbnail.kvstores.cached_db_kvstore import EMPTY_VALUE
from sorl.thumbnail.models import KVStore

from shop.catalogue.models import ProductImage
from shop.core.thumbnails import RetryingSorlThumbnail
from tests.factories import FarmProductFactory
from vendors.listings.uploads import (
    STOREFRONT_THUMBNAILS,
    ThumbnailNotGenerated,
    clean_image_upload,
    generate_thumbnails,
)

# Each thumbnail tag of the storefront, as Oscar's templates write it.
STOREFRONT_TAGS = [
    '{% oscar_thumbnail image "x155" upscale=False as thumb %}',
    '{% oscar_thumbnail image "440x400" upscale=False as thumb %}',
    '{% oscar_thumbnail image "200x200" upscale=False as thumb %}',
    '{% oscar_thumbnail image "100x100" upscale=False as thumb %}',
    '{% oscar_thumbnail image "65x55" crop="center" as thumb %}',
]
THUMBNAIL_TAG = re.compile(r'{% oscar_thumbnail \S+ "(?P<size>[^"]+)"(?P<options>(?: \w+=\S+)*) as \w+ %}')


def _stored_product_image(size: tuple[int, int] = (1200, 900)):
    """An accepted upload saved to storage, as the ``original`` of an (unsaved) product image."""
    picture = Image.new("RGB", size, (170, 20, 30))
    ImageDraw.Draw(picture).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=(240, 200, 60))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    cleaned = clean_image_upload(SimpleUploadedFile("hong-zao.png", buffer.getvalue(), content_type="image/png"))
    name = default_storage.save(f"images/products/{cleaned.name}", cleaned)
    return ProductImage(original=name).original


def _thumbnail_files() -> dict[str, tuple[int, int]]:
    cache_dir = Path(settings.MEDIA_ROOT) / "cache"
    if not cache_dir.exists():
        return {}
    return {
        path.relative_to(settings.MEDIA_ROOT).as_posix(): Image.open(path).size
        for path in cache_dir.rglob("*")
        if path.is_file()
    }


@pytest.mark.django_db
def test_generate_thumbnails_writes_the_storefront_thumbnails_and_records_them_in_the_kvstore():
    # given a 1200x900 product image in storage, with no thumbnail yet
    original = _stored_product_image()
    assert _thumbnail_files() == {}

    # when its thumbnails are generated
    generate_thumbnails(original)

    # then one file per storefront geometry exists, and sorl's kvstore (cache and database) knows each
    files = _thumbnail_files()
    assert sorted(files.values()) == [(65, 55), (100, 75), (200, 150), (207, 155), (440, 330)]
    for name in files:
        assert default.kvstore.get(ImageFile(name, default_storage)) is not None
    assert default.kvstore.get(ImageFile(original)) is not None
    image_rows = KVStore.objects.filter(key__contains="||image||")
    assert sorted(row.key.split("||")[-1] for row in image_rows) == sorted(
        [ImageFile(original).key] + [ImageFile(name, default_storage).key for name in files]
    )


@pytest.mark.django_db
def test_storefront_pages_then_find_every_thumbnail_without_opening_the_original():
    # given generated thumbnails, then the original gone and the per-process cache empty (another server)
    original = _stored_product_image()
    generate_thumbnails(original)
    files = _thumbnail_files()
    default_storage.delete(original.name)
    caches[settings.THUMBNAIL_CACHE].clear()

    # when the storefront's thumbnail tags are rendered
    urls = [
        Template("{% load image_tags %}" + tag + "{{ thumb.url }}").render(Context({"image": original}))
        for tag in STOREFRONT_TAGS
    ]

    # then each tag finds its thumbnail through the kvstore: the original was never needed
    assert sorted(urls) == sorted(settings.MEDIA_URL + name for name in files)
    assert _thumbnail_files() == files


@pytest.mark.django_db
def test_generate_thumbnails_raises_when_the_original_cannot_be_read():
    # given a product image whose file is missing from storage
    original = ProductImage(original="images/products/missing.jpg").original

    # when its thumbnails are generated
    with pytest.raises(ThumbnailNotGenerated) as error:
        generate_thumbnails(original)

    # then the failure is raised (sorl alone only logs it), so a task can retry
    assert str(error.value) == "images/products/missing.jpg at x155"
    assert _thumbnail_files() == {}


def test_the_pre_generated_geometries_are_exactly_those_of_the_storefront_templates():
    # given every oscar_thumbnail tag in Oscar's and our templates, except the admins' dashboard
    template_dirs = [Path(oscar.__file__).parent / "templates", Path(settings.BASE_DIR) / "shop" / "templates"]
    found = set()
    for template in (path for directory in template_dirs for path in directory.rglob("*.html")):
        if "dashboard" in template.parts:
            continue
        for tag in THUMBNAIL_TAG.finditer(template.read_text()):
            options = (option.split("=", 1) for option in tag["options"].split())
            found.add((tag["size"], frozenset((key, _literal(value)) for key, value in options)))

    # when compared with what generate_thumbnails makes
    generated = {(size, frozenset(options.items())) for size, options in STOREFRONT_THUMBNAILS}

    # then they are the same: a miss would make the first viewer decode the original
    assert found == generated


def _literal(value: str):
    return {"True": True, "False": False, "None": None}.get(value, value.strip('"'))


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


@pytest.mark.django_db
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
