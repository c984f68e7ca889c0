"""Demo and benchmark catalogue built from real Shanxi county products.

Rules: running it again changes nothing (every row has a natural key: country
code, category path, partner code, product UPC, image file name); products are
written in bulk so a 600-vendor catalogue takes seconds, not an hour; each
product has one stock record of one vendor (one product, one vendor).
"""

import csv
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from oscar.apps.address.models import Country
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.utils import slugify

from shop.catalogue.models import Product, ProductAttributeValue, ProductCategory, ProductImage
from shop.partner.models import Partner, StockRecord
from shop.search.models import ProductEnglishName
from vendors.demo_images import render_fields, render_pack, render_produce
from vendors.listings.services import certifications_group, farm_produce_class
from vendors.live.demo import seed_live_events
from vendors.models import Vendor

DATA_FILE = Path(__file__).resolve().parent / "demo_data" / "shanxi_products.csv"
ADMIN_USERNAME = "admin"
ADMIN_EMAIL = "admin@village-market.local"
DEMO_SELLER_MOBILE = "13900000001"


VILLAGES = ["王家庄村", "李家沟村", "张家坪村", "刘家峪村", "赵家湾村", "前进村", "东坡村", "西河村"]
VENDOR_KINDS = ["农民专业合作社", "家庭农场", "土特产店", "农产品有限公司"]

# Words a village shop puts in a title (the scaled county only; the demo's titles are the CSV's).
GRADES = ["精选", "农家自产", "新货", "头茬", "老树", "有机", "产地直发", "当季", "手工挑选", "珍品"]

# The month of the harvest for the CSV's seasons that name no month.
SEASON_MONTHS = {"秋季": 10, "端午前后": 6}
# A variant's suffix when the CSV's title already says it (临县红枣 一级 家庭装): titles stay unique.
VARIANT_FALLBACK_SUFFIXES = ["", "两件装", "精品礼盒"]
# (suffix_zh, suffix_en, weight factor label, price factor)
VARIANTS = [
    ("", "", None, Decimal("1")),
    ("家庭装", "family pack", "x2", Decimal("1.85")),
    ("礼盒装", "gift box", None, Decimal("1.35")),
]


@dataclass
class SeedResult:
    created: dict = field(default_factory=dict)
    # Set only by the run that creates the account: the random password is shown once, never stored.
    admin_password: str | None = None
    seller_login: tuple[str, str, str] | None = None

    def add(self, name: str, count: int) -> None:
        self.created[name] = self.created.get(name, 0) + count

    @property
    def changed(self) -> bool:
        return any(self.created.values())


def load_rows() -> list[dict]:
    with DATA_FILE.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _stable_int(*parts, modulo: int) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return int(digest[:8], 16) % modulo


def _double_weight(weight: str) -> str:
    number = "".join(c for c in weight if c.isdigit() or c == ".")
    unit = weight[len(number) :]
    try:
        return f"{Decimal(number) * 2:g}{unit}"
    except ArithmeticError:
        return weight


def ensure_image_files(key: str, row: dict, variant: int, *, count: int) -> list[str]:
    """The product's photos (produce, pack, fields), drawn once and kept in storage; their paths."""
    subcategory = row["category_en"].split("/")[-1]
    drawings = [
        ("produce", lambda: render_produce(key, subcategory)),
        ("pack", lambda: render_pack(key, subcategory, variant)),
        ("fields", lambda: render_fields(row["county_en"])),
    ]
    paths = []
    for name, draw in drawings[:count]:
        path = f"images/products/demo-art/{key}-{name}.jpg"
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(draw()))
        paths.append(path)
    return paths


@dataclass
class ProductSpec:
    upc: str
    title: str
    row: dict
    variant_index: int
    partner_code: str
    village: str


def _product_specs_demo(rows: list[dict]) -> list[ProductSpec]:
    specs = []
    for i, row in enumerate(rows):
        variant_count = 3 if i % 2 == 0 else 2
        for v in range(variant_count):
            suffix = VARIANTS[v][0] if VARIANTS[v][0] not in row["title_zh"] else VARIANT_FALLBACK_SUFFIXES[v]
            specs.append(
                ProductSpec(
                    upc=f"VM-{row['county_en'].upper()}-{i:02d}-{v}",
                    title=f"{row['title_zh']} {suffix}".strip(),
                    row=row,
                    variant_index=v,
                    partner_code=_county_partner_code(row["county_en"]),
                    village=VILLAGES[_stable_int(row["county_en"], modulo=len(VILLAGES))],
                )
            )
    return specs


