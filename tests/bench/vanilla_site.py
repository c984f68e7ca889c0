"""What `make bench vanilla` runs inside the vanilla Oscar shop (tests.bench.vanilla_settings), in a process of
its own so that its Django never meets ours: `python -m tests.bench.vanilla_site seed SIZE`.

`seed` fills the shop with SIZE products shaped as our bench county is (Chinese titles, a category tree of
four parents and ten leaves, each product in one leaf, a stock record with price and stock from Oscar's
one default partner, one picture each), signs a buyer in with two products in her basket, counts the SQL
queries of each measured page and prints what tests/bench/vanilla.py needs as one line of JSON: the
pages' paths, her cookies and the counts. It uses Oscar's models and nothing of ours.
"""

import io
import json
import os
import secrets
import sys
import urllib.parse
from decimal import Decimal
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.test.utils import CaptureQueriesContext

# Ten leaves under four parents: each holds a tenth of the products, titled as a county sells them.
LEAVES = {
    "干果": {"红枣": "临县红枣 特级", "核桃": "汾州核桃"},
    "杂粮": {"小米": "沁州黄小米", "藜麦": "静乐藜麦", "豆类": "岢岚红芸豆"},
    "药食同源": {"党参": "潞党参 整根", "黄芪": "浑源黄芪 正北芪"},
    "新鲜水果": {"苹果": "万荣苹果 红富士", "梨": "隰县玉露香梨", "柿子": "平遥柿饼"},
}
PACKS = ["500克", "1千克", "2.5千克", "礼盒装"]
SEARCH_WORDS = "红枣"
SETTINGS = "tests.bench.vanilla_settings"
IMAGE = "images/products/vanilla.jpg"


def pages(category_path: str, product_path: str) -> dict[str, str]:
    """The measured pages of a site, by name: the same five on both sites."""
    return {
        "catalogue, page 1": "/catalogue/",
        "category (红枣)": category_path,
        "product page (one)": product_path,
        f"search {SEARCH_WORDS}": f"/search/?q={urllib.parse.quote(SEARCH_WORDS)}",
        "basket (two products)": "/basket/",
    }


def count_queries(paths: dict[str, str], cookies: dict[str, str]) -> dict[str, int]:
    """SQL queries of each page for the visitor with ``cookies``, counted on its second view (the first
    one makes the thumbnails and fills the caches every later visitor finds filled)."""
    from django.db import connection

    client = Client()
    for name, value in cookies.items():
        client.cookies[name] = value
    counts = {}
    for name, path in paths.items():
        if client.get(path).status_code != 200:
            raise RuntimeError(f"{path} did not answer 200")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        counts[name] = len(queries)
    return counts


def seed(size: int) -> dict:
    """The vanilla shop with ``size`` products and a signed-in buyer; its pages, her cookies, their queries."""
    from django.db import connection

    products, leaf = _catalogue(size)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as ours is (tests/bench/pages.py _build_search_index)
    call_command("update_index", verbosity=0)
    cookies = _buyer(products[:2])
    paths = pages(leaf.get_absolute_url(), products[0].get_absolute_url())
    return {"paths": paths, "cookies": cookies, "queries": count_queries(paths, cookies)}


def _catalogue(size: int):
    """``size`` products, each in one leaf with a stock record and a picture; the products and the 红枣 leaf."""
    from django.conf import settings
    from oscar.apps.catalogue.categories import create_from_breadcrumbs
    from oscar.apps.catalogue.models import Product, ProductCategory, ProductClass, ProductImage
    from oscar.apps.partner.models import Partner, StockRecord
    from oscar.core.utils import slugify

    _save_image()
    product_class = ProductClass.objects.create(name="农产品", requires_shipping=True, track_stock=True)
    partner = Partner.objects.create(name="乡村集市", code="default")
    leaves = [
        (create_from_breadcrumbs(f"{parent} > {leaf}"), title)
        for parent, children in LEAVES.items()
        for leaf, title in children.items()
    ]
    products = []
    for n in range(size):
        category, name = leaves[n % len(leaves)]
        leaf = category.name
        title = f"{name} {PACKS[n % len(PACKS)]} #{n + 1}"
        products.append(
            Product(
                upc=f"VANILLA-{n + 1:06d}",
                title=title,
                slug=slugify(title),
                description=f"<p>{leaf}：{title}，农户自家种植，产地直发。</p>",
                product_class=product_class,
                is_public=True,
            )
        )
    Product.objects.bulk_create(products, batch_size=2000)
    StockRecord.objects.bulk_create(
        StockRecord(
            product=product,
            partner=partner,
            partner_sku=product.upc,
            price=Decimal(20 + n % 80) + Decimal("0.90"),
            price_currency=settings.OSCAR_DEFAULT_CURRENCY,
            num_in_stock=20 + n % 280,
        )
        for n, product in enumerate(products)
    )
    ProductCategory.objects.bulk_create(
        ProductCategory(product=product, category=leaves[n % len(leaves)][0]) for n, product in enumerate(products)
    )
    ProductImage.objects.bulk_create(
        ProductImage(product=product, original=IMAGE, display_order=0) for product in products
    )
    return products, leaves[0][0]


def _save_image() -> None:
    """One small JPEG that every product shows (sorl-thumbnail makes the pages' sizes from it)."""
    from django.conf import settings
    from PIL import Image

    path = Path(settings.MEDIA_ROOT) / IMAGE
    path.parent.mkdir(parents=True, exist_ok=True)
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    data = io.BytesIO()
    Image.new("RGB", (600, 600), (180, 40, 40)).save(data, "JPEG", quality=85)
    path.write_bytes(data.getvalue())


def _buyer(products) -> dict[str, str]:
    """A buyer signed in with a database session and ``products`` in her basket; her browser's cookies."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore
    from oscar.apps.basket.models import Basket
    from oscar.apps.partner.strategy import Selector

    user = User.objects.create_user("buyer", "buyer@example.com", secrets.token_hex(8))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy(user=user)
    for product in products:
        basket.add_product(product, 1)
    return {settings.SESSION_COOKIE_NAME: session.session_key, settings.CSRF_COOKIE_NAME: secrets.token_hex(16)}


def main() -> None:
    if sys.argv[1:2] != ["seed"] or os.environ.get("DJANGO_SETTINGS_MODULE") != SETTINGS:
        sys.exit(
            "usage: DJANGO_SETTINGS_MODULE=tests.bench.vanilla_settings python -m tests.bench.vanilla_site seed SIZE"
        )
    import django

    django.setup()
    print(json.dumps(seed(int(sys.argv[2]))))


if __name__ == "__main__":
    main()
