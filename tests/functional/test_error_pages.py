"""Error pages with DEBUG off (as in production): Chinese, inside the site's layout, with the ways on;
never Django's bare English "Not Found" or "Forbidden"."""

from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path
from django.views.defaults import server_error

from config import urls
from tests.factories.marketplace import make_vendor
from vendors.models import Vendor


def error_page(page) -> dict:
    box = page.html.select_one("#error_page")
    return {
        "title": page.html.title.get_text(strip=True),
        "heading": box.h1.get_text(strip=True),
        "text": [p.get_text(strip=True) for p in box.select("p")],
        "links": [(a.get_text(strip=True), a["href"]) for a in box.select("a")],
    }


NOT_FOUND = {
    "title": "页面不存在 | 乡村集市",
    "heading": "页面找不到了",
    "text": ["可能是商品已下架、店铺暂停营业，或者链接有误。"],
    "links": [("返回首页", "/"), ("逛逛乡村店铺", "/vendors/")],
}


def test_an_unknown_address_is_a_chinese_404_inside_the_site(django_app, db):
    # when
    page = django_app.get("/no-such-page/", status=404)
    # then
    assert error_page(page) == NOT_FOUND
    assert page.html.select_one("#error_page form.error-search")["action"] == "/search/"
    assert page.html.select_one("link[href$='css/village.css']") is not None


def test_a_suspended_shop_is_the_same_chinese_404(django_app, db):
    # given
    vendor, _user = make_vendor("临县被暂停的店", status=Vendor.Status.SUSPENDED)
    # when
    page = django_app.get(f"/vendors/{vendor.slug}/", status=404)
    # then
    assert error_page(page) == NOT_FOUND


def test_a_form_sent_without_its_csrf_token_is_a_chinese_403(django_app, db):
    # when
    page = django_app.post("/basket/add/1/", {"quantity": "1"}, status=403)
    # then
    assert error_page(page) == {
        "title": "页面已过期 - 乡村集市",
        "heading": "页面已过期，请刷新",
        "text": ["页面打开太久了，或者浏览器禁用了 Cookie。请返回上一页，刷新后再提交一次。"],
        "links": [("返回首页", "/")],
    }


def refused(request):
    raise PermissionDenied


urlpatterns = [path("refused/", refused), *urls.urlpatterns]
handler403 = urls.handler403


@override_settings(ROOT_URLCONF=__name__)
def test_a_refused_page_is_a_chinese_403_inside_the_site(django_app, db):
    # when
    page = django_app.get("/refused/", status=403)
    # then
    assert error_page(page) == {
        "title": "无权访问 | 乡村集市",
        "heading": "您无权打开这个页面",
        "text": ["这个页面属于其他账号。请用对应的账号登录，或者继续逛逛。"],
        "links": [("返回首页", "/"), ("逛逛乡村店铺", "/vendors/")],
    }


def test_the_500_page_stands_alone_and_tells_a_buyer_to_check_before_ordering_again(rf):
    # when: Django's handler renders it, without the request's context
    response = server_error(rf.get("/checkout/preview/"))
    # then
    page = response.content.decode()
    assert response.status_code == 500
    assert "<title>页面出了点问题 - 乡村集市</title>" in page
    assert "请先看看手机有没有收到我们的<strong>确认短信</strong>" in page
    assert "font-family" in page  # the style is inline: no static files are needed