def _county_partner_code(county_en: str) -> str:
    return f"{county_en.lower()}-coop"


@dataclass
class VendorSpec:
    code: str
    name: str
    county: str
    village: str
    story: str


def _story(row: dict, village: str, kind: str) -> str:
    return (
        f"<p>我们是山西省{row['prefecture_zh']}{row['county_zh']}{village}的{kind}，"
        f"世代种植、加工本地特产。{row['title_zh'].split()[0]}等产品均由村里农户按传统方法生产，"
        f"{row['harvest_season_zh']}新货上市，从田间直接发货。</p>"
    )


def _demo_partners(rows: list[dict]) -> list[VendorSpec]:
    seen = {}
    for row in rows:
        code = _county_partner_code(row["county_en"])
        if code not in seen:
            kind = VENDOR_KINDS[_stable_int(code, modulo=len(VENDOR_KINDS))]
            village = VILLAGES[_stable_int(row["county_en"], modulo=len(VILLAGES))]
            seen[code] = VendorSpec(
                code, f"{row['county_zh']}{village}{kind}", row["county_zh"], village, _story(row, village, kind)
            )
    return list(seen.values())


def _scaled(rows: list[dict], vendors: int, per_vendor: int) -> tuple[list[VendorSpec], list[ProductSpec]]:
    partners, specs = [], []
    for n in range(vendors):
        home = rows[n % len(rows)]
        code = f"vendor-{n + 1:04d}"
        village = VILLAGES[n % len(VILLAGES)]
        kind = VENDOR_KINDS[n % len(VENDOR_KINDS)]
        partners.append(
            VendorSpec(
                code,
                f"{home['county_zh']}{village}{kind}{n + 1}号",
                home["county_zh"],
                village,
                _story(home, village, kind),
            )
        )
        for k in range(per_vendor):
            row = rows[(n + k) % len(rows)]
            v = k % len(VARIANTS)
            # A shop sells the same produce in several grades and packs: titles vary as a county's do.
            grade = GRADES[(n * 7 + k) % len(GRADES)]
            specs.append(
                ProductSpec(
                    upc=f"VM-{code.upper()}-{k:03d}",
                    title=f"{village[:-1]}{row['title_zh']} {grade} {VARIANTS[v][0]}".strip().replace("  ", " "),
                    row=row,
                    variant_index=v,
                    partner_code=code,
                    village=village,
                )
            )
    return partners, specs


def _description(spec: ProductSpec, weight: str) -> str:
    row = spec.row
    gi = "，国家地理标志产品" if row["geographical_indication"] == "yes" else ""
    return (
        f"<p>{row['title_zh']}产自山西省{row['prefecture_zh']}{row['county_zh']}{spec.village}{gi}。"
        f"{row['harvest_season_zh']}采收，农户自家种植、手工挑选、产地直发。</p>"
        f"<p>净含量：{weight}；保质期：{row['shelf_life_days']}天；储存方式：{row['storage_zh']}。</p>"
    )


@transaction.atomic
def seed_catalogue(
    *, vendors: int | None = None, products_per_vendor: int | None = None, live_events: bool = True
) -> SeedResult:
    """Create whatever of the demo catalogue is missing; return what was created."""
    result = SeedResult()
    rows = load_rows()

    _ensure_site_and_country(result)
    product_class = farm_produce_class()
    attributes = {a.code: a for a in product_class.attributes.all()}
    categories = {}
    for row in rows:
        if row["category_zh"] not in categories:
            categories[row["category_zh"]] = create_from_breadcrumbs(row["category_zh"], separator="/")

    if vendors:
        partner_rows, specs = _scaled(rows, vendors, products_per_vendor or 20)
    else:
        partner_rows = _demo_partners(rows)
        specs = _product_specs_demo(rows)

    codes = [v.code for v in partner_rows]
    existing_partners = set(Partner.objects.filter(code__in=codes).values_list("code", flat=True))
    new_partners = [Partner(code=v.code, name=v.name) for v in partner_rows if v.code not in existing_partners]
    Partner.objects.bulk_create(new_partners)
    result.add("partners", len(new_partners))
    partners = {p.code: p for p in Partner.objects.filter(code__in=codes)}
    _ensure_vendors(partner_rows, partners, result)

    existing_upcs = set(Product.objects.filter(upc__in=[s.upc for s in specs]).values_list("upc", flat=True))
    todo = [s for s in specs if s.upc not in existing_upcs]
    for start in range(0, len(todo), 2000):
        _create_products(todo[start : start + 2000], product_class, attributes, categories, partners)
    result.add("products", len(todo))

    result.admin_password = _ensure_admin(result)
    if not vendors:
        _ensure_demo_seller(partners[partner_rows[0].code], result)
        if live_events:
            result.add("live events", seed_live_events())
    return result


