"""Every page of the three journeys (buyer, seller, admin) reads in Chinese.

A crawler signs in as each actor on the demo market (plus a buyer's orders in every state), opens the
journey's start pages and follows every link of the site, one page per view (the URL name: ten product
pages read alike), and collects the words in Latin letters a visitor sees: text, button labels,
placeholders, titles. Brand names, units and codes are allowed (ALLOWED); e-mail addresses, web
addresses and the shop's own data (tracking numbers, order numbers) are not words.
"""

import re
from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from bs4 import BeautifulSoup
from bs4.element import PreformattedString
from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve, reverse

from shop.catalogue.models import Product
from tests.factories.demo import seed_demo
from tests.factories.live_sales import make_event
from tests.factories.marketplace import make_order, make_parts, make_product, make_vendor, ship_all
from tests.factories.pages import add_to_basket, checkout_to_address_step, checkout_to_preview
from vendors.demo import ADMIN_EMAIL, DEMO_SELLER_MOBILE
from vendors.live.services import live_item_add
from vendors.models import OrderPart, Vendor

User = get_user_model()

# Brands, units and codes a Chinese shop writes in Latin letters.
ALLOWED = {
    "CNY",
    "kg",
    "g",
    "ml",
    "SMS",
    "CSV",
    "GBK",
    "ID",
    "PDF",
    "EMS",
    "SF",
    "JD",
    "YTO",
    "ZTO",
    "STO",
    "Yunda",
    "App",
    "QQ",
    "VIP",
    "English",
    # Spreadsheet programs and the system whose CSV files the county import reads (the admin's import page).
    "Excel",
    "WPS",
    "Windows",
    # Oscar's landmark name on every breadcrumb trail (aria-label, read out by screen readers only).
    "breadcrumb",
}
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
# Not words: e-mail addresses (or their ends), web addresses, paths, codes in capitals joined by
# hyphens (PER-VENDOR) and codes mixing letters and digits (SF1400123456789, VM-LINXIAN-0001, UTF-8).
NOT_WORDS = re.compile(
    r"\S*@\S+|https?://\S+|(?<![\w/])/[\w./-]*|\b[A-Z]+(?:-[A-Z]+)+\b"
    r"|\b(?=[\w-]*\d)[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+\b|\b\w*\d\w*\b"
)
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_PATHS = ("/static/", "/media/", "/i18n/", "/admin/", "/accounts/logout/", "/dashboard/logout/")


def english_words(text: str) -> list[str]:
    return [w for w in LATIN_WORD.findall(NOT_WORDS.sub(" ", text)) if w not in ALLOWED]


def visible_english(html: str) -> list[str]:
    """The texts (a text node, an attribute) of the page that hold English words."""
    soup = BeautifulSoup(html, "html.parser")
    # A textarea holds what someone typed (a shop's story, a product's description), not the site's words.
    for hidden in soup(["script", "style", "noscript", "template", "textarea"]):
        hidden.decompose()
    texts = [str(node) for node in soup.find_all(string=True) if not isinstance(node, PreformattedString)]
    for element in soup.find_all(True):
        texts += [element.get(name, "") for name in ATTRIBUTES]
        if element.name == "input" and element.get("type") in ("submit", "button"):
            texts.append(element.get("value", ""))
    return [" ".join(text.split()) for text in texts if english_words(text)]


def links(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for a in soup.select("a[href]"):
        href = a["href"]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED_PATHS):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def view_of(url: str) -> str | None:
    path = urlsplit(url).path
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


@dataclass
class Crawl:
    views: set[str] = field(default_factory=set)  # the views (URL names) whose page was read
    english: dict[str, list[str]] = field(default_factory=dict)  # url: its texts with English words


def crawl(app, starts: list[str], user, *, prefixes: tuple[str, ...]) -> Crawl:
    """Read one page of each view reachable from ``starts`` (links under ``prefixes``), as ``user``."""
    result = Crawl()
    queue = deque(starts)
    while queue:
        url = queue.popleft()
        view = view_of(url)
        if view is None or view in result.views or not urlsplit(url).path.startswith(prefixes):
            continue
        result.views.add(view)
        response = app.get(url, user=user, expect_errors=True)
        while response.status_code in (301, 302):
            response = response.follow(expect_errors=True)
        if "html" not in response.content_type:
            continue
        if english := visible_english(response.text):
            result.english[url] = english
        queue.extend(links(response.text))
    return result


