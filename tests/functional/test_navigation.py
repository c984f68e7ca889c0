"""One header for shoppers (search always there, basket, account; the catalogue, village shops, live
sales and opening a shop), a real footer, the seller center's own header, and where signing in lands."""

import pytest
from oscar.test.factories import UserFactory

from tests.factories.marketplace import make_product, make_vendor
from tests.factories.pages import add_to_basket
from vendors.models import Vendor

PASSWORD = "Hongzao-2026!"


def header(page) -> dict:
    bar = page.html.select_one("#site_header")
    return {
        "search": (bar.select_one("#site_search")["action"], bar.select_one("#site_search input")["placeholder"]),
        "icons": [(a["id"], a.get_text(" ", strip=True), a["href"]) for a in bar.select(".site-icon")],
        "links": [(a.get_text(" ", strip=True), a["href"]) for a in bar.select(".site-nav a")],
    }


def test_a_visitor_sees_search_basket_sign_in_and_the_ways_into_the_market(django_app, db):
    # when
    page = django_app.get("/catalogue/")
    # then
    assert header(page) == {
        "search": ("/search/", "搜索农产品"),
        "icons": [("header_basket", "购物车", "/basket/"), ("login_link", "登录", "/accounts/login/")],
        "links": [
            ("所有商品", "/catalogue/"),
            ("乡村店铺", "/vendors/"),
            ("直播", "/live/"),
            ("我要开店", "/vendors/apply/"),
        ],
    }
    footer = page.html.select_one("#site_footer")
    assert [h.get_text(strip=True) for h in footer.select("h2")] == ["逛集市", "我的账户", "商家入驻"]
    assert [(a.get_text(strip=True), a["href"]) for a in footer.select("a")] == [
        ("所有商品", "/catalogue/"),
        ("乡村店铺", "/vendors/"),
        ("直播", "/live/"),
        ("登录 / 注册", "/accounts/login/"),
        ("我要开店", "/vendors/apply/"),
    ]
    assert footer.select_one("#language_selector select option[selected]")["value"] == "zh-hans"
    assert page.html.select("button.navbar-toggler") == []


def test_a_buyer_sees_the_basket_count_and_its_account(django_app, db):
    # given: 3 boxes in the basket
    buyer = UserFactory()
    vendor, _user = make_vendor("临县王家庄村红枣合作社")
    add_to_basket(django_app, make_product(vendor), 3)
    # when
    page = django_app.get("/catalogue/", user=buyer)
    # then
    assert header(page)["icons"] == [
        ("header_basket", "购物车 3", "/basket/"),
        ("header_account", "我的", "/accounts/"),
    ]
    assert page.html.select_one("#header_basket_count").text == "3"
    footer_links = [(a.get_text(strip=True), a["href"]) for a in page.html.select("#site_footer a")]
    assert ("退出登录", "/accounts/logout/") in footer_links


def test_the_seller_center_has_its_own_header_without_the_shoppers_basket(django_app, db):
    # given
    vendor, user = make_vendor("临县王家庄村红枣合作社")
    # when
    page = django_app.get("/seller/", user=user)
    # then
    bar = page.html.select_one("#seller_header")
    assert page.html.select_one("#site_header") is None
    assert page.html.select_one("#header_basket") is None
    assert bar.select_one(".site-brand").get_text(strip=True) == "卖家中心"
    assert bar.select_one(".seller-header-shop").get_text(strip=True) == "临县王家庄村红枣合作社"
    assert [(a["id"], a.get_text(strip=True), a["href"]) for a in bar.select(".site-icon")] == [
        ("seller_storefront_link", "我的店铺", f"/vendors/{vendor.slug}/"),
        ("seller_market_link", "逛集市", "/"),
    ]


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("seller", "/seller/"),
        ("suspended seller", "/seller/orders/"),
        ("applicant", "/vendors/apply/status/"),
        ("buyer", "/accounts/profile/"),
        ("admin", "/dashboard/"),
    ],
)
def test_signing_in_lands_each_on_its_own_page(django_app, db, who, lands_on):
    # given
    user = UserFactory(email="wang@example.com", is_staff=(who == "admin"))
    user.set_password(PASSWORD)
    user.save()
    if who != "buyer" and who != "admin":
        status = {
            "seller": Vendor.Status.APPROVED,
            "suspended seller": Vendor.Status.SUSPENDED,
            "applicant": Vendor.Status.PENDING,
        }[who]
        vendor, _owner = make_vendor("临县王家庄村红枣合作社", status=status)
        Vendor.objects.filter(pk=vendor.pk).update(applicant=user)
        vendor.partner.users.add(user)
    form = django_app.get("/accounts/login/").forms["login_form"]
    form["login-username"] = "wang@example.com"
    form["login-password"] = PASSWORD
    # when
    page = form.submit(name="login_submit").maybe_follow()
    # then
    assert page.request.path == lands_on