def analyze_after_bulk_load() -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (run after the load commits).

    Until autovacuum gets to it the planner believes the product table is nearly empty: the
    catalogue's first page then sorted all 120,000 products (432 ms) instead of walking an index (7 ms).
    """
    if connection.vendor == "postgresql":
        loaded = (Product, StockRecord, ProductAttributeValue, ProductCategory, ProductImage, Partner, Vendor)
        tables = [model._meta.db_table for model in loaded]
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def _ensure_vendors(specs: list[VendorSpec], partners: dict, result: SeedResult) -> None:
    """Every demo partner is an approved vendor with a storefront profile."""
    existing = set(Vendor.objects.filter(partner__code__in=partners).values_list("partner__code", flat=True))
    new = [
        Vendor(
            partner=partners[v.code],
            status=Vendor.Status.APPROVED,
            slug=v.code,
            name=v.name,
            contact_name="村长",
            contact_phone=f"+86139{_stable_int(v.code, modulo=10**8):08d}",
            county=v.county,
            village=v.village,
            story=v.story,
        )
        for v in specs
        if v.code not in existing
    ]
    Vendor.objects.bulk_create(new)
    result.add("vendors", len(new))


def _ensure_site_and_country(result: SeedResult) -> None:
    # The site row may be missing on a database a test emptied; get_current() would raise.
    site, _ = Site.objects.get_or_create(pk=settings.SITE_ID, defaults={"domain": "127.0.0.1:8000"})
    if site.name != "乡村集市":
        site.name, site.domain = "乡村集市", "127.0.0.1:8000"
        site.save()
    _, created = Country.objects.get_or_create(
        iso_3166_1_a2="CN",
        defaults={
            "iso_3166_1_a3": "CHN",
            "iso_3166_1_numeric": "156",
            "printable_name": "中国",
            "name": "中华人民共和国",
            "is_shipping_country": True,
            "display_order": 1,
        },
    )
    result.add("countries", int(created))


def _harvest_date(season: str, key: str) -> date | None:
    """The last harvest in the CSV's season (9-10月, 秋季, 端午前后 ...); None for what is made all year."""
    months = re.findall(r"\d+", season)
    month = int(months[0]) if months else SEASON_MONTHS.get(season)
    if month is None:
        return None
    today = date.today()
    year = today.year if month < today.month else today.year - 1
    return date(year, month, 1 + _stable_int(key, "harvest", modulo=28))


def _certifications(key: str) -> list[str]:
    """A few demo products are certified green food, fewer organic (codes of CERTIFICATION_OPTIONS)."""
    pick = _stable_int(key, "certified", modulo=6)
    return {0: ["green-food"], 1: ["green-food"], 2: ["organic"]}.get(pick, [])