def make_market(china) -> dict:
    """The demo market, a live event, and a buyer with orders waiting, shipped and delivered."""
    seed_demo("--no-index", "--no-live-events")
    admin = User.objects.get(email=ADMIN_EMAIL)
    seller = User.objects.get(username=DEMO_SELLER_MOBILE)
    buyer = User.objects.create_user(username="buyer", email="li.buyer@example.com", password="x", first_name="李")
    vendor = Vendor.objects.get(partner__users=seller)
    products = list(Product.objects.filter(stockrecords__partner=vendor.partner).order_by("pk")[:3])
    orders = [make_order(buyer, [(product, 1)], china=china) for product in products]
    for order in orders:
        make_parts(order)
    ship_all(vendor, seller, orders[1])
    ship_all(vendor, seller, orders[2])
    OrderPart.objects.filter(order=orders[2]).update(status=OrderPart.Status.DELIVERED)
    # A live event with one of the shop's demo products (a factory-made category would take a path
    # the demo's categories already have).
    live_item_add(event=make_event(), product=products[0], live_price=Decimal("29.90"), quantity=10, per_buyer_limit=2)
    return {"admin": admin, "seller": seller, "buyer": buyer}


def report(found: dict[str, list[str]]) -> str:
    return "\n".join(f"{url}: {texts}" for url, texts in found.items())


def guest_checkout(app) -> Crawl:
    """A visitor's pages, then a guest's checkout to the thank-you page."""
    visit = crawl(app, ["/", "/accounts/login/", "/password-reset/", "/vendors/apply/"], None, prefixes=("/",))
    product = Product.objects.filter(is_public=True).order_by("pk").first()
    pages = [add_to_basket(app, product, 1), app.get("/basket/"), app.get(reverse("checkout:index"))]
    pages.append(checkout_to_address_step(app))
    preview = checkout_to_preview(app)
    pages += [preview, preview.forms["place_order_form"].submit().maybe_follow()]
    for page in pages:
        visit.views.add(view_of(page.request.path))
        if english := visible_english(page.text):
            visit.english[page.request.path] = english
    return visit


# One test: the demo market is seeded once for the four journeys.
def test_every_page_of_the_three_journeys_reads_in_chinese(django_app_factory, china):
    # given
    people = make_market(china)
    # when
    buyer = crawl(
        django_app_factory(),
        ["/", "/catalogue/", "/basket/", "/accounts/", "/vendors/", "/live/"],
        people["buyer"],
        prefixes=("/",),
    )
    guest = guest_checkout(django_app_factory())
    seller = crawl(django_app_factory(), ["/seller/"], people["seller"], prefixes=("/seller/",))
    admin = crawl(django_app_factory(), ["/dashboard/"], people["admin"], prefixes=("/dashboard/",))
    # then
    assert buyer.english == {}, report(buyer.english)
    assert guest.english == {}, report(guest.english)
    assert seller.english == {}, report(seller.english)
    assert admin.english == {}, report(admin.english)
    assert {
        "catalogue:index",
        "catalogue:category",
        "catalogue:detail",
        "catalogue:reviews-add",
        "basket:summary",
        "customer:summary",
        "customer:order-list",
        "customer:order",
        "customer:address-list",
        "customer:address-create",
        "vendors:directory",
        "vendors:storefront",
        "live:index",
        "live:event",
    } <= buyer.views
    assert {"customer:login", "password-reset", "checkout:shipping-address", "checkout:preview"} <= guest.views
    assert {
        "seller:home",
        "seller:product-list",
        "seller:product-create",
        "seller:product-edit",
        "seller:order-list",
        "seller:order-detail",
        "seller:earnings",
        "seller:profile",
        "seller:live-list",
    } <= seller.views
    assert {
        "dashboard:index",
        "dashboard:catalogue-product-list",
        "dashboard:order-list",
        "dashboard:order-detail",
        "dashboard:order-stats",
        "dashboard:users-index",
        "dashboard:user-detail",
        "vendors_dashboard:list",
        "vendors_dashboard:detail",
        "vendors_dashboard:import",
        "vendors_dashboard:payouts",
        "live_dashboard:list",
    } <= admin.views


def test_the_checkout_and_account_pages_say_it_as_a_chinese_shop(django_app, db, china):
    # given
    product = make_product(make_vendor("临县王家庄村红枣合作社")[0])
    add_to_basket(django_app, product, 1)
    # when
    gateway = django_app.get(reverse("checkout:index")).html
    login = django_app.get(reverse("customer:login")).html
    # then
    assert gateway.select_one(".page-header h1, h1").get_text(strip=True) == "选择下单方式"
    assert [label.get_text(strip=True) for label in gateway.select("form .radio label")] == [
        "我是新顾客，不注册直接下单",
        "我是老顾客，密码是",
        "我是新顾客，先注册再下单",
    ]
    assert "登陆" not in login.get_text()
    assert login.select_one("#login_form button[type=submit]").get_text(strip=True) == "登录"
