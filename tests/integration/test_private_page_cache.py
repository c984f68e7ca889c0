"""A signed-in buyer's own basket and account pages, kept for her alone for a few seconds
(shop.core.pagecache.PrivatePageCacheMiddleware), on real Redis: served again only to her session, shown
anew at once after her own change, never after she signed out or her password changed elsewhere.

Time is moved on by replacing the page cache's clock (no test waits)."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from shop.basket.models import Basket
from shop.core import pagecache
from shop.partner.strategy import Selector
from tests.factories.live_sales import make_buyer
from tests.factories.marketplace import make_product, make_vendor
from vendors.onboarding.services import vendor_suspend

pytestmark = [pytest.mark.redis, pytest.mark.django_db, pytest.mark.usefixtures("page_cache", "clock")]
BASKET = "/basket/"
PROFILE = "/accounts/profile/"


@pytest.fixture
def buyer(china):
    """A signed-in buyer with 临县红枣 in her basket, whose browser has its CSRF cookie (as after any page)."""
    vendor, _ = make_vendor("临县王家庄村红枣合作社")
    user = make_buyer(china)
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy()
    basket.add_product(make_product(vendor, title="临县红枣 特级", price="39.90"), 1)
    client = Client()
    client.force_login(user)
    client.get(PROFILE)  # sets the CSRF cookie: that response is not kept
    return client, user, vendor


def _warm(client, url) -> tuple[str, str]:
    return client.get(url)["X-Page-Cache"], client.get(url)["X-Page-Cache"]


def test_her_basket_page_is_kept_for_her_with_her_own_token(buyer):
    # given
    client, _, _ = buyer
    # when
    rendered, kept = client.get(BASKET), client.get(BASKET)
    # then
    assert (rendered["X-Page-Cache"], kept["X-Page-Cache"]) == ("miss", "hit")
    assert kept.content == rendered.content
    assert "临县红枣 特级" in kept.content.decode()
    assert f'value="{client.cookies["csrftoken"].value}"' not in kept.content.decode()  # masked, as rendered
    assert 'name="csrfmiddlewaretoken" value="' in kept.content.decode()
    assert "private" in kept["Cache-Control"]
    assert int(kept["Content-Length"]) == len(kept.content)
    assert dict(kept.cookies) == {}


def test_her_own_change_to_her_basket_is_shown_on_the_next_page(buyer, django_capture_on_commit_callbacks):
    # given
    client, user, vendor = buyer
    warm = _warm(client, BASKET)
    yuba = make_product(vendor, title="手工腐竹 500克", price="25.00")
    # when: she adds yuba (the add's own page shows its message and is not kept)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("basket:add", kwargs={"pk": yuba.pk}), {"quantity": 1})
    with_message = client.get(BASKET)
    after = client.get(BASKET)
    # then
    assert warm == ("miss", "hit")
    assert "X-Page-Cache" not in with_message
    assert after["X-Page-Cache"] == "miss"
    assert "手工腐竹 500克" in after.content.decode()


def test_a_change_to_her_basket_made_elsewhere_drops_her_kept_page(buyer, django_capture_on_commit_callbacks):
    # given
    client, user, vendor = buyer
    warm = _warm(client, BASKET)
    # when: her basket is emptied from another device
    with django_capture_on_commit_callbacks(execute=True):
        Basket.objects.get(owner=user).flush()
    after = client.get(BASKET)
    # then
    assert warm == ("miss", "hit")
    assert after["X-Page-Cache"] == "miss"
    assert "临县红枣 特级" not in after.content.decode()


def test_nobody_else_is_sent_her_page(buyer, china):
    # given
    client, _, _ = buyer
    _warm(client, BASKET)
    someone = Client()
    someone.force_login(make_buyer(china, username="someone"))
    someone.get(PROFILE)
    carrying_her_csrf_cookie = Client()
    carrying_her_csrf_cookie.cookies["csrftoken"] = client.cookies["csrftoken"].value
    # when
    others = [someone.get(BASKET), carrying_her_csrf_cookie.get(BASKET)]
    # then
    for page in others:
        assert page.get("X-Page-Cache") != "hit"
        assert "临县红枣 特级" not in page.content.decode()


def test_once_she_signs_out_her_old_session_cookie_gets_nothing_of_hers(buyer):
    # given
    client, _, _ = buyer
    warm = _warm(client, BASKET)
    old = {name: morsel.value for name, morsel in client.cookies.items()}
    # when
    client.post(reverse("customer:logout"))
    replayed = Client()
    for name, value in old.items():
        replayed.cookies[name] = value
    page = replayed.get(BASKET)
    # then
    assert warm == ("miss", "hit")
    assert page.get("X-Page-Cache") != "hit"
    assert "临县红枣 特级" not in page.content.decode()


def test_a_password_changed_elsewhere_ends_her_kept_pages(buyer, django_capture_on_commit_callbacks):
    # given
    client, user, _ = buyer
    warm = _warm(client, PROFILE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        user.set_password("另一个密码-2026")
        user.save()
    page = client.get(PROFILE)
    # then: not served; her session no longer signs her in
    assert warm == ("miss", "hit")
    assert page.get("X-Page-Cache") != "hit"
    assert page.status_code == 302


def test_her_profile_change_is_shown_on_the_next_page(buyer, django_capture_on_commit_callbacks):
    # given
    client, user, _ = buyer
    warm = _warm(client, PROFILE)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "秀兰"
        user.save()
    page = client.get(PROFILE)
    # then
    assert warm == ("miss", "hit")
    assert page["X-Page-Cache"] == "miss"
    assert "秀兰" in page.content.decode()


def test_her_page_is_kept_no_longer_than_page_cache_seconds(buyer, clock):
    # given
    client, _, _ = buyer
    warm = _warm(client, BASKET)
    # when
    clock(4)
    page = client.get(BASKET)
    # then
    assert (warm, page["X-Page-Cache"]) == (("miss", "hit"), "miss")


def test_a_suspension_in_progress_stops_her_kept_pages(buyer, django_capture_on_commit_callbacks):
    # given
    client, _, vendor = buyer
    warm = _warm(client, BASKET)
    # when
    with django_capture_on_commit_callbacks(execute=False):
        vendor_suspend(vendor=vendor, suspended_by=None, reason="食品安全抽检不合格")
        during = client.get(BASKET)
    # then
    assert warm == ("miss", "hit")
    assert "X-Page-Cache" not in during


def test_a_guest_with_a_basket_is_never_kept_a_page(buyer):
    # given
    _, _, vendor = buyer
    guest = Client()
    product = make_product(vendor, title="黑豆腐 两块装", price="12.00")
    guest.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    guest.get(BASKET)  # the message
    # when
    pages = [guest.get(BASKET), guest.get(BASKET)]
    # then
    assert [page.get("X-Page-Cache") for page in pages] == [None, None]
    assert "黑豆腐 两块装" in pages[1].content.decode()


def test_past_half_its_life_one_of_her_requests_renders_it_again_while_the_others_are_served_it(buyer, clock):
    # given
    client, _, _ = buyer
    rendered, kept = client.get(BASKET), client.get(BASKET)
    warm = (rendered["X-Page-Cache"], kept["X-Page-Cache"])
    key = pagecache._private_key(kept.wsgi_request, client.cookies["sessionid"].value)
    clock(2.5)
    # when: one request is already rendering it, then none is
    cache.add(f"{key}:renewing", 1, 5)
    while_renewing = client.get(BASKET)
    cache.delete(f"{key}:renewing")
    renewed, after = client.get(BASKET), client.get(BASKET)
    # then
    assert warm == ("miss", "hit")
    assert [page["X-Page-Cache"] for page in (while_renewing, renewed, after)] == ["hit", "miss", "hit"]