def _create_products(specs, product_class, attributes, categories, partners) -> None:
    products, stockrecords, values, links, images, multi_options, english = [], [], [], [], [], [], []
    certifications = {option.code: option for option in certifications_group().options.all()}
    for spec in specs:
        _suffix, _suffix_en, weight_rule, factor = VARIANTS[spec.variant_index]
        weight = _double_weight(spec.row["net_weight"]) if weight_rule == "x2" else spec.row["net_weight"]
        product = Product(
            upc=spec.upc,
            title=spec.title,
            slug=slugify(spec.title) or spec.upc.lower(),
            description=_description(spec, weight),
            product_class=product_class,
            structure=Product.STANDALONE,
            is_public=True,
        )
        products.append((spec, product, weight, factor))
    Product.objects.bulk_create([p for _, p, *_ in products])
    # SQLite and PostgreSQL both return primary keys from bulk_create.
    for spec, product, weight, factor in products:
        row = spec.row
        price = (Decimal(row["price_cny"]) * factor).quantize(Decimal("0.1")) - Decimal("0.10")
        if spec.partner_code.startswith("vendor-"):
            # The scaled county's shops price the same produce each their own way, within about 15%.
            spread = Decimal(85 + _stable_int(spec.upc, "price", modulo=31)) / 100
            price = (price * spread).quantize(Decimal("0.1")) - Decimal("0.10")
        stockrecords.append(
            StockRecord(
                product=product,
                partner=partners[spec.partner_code],
                partner_sku=spec.upc,
                price=max(price, Decimal("1.00")),
                price_currency=settings.OSCAR_DEFAULT_CURRENCY,
                num_in_stock=20 + _stable_int(spec.upc, modulo=280),
                low_stock_threshold=10,
            )
        )
        attribute_values = {
            "origin_province": "山西省",
            "origin_prefecture": row["prefecture_zh"],
            "origin_county": row["county_zh"],
            "origin_village": spec.village,
            "net_weight": weight,
            "harvest_season": row["harvest_season_zh"],
            "shelf_life_days": int(row["shelf_life_days"]),
            "storage": row["storage_zh"],
            "geographical_indication": row["geographical_indication"] == "yes",
        }
        harvested = _harvest_date(row["harvest_season_zh"], spec.upc)
        if harvested is not None:
            attribute_values["harvest_date"] = harvested
        for code, value in attribute_values.items():
            attribute = attributes[code]
            value_field = f"value_{attribute.type}"
            values.append(ProductAttributeValue(product=product, attribute=attribute, **{value_field: value}))
        links.append(ProductCategory(product=product, category=categories[row["category_zh"]]))
        demo_shop = not spec.partner_code.startswith("vendor-")
        certified = _certifications(spec.upc) if demo_shop else []
        if certified:
            value = ProductAttributeValue(product=product, attribute=attributes["certifications"])
            values.append(value)
            multi_options.extend((value, certifications[code]) for code in certified)
        # Searchable, not shown: "red dates" finds 临县红枣 (shop.search).
        english.append(ProductEnglishName(product=product, name=row["title_en"]))
        image_key = f"{row['county_en'].lower()}-{_stable_int(row['title_en'], modulo=10**8):08d}-{spec.variant_index}"
        # The demo shops' products have three photos (the gallery swipes); the scaled county's one.
        paths = ensure_image_files(image_key, row, spec.variant_index, count=3 if demo_shop else 1)
        images.extend(
            ProductImage(product=product, original=path, caption=product.title, display_order=order)
            for order, path in enumerate(paths)
        )
    StockRecord.objects.bulk_create(stockrecords)
    ProductAttributeValue.objects.bulk_create(values)
    through = ProductAttributeValue.value_multi_option.through
    through.objects.bulk_create(
        through(productattributevalue_id=value.pk, attributeoption_id=option.pk) for value, option in multi_options
    )
    ProductCategory.objects.bulk_create(links)
    ProductImage.objects.bulk_create(images)
    ProductEnglishName.objects.bulk_create(english)


def _new_password() -> str:
    return secrets.token_urlsafe(12)


def _ensure_admin(result: SeedResult) -> str | None:
    """Create the demo admin with a random password; return the password when this call created it."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=ADMIN_USERNAME,
        defaults={"email": ADMIN_EMAIL, "is_staff": True, "is_superuser": True},
    )
    if not created:
        return None
    password = _new_password()
    user.set_password(password)
    user.save()
    result.add("admin users", 1)
    return password


def _ensure_demo_seller(partner, result: SeedResult) -> None:
    """A farmer who runs the first demo shop, to try the seller center (signs in with the mobile number)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=DEMO_SELLER_MOBILE, defaults={"first_name": "王秀英"})
    partner.users.add(user)
    if created:
        password = _new_password()
        user.set_password(password)
        user.save()
        result.add("demo sellers", 1)
        result.seller_login = (DEMO_SELLER_MOBILE, password, partner.name)
