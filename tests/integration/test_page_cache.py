"""Anonymous pages from the shared cache (shop.core.pagecache), on real Redis: served to the next
visitor, never carrying anyone's basket or CSRF token, never older than PAGE_CACHE_SECONDS, and never
showing a suspended shop's or a delisted product once the change committed.

Time is moved on by replacing the page cache's clock (no test waits)."""

import gzip
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import Resolver404, URLResolver, get_resolver, resolve, reverse

from shop.core import pagecache
from shop.partner.models import StockRecord
from shop.partner.strategy import Selector
from tests.factories.live_sales import make_buyer, make_event, make_item
from tests.factories.marketplace import make_product, make_vendor
from vendors.listings.services import vendor_product_set_listed
from vendors.live.counters import live_event_counters_flush
from vendors.onboarding.services import vendor_suspend

pytestmark = [pytest.mark.redis, pytest.mark.django_db, pytest.mark.usefixtures("clock")]
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def shop(db):
    vendor, user = make_vendor("临县王家庄村红枣合作社")
    product = make_product(vendor, title="临县红枣 特级", price="39.90", stock=100)
    return vendor, user, product


def _availability(product) -> str:
    return str(Selector().strategy().fetch_for_product(product).availability.message)


def test_the_next_visitor_gets_the_page_from_the_cache_without_a_cookie_or_a_token(page_cache, shop):
    # given
    _, _, product = shop
    first, second = Client(), Client()
    url = product.get_absolute_url()
    # when
    rendered = first.get(url)
    cached = second.get(url)
    # then
    assert (rendered["X-Page-Cache"], cached["X-Page-Cache"]) == ("miss", "hit")
    assert cached.content == rendered.content
    # blanking the tokens shortened the body: a stale length would leave a browser waiting
    assert int(rendered["Content-Length"]) == int(cached["Content-Length"]) == len(cached.content)
    assert "临县红枣 特级" in cached.content.decode()
    assert (dict(rendered.cookies), dict(cached.cookies)) == ({}, {})
    assert TOKEN.findall(cached.content) == []
    assert cached.content.count(b'name="csrfmiddlewaretoken" value=""') >= 2  # language and add-to-basket forms
    # the headers the middleware below the cache gave the page come back with every copy
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        assert cached[header] == rendered[header]


def test_a_plain_http_visitor_is_sent_to_https_even_when_the_page_is_cached(page_cache, shop):
    # given: a visitor over HTTPS put the page in the cache
    _, _, product = shop
    page_cache.SECURE_SSL_REDIRECT = True
    url = product.get_absolute_url()
    first = Client().get(url, secure=True)
    again = Client().get(url, secure=True)
    # when
    plain = Client().get(url)
    # then
    assert (first["X-Page-Cache"], again["X-Page-Cache"]) == ("miss", "hit")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


def test_a_phone_that_accepts_gzip_is_sent_the_cached_page_gzipped(page_cache, shop):
    # given
    _, _, product = shop
    url = product.get_absolute_url()
    phone = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
    # when
    rendered = Client().get(url, **phone)
    cached = Client().get(url, **phone)
    plain = Client().get(url)
    # then
    assert (rendered["X-Page-Cache"], cached["X-Page-Cache"], plain["X-Page-Cache"]) == ("miss", "hit", "hit")
    assert rendered["Content-Encoding"] == cached["Content-Encoding"] == "gzip"
    assert not plain.has_header("Content-Encoding")
    assert gzip.decompress(rendered.content) == gzip.decompress(cached.content) == plain.content
    assert "临县红枣 特级" in plain.content.decode()
    assert len(cached.content) < len(plain.content) / 3
    assert int(cached["Content-Length"]) == len(cached.content)
    assert all("Accept-Encoding" in answer["Vary"] for answer in (rendered, cached, plain))


@pytest.mark.parametrize("page", ["home", "catalogue", "directory", "storefront", "live list", "live event"])
def test_home_catalogue_shop_and_live_pages_are_cached(page_cache, shop, page):
    # given
    vendor, _, _ = shop
    event = make_event()
    make_item(event)
    url = {
        "home": reverse("home:index"),
        "catalogue": reverse("catalogue:index"),
        "directory": reverse("vendors:directory"),
        "storefront": reverse("vendors:storefront", kwargs={"slug": vendor.slug}),
        "live list": reverse("live:index"),
        "live event": reverse("live:event", kwargs={"slug": event.slug}),
    }[page]
    # when
    answers = [Client().get(url)["X-Page-Cache"] for _ in range(2)]
    # then
    assert answers == ["miss", "hit"]


def test_two_visitors_never_see_each_others_basket_or_token(page_cache, shop):
    # given: a visitor with a product in her basket looks at the page first
    _, _, product = shop
    buyer, other = Client(), Client()
    buyer.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 2})
    buyer.get(reverse("basket:summary"))  # the "added to your basket" message is shown and gone
    url = product.get_absolute_url()
    # when
    buyers_page = buyer.get(url)
    others_page = other.get(url)
    buyers_state = buyer.get(reverse("visitor-state")).json()
    others_state = other.get(reverse("visitor-state")).json()
    # then: the pages are the neutral page, the per-visitor part comes from each one's own call
    assert (buyers_page["X-Page-Cache"], others_page["X-Page-Cache"]) == ("miss", "hit")
    assert "data-visitor-basket-count hidden>" in others_page.content.decode()
    assert TOKEN.findall(buyers_page.content) == TOKEN.findall(others_page.content) == []
    assert (buyers_state["basket"], others_state["basket"]) == ({"count": 2}, {"count": 0})
    assert buyer.cookies["csrftoken"].value != other.cookies["csrftoken"].value


def test_a_signed_in_visitors_page_is_neither_served_from_nor_put_in_the_cache(page_cache, shop):
    # given
    vendor, user, product = shop
    signed_in, anonymous = Client(), Client()
    signed_in.force_login(user)
    url = product.get_absolute_url()
    anonymous.get(url)
    # when
    own = signed_in.get(url)
    shared = anonymous.get(url)
    # then
    assert "X-Page-Cache" not in own
    assert 'id="logout_link"' in own.content.decode()
    assert TOKEN.findall(own.content) != []
    assert shared["X-Page-Cache"] == "hit"
    # the shared page's signed-in links are there for visitor.js to show, hidden
    assert '<li data-visitor-signed-in hidden><a id="logout_link"' in shared.content.decode()


def test_a_signed_in_visitor_whose_browser_runs_the_script_is_sent_the_shared_live_page_and_snaps_up(
    page_cache, shop, china
):
    # given: the live page in the cache, and a buyer whose browser has run visitor.js (its cookie)
    event = make_event()
    item = make_item(event)
    buyer = make_buyer(china, username="wang_xiaoming")
    url = reverse("live:event", kwargs={"slug": event.slug})
    anonymous, signed_in = Client(), Client(enforce_csrf_checks=True)
    signed_in.force_login(buyer)
    signed_in.cookies["vm_js"] = "1"
    rendered = anonymous.get(url)
    # when: the page, then what visitor.js asks for, then a tap with the token it got
    shared = signed_in.get(url)
    state = signed_in.get(reverse("visitor-state")).json()
    tap = signed_in.post(
        reverse("live:snap", kwargs={"slug": event.slug, "item_id": item.pk}),
        {"csrfmiddlewaretoken": state["csrf_token"]},
    )
    # then
    assert (rendered["X-Page-Cache"], shared["X-Page-Cache"]) == ("miss", "hit")
    assert shared.content == rendered.content
    assert "wang_xiaoming" not in shared.content.decode()
    assert state["account"] == {
        "signed_in": True,
        "staff": False,
        "seller": {"href": reverse("vendors:apply"), "label": "我要开店"},
    }
    assert tap.status_code == 302
    assert "/snapped/" in tap["Location"]
    assert Client().get(reverse("visitor-state")).json()["account"] == {"signed_in": False}


def _routes(resolver=None, prefix="/"):
    """Every URL pattern of the site as a sample path (each converter a word), with the name of the view that
    answers it (the pattern's own when the sample does not resolve, as for a regular expression)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + re.sub(r"<[^>]+>", "x", str(pattern.pattern)).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern, route)
            continue
        try:
            callback = resolve(route).func
        except Resolver404:
            callback = pattern.callback
        view = getattr(callback, "view_class", callback)
        yield route, f"{view.__module__}.{view.__qualname__}"


def test_signed_in_visitors_are_sent_from_the_cache_only_the_listings_product_and_live_pages():
    # given: the views whose pages are the same for everyone but for what visitor.js fills in
    shared = {
        "shop.catalogue.views.ProductDetailView",
        "vendors.web.home.views.HomeView",
        "shop.catalogue.views.CatalogueView",
        "shop.catalogue.views.ProductCategoryView",
        "vendors.web.public.views.VendorDirectoryView",
        "vendors.web.public.views.StorefrontView",
        "vendors.web.live.views.EventListView",
        "vendors.web.live.views.EventView",
        "shop.search.views.search.FacetedSearchView",
    }
    signed_in_paths = pagecache._paths(settings.PAGE_CACHE_SIGNED_IN_PATHS)
    # when
    matched = {view for route, view in _routes() if signed_in_paths.fullmatch(route)}
    # then: nothing else (where signing in lands, an application, a seller's page) is ever shared with her
    assert matched <= shared


def test_a_signed_in_visitor_whose_browser_has_not_run_the_script_gets_the_live_page_rendered_for_her(page_cache, shop):
    # given
    _, user, _ = shop
    event = make_event()
    make_item(event)
    url = reverse("live:event", kwargs={"slug": event.slug})
    Client().get(url)
    signed_in = Client()
    signed_in.force_login(user)
    # when
    own = signed_in.get(url)
    # then: her own header, her own token (抢购 works without JavaScript)
    assert "X-Page-Cache" not in own
    assert '<li><a id="logout_link"' in own.content.decode()
    assert TOKEN.findall(own.content) != []


def test_a_signed_in_visitor_whose_browser_runs_the_script_is_sent_the_shared_product_page(page_cache, shop):
    # given
    _, user, product = shop
    url = product.get_absolute_url()
    Client().get(url)
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.cookies["vm_js"] = "1"
    # when
    shared = signed_in.get(url)
    # then: the page every visitor gets, her header's links there for visitor.js to show
    assert shared["X-Page-Cache"] == "hit"
    assert TOKEN.findall(shared.content) == []
    assert '<li data-visitor-signed-in hidden><a id="logout_link"' in shared.content.decode()


def test_on_a_shared_sold_out_product_page_only_a_signed_out_visitor_is_asked_for_her_email(page_cache, shop):
    # given: sold out, so the page offers the back-in-stock alert
    _, user, product = shop
    StockRecord.objects.filter(product=product).update(num_in_stock=0)
    url = product.get_absolute_url()
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.cookies["vm_js"] = "1"
    # when: she is sent the shared page, and posts its form without the e-mail field visitor.js turned off
    shared = signed_in.get(url)
    token = signed_in.get(reverse("visitor-state")).json()["csrf_token"]
    posted = signed_in.post(reverse("customer:alert-create", kwargs={"pk": product.pk}), {"csrfmiddlewaretoken": token})
    # then
    page = shared.content.decode()
    assert shared["X-Page-Cache"] == "miss"
    assert re.search(r'<div data-visitor-signed-out>.*name="email"', page, re.S)
    assert posted.status_code == 302
    assert user.alerts.filter(product=product, status="Active").exists()


def test_staff_previewing_a_suspended_shops_product_get_their_own_page_not_the_shared_404(
    page_cache, shop, admin_user, django_capture_on_commit_callbacks
):
    # given
    vendor, _, product = shop
    with django_capture_on_commit_callbacks(execute=True):
        vendor_suspend(vendor=vendor, suspended_by=None, reason="食品安全抽检不合格")
    url = product.get_absolute_url()
    staff = Client()
    staff.force_login(admin_user)
    staff.cookies["vm_js"] = "1"
    # when
    preview = staff.get(url)
    anonymous = Client().get(url)
    # then
    assert (preview.status_code, anonymous.status_code) == (200, 404)
    assert "X-Page-Cache" not in preview
    assert "临县红枣 特级" in preview.content.decode()


def test_signed_in_visitors_share_a_cards_picture_and_title_but_each_gets_their_own_token(page_cache, shop):
    # given
    vendor, user, product = shop
    caches["fragments"].clear()
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(make_vendor("岚县土豆合作社")[1])
    url = reverse("catalogue:index")
    # when
    rendered = first.get(url).content.decode()
    from_cache = second.get(url).content.decode()
    # then: the card's shared parts came from the fragments cache, the forms carry each visitor's token
    cards = [key for key in caches["fragments"]._cache if "product_card" in key]
    assert len(cards) == 3  # picture, stars, title
    assert "临县红枣 特级" in from_cache
    tokens = [TOKEN.findall(page.encode()) for page in (rendered, from_cache)]
    assert tokens[0] and tokens[1] and set(tokens[0]).isdisjoint(tokens[1])


def test_a_cards_title_change_is_shown_at_once_to_signed_in_visitors(page_cache, shop):
    # given
    vendor, user, product = shop
    visitor = Client()
    visitor.force_login(user)
    url = reverse("catalogue:index")
    visitor.get(url)
    # when
    product.title = "临县红枣 一级"
    product.save()
    # then
    assert "临县红枣 一级" in visitor.get(url).content.decode()


def _hold_renewal(url: str) -> None:
    """As if another request were rendering the page again right now."""
    cache.add(f"{pagecache._key(RequestFactory().get(url))}:renewing", 1, 60)


@pytest.mark.parametrize("change", ["price", "stock"])
def test_a_price_or_stock_change_shows_once_the_page_is_as_old_as_page_cache_seconds(page_cache, shop, clock, change):
    # given: another request is busy rendering the page again, so the entry is served to its end
    _, _, product = shop
    url = product.get_absolute_url()
    Client().get(url)
    before = {"price": "¥39.90", "stock": _availability(product)}[change]
    if change == "price":
        StockRecord.objects.filter(product=product).update(price=Decimal("45.00"))
    else:
        StockRecord.objects.filter(product=product).update(num_in_stock=3)
    after = {"price": "¥45.00", "stock": _availability(product)}[change]
    _hold_renewal(url)
    # when
    clock(3.9)
    still = Client().get(url)
    clock(0.1)
    fresh = Client().get(url)
    # then
    assert before != after
    assert still["X-Page-Cache"] == "hit"
    assert before in still.content.decode()
    assert fresh["X-Page-Cache"] == "miss"
    assert after in fresh.content.decode()
    assert before not in fresh.content.decode()


def test_past_half_its_life_one_visitor_renders_the_page_again_and_the_next_gets_the_new_one(page_cache, shop, clock):
    # given
    _, _, product = shop
    url = product.get_absolute_url()
    Client().get(url)
    StockRecord.objects.filter(product=product).update(price=Decimal("45.00"))
    # when
    clock(1.9)
    young = Client().get(url)
    clock(0.2)
    renewing = Client().get(url)
    next_one = Client().get(url)
    # then
    assert (young["X-Page-Cache"], "¥39.90" in young.content.decode()) == ("hit", True)
    assert (renewing["X-Page-Cache"], "¥45.00" in renewing.content.decode()) == ("miss", True)
    assert (next_one["X-Page-Cache"], "¥45.00" in next_one.content.decode()) == ("hit", True)


def test_each_new_entry_is_renewed_at_half_its_life_so_a_busy_page_never_expires_under_the_crowd(
    page_cache, shop, clock
):
    # given: the page rendered, then renewed at half its life
    _, _, product = shop
    url = product.get_absolute_url()
    answers = [Client().get(url)["X-Page-Cache"]]
    clock(2.1)
    answers.append(Client().get(url)["X-Page-Cache"])
    # when: the renewed entry reaches half its life, and then the time the first entry would have expired
    clock(2.1)
    answers += [Client().get(url)["X-Page-Cache"], Client().get(url)["X-Page-Cache"]]
    clock(1.9)
    answers.append(Client().get(url)["X-Page-Cache"])
    # then: one request renews each time, everyone else is served
    assert answers == ["miss", "miss", "miss", "hit", "hit"]


def test_a_suspended_shops_product_is_never_served_from_the_cache_after_the_suspension_commits(
    page_cache, shop, django_capture_on_commit_callbacks
):
    # given
    vendor, _, product = shop
    url = product.get_absolute_url()
    catalogue = reverse("catalogue:index")
    warm = (Client().get(url)["X-Page-Cache"], Client().get(url)["X-Page-Cache"], Client().get(catalogue).status_code)
    # when: while the suspension's transaction is open, nothing is served from the cache
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        vendor_suspend(vendor=vendor, suspended_by=None, reason="食品安全抽检不合格")
        during = Client().get(url)
    for callback in on_commit:
        callback()
    after = Client().get(url)
    listing = Client().get(catalogue)
    # then
    assert warm == ("miss", "hit", 200)
    assert during["X-Page-Cache"] == "hold"
    assert after.status_code == 404
    assert "临县红枣 特级" not in listing.content.decode()
    assert listing["X-Page-Cache"] == "miss"


def test_a_crowd_on_a_young_page_costs_the_process_one_read_of_redis_per_lease(page_cache, shop, monkeypatch):
    # given: the page in the cache and in this process's copy
    _, _, product = shop
    url = product.get_absolute_url()
    assert [Client().get(url)["X-Page-Cache"] for _ in range(2)] == ["miss", "hit"]
    monkeypatch.setattr(pagecache, "LEASE_SECONDS", 60)  # a slow machine's five requests stay inside one lease
    reads = []
    real_get_many = cache.get_many
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or real_get_many(keys))
    # when
    answers = [Client().get(url)["X-Page-Cache"] for _ in range(5)]
    # then
    assert answers == ["hit"] * 5
    assert reads == [[pagecache.HOLD_KEY, pagecache.GENERATION_KEY]]


def test_once_a_hold_is_set_no_process_trusts_what_it_read_before(page_cache, shop):
    # given: this process has just read the hold and the generation (no hold)
    assert pagecache.LOCAL.state()[0] is False
    # when: a change that hides something sets the hold (another process could have read just before it)
    with transaction.atomic():
        pagecache.page_cache_hold()
        # then: the reading from before is no longer trusted, here or anywhere, before the change commits
        assert pagecache.LOCAL.state()[0] is True


def test_a_delisted_product_is_gone_from_the_cached_pages_once_the_change_commits(
    page_cache, shop, django_capture_on_commit_callbacks
):
    # given
    vendor, _, product = shop
    url = product.get_absolute_url()
    storefront = reverse("vendors:storefront", kwargs={"slug": vendor.slug})
    Client().get(url)
    Client().get(storefront)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        vendor_product_set_listed(vendor=vendor, product=product, listed=False)
    page = Client().get(url)
    shop_page = Client().get(storefront)
    # then
    assert page.status_code == 404
    assert (shop_page["X-Page-Cache"], "临县红枣 特级" in shop_page.content.decode()) == ("miss", False)


def test_a_visitor_with_a_message_to_see_gets_the_page_rendered_for_her(page_cache, shop):
    # given: adding to the basket leaves a message for the next page
    _, _, product = shop
    visitor = Client()
    Client().get(product.get_absolute_url())
    visitor.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    # when
    page = visitor.get(product.get_absolute_url())
    # then
    assert "X-Page-Cache" not in page
    assert "<strong>临县红枣 特级</strong> 已加入购物车。" in page.content.decode()


def test_a_live_page_from_the_cache_is_counted_once_by_the_visitors_own_call(page_cache, shop):
    # given
    event = make_event()
    url = reverse("live:event", kwargs={"slug": event.slug})
    # when: two visitors, one renders the page, the other gets it from the cache; each page asks once
    for visitor in (Client(), Client()):
        visitor.get(url)
        visitor.get(reverse("visitor-state"), {"live_event": event.pk})
    # then
    assert live_event_counters_flush(event=event).views == 2
