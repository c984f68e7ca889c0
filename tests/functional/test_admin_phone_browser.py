"""The admin's pages on a 390x844 phone in Chromium: an application to review, the vendor list, the county
import with its invitation links, the payouts, and the public shop directory they feed.

Each test asserts that nothing scrolls sideways and saves its screenshot under var/screenshots/ (not
committed; CI keeps them as artifacts): `pytest -m browser tests/functional/test_admin_phone_browser.py`
regenerates them.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from oscar.test.factories import UserFactory
from playwright.sync_api import expect

from tests.factories.browser import sign_in
from tests.factories.marketplace import book, make_vendor
from tests.faults.backends import RecordingSmsBackend
from tests.functional.test_phone_layout_browser import SCREENSHOTS, screenshot, scrolls_sideways
from vendors.demo import ADMIN_EMAIL
from vendors.models import Vendor
from vendors.onboarding.services import vendor_apply

User = get_user_model()
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sign_in_as_admin(page, shop_url, demo_logins, path: str) -> None:
    page.goto(shop_url + f"/accounts/login/?next={path}")
    sign_in(page, ADMIN_EMAIL, demo_logins[ADMIN_EMAIL])


@pytest.mark.browser
def test_the_admins_application_review_reads_by_name_and_fits_the_phone(shop_url, demo_logins, page):
    # given: a farmer who registered by e-mail (Oscar made her username up) applies to sell
    applicant = UserFactory(
        username="c2f9a41e7d0b4b8e", email="liu.xiuying@example.com", first_name="秀英", last_name="刘"
    )
    data = {
        "name": "静乐县西坡村藜麦合作社",
        "contact_name": "刘秀英",
        "contact_phone": "+8613934567890",
        "province": "山西省",
        "county": "静乐县",
        "village": "西坡村",
        "story": "<p>海拔一千五百米的坡地上种藜麦，十年了。</p>",
    }
    vendor = vendor_apply(user=applicant, data=data)
    # when
    _sign_in_as_admin(page, shop_url, demo_logins, f"/dashboard/vendors/{vendor.pk}/")
    # then
    expect(page.locator("h1")).to_contain_text("静乐县西坡村藜麦合作社")
    brand = page.locator("#dashboard_brand")
    expect(brand).to_have_text("乡村集市 · 管理后台")
    # Oscar's dashboard.css draws its logo as the brand's background and pushes the text off screen
    assert brand.evaluate("e => [getComputedStyle(e).backgroundImage, getComputedStyle(e).textIndent]") == [
        "none",
        "0px",
    ]
    assert brand.bounding_box()["x"] >= 0 and brand.bounding_box()["width"] > 120
    expect(page.locator("link[rel='icon']")).to_have_attribute("href", "/static/img/brand.svg")
    profile = page.locator("#vendor_profile")
    expect(profile).to_contain_text("刘秀英")
    expect(profile).to_contain_text("139 3456 7890")
    expect(profile).to_contain_text("刘秀英 · liu.xiuying@example.com")
    expect(page.locator("body")).not_to_contain_text("c2f9a41e7d0b4b8e")
    expect(page.locator("#commission_now")).to_have_text("5%")
    expect(page.locator("#approve_form button")).to_have_text("通过")
    assert not scrolls_sideways(page)
    screenshot(page, "admin-application-review")
    # the whole page, for a look at the decisions, the commission and the history below the first screen
    page.screenshot(path=str(SCREENSHOTS / "admin-application-review-full.png"), full_page=True)


@pytest.mark.browser
def test_the_dashboard_wears_our_brand_not_oscars(shop_url, demo_logins, page):
    # given
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    # when
    _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/")
    # then
    expect(page.locator("#dashboard_brand")).to_have_text("乡村集市 · 管理后台")
    expect(page.locator("#dashboard_brand img")).to_have_attribute("src", "/static/img/brand.svg")
    assert [url for url in requested if "logo_oscar" in url or url.endswith("oscar/favicon.ico")] == []
    assert shop_url + "/static/img/brand.svg" in requested
    assert not scrolls_sideways(page)
    screenshot(page, "admin-dashboard")


@pytest.mark.browser
def test_the_vendor_list_fits_the_phone(shop_url, demo_logins, page):
    # when
    _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/vendors/")
    # then
    expect(page.locator("#vendor_table tbody tr").first).to_be_visible()
    assert not scrolls_sideways(page)
    screenshot(page, "admin-vendor-list")


@pytest.mark.browser
def test_a_gbk_county_file_imports_and_each_invitation_link_is_copied_whole(shop_url, demo_logins, page, tmp_path):
    # given: what Excel saves on a Chinese Windows
    rows = "店铺名称,联系人,手机号,县区,村\n岢岚县宋家沟村红芸豆合作社,宋建国,13700001234,岢岚县,宋家沟村\n"
    upload = tmp_path / "岢岚县.csv"
    upload.write_bytes(rows.encode("gbk"))
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=shop_url)
    _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/vendors/import/")
    expect(page.locator("#import_template_link")).to_have_text("下载 CSV 模板")
    # when
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#vendor_import_form button[type=submit]").click()
    # then
    expect(page.locator("#import_summary")).to_contain_text("新建店铺 1 家")
    expect(page.locator("#import_encoding")).to_be_visible()
    link = page.locator("#import_invitations .invitation-link").first
    expect(link).to_contain_text(shop_url + "/vendors/invitation/")
    assert link.bounding_box()["x"] + link.bounding_box()["width"] <= 390
    sent = [text for phone, text in RecordingSmsBackend.sent if phone == "+8613700001234"]
    assert len(sent) == 1 and sent[0].endswith(link.inner_text().removeprefix(shop_url))
    assert not scrolls_sideways(page)
    screenshot(page, "admin-import")
    # when: the copy button
    page.locator("#import_invitations .invitation-copy").first.click()
    # then
    expect(page.locator("#import_invitations .invitation-copy").first).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link.inner_text()


@pytest.mark.browser
def test_the_payouts_open_on_a_month_with_earnings_and_fit_the_phone(shop_url, demo_logins, page, china):
    # given
    vendor, _user = make_vendor("临县王家庄村农民专业合作社")
    book(vendor, china=china, at=datetime(2026, 3, 12, 10, 0, tzinfo=SHANGHAI), goods="104.80")
    # when
    _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/vendors/payouts/")
    # then
    expect(page.locator("#id_month")).to_have_value("2026-03")
    expect(page.locator("#payout_totals .net")).to_have_text("¥107.56")
    assert not scrolls_sideways(page)
    screenshot(page, "admin-payouts")


@pytest.mark.browser
def test_the_shop_directory_shows_only_shops_with_products_on_the_phone(shop_url, page):
    # given: a shop imported from a county list, with no products yet
    make_vendor("岢岚县空空合作社")
    # when
    page.goto(shop_url + "/vendors/")
    # then
    expect(page.locator("#vendor_directory .vendor-card").first).to_be_visible()
    expect(page.locator("#vendor_directory")).not_to_contain_text("岢岚县空空合作社")
    assert Vendor.objects.filter(name="岢岚县空空合作社", status=Vendor.Status.APPROVED).exists()
    assert not scrolls_sideways(page)
    screenshot(page, "shop-directory")


@pytest.mark.browser
def test_an_admin_re_sends_an_invitation_and_copies_the_new_link_on_the_phone(shop_url, demo_logins, page, tmp_path):
    # given: a shop imported from the county's file, whose contact lost the first SMS
    upload = tmp_path / "静乐县.csv"
    upload.write_text("店铺名称,联系人,手机号,县区,村\n静乐县娑婆村胡麻油坊,韩玉梅,13511112222,静乐县,娑婆村\n")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=shop_url)
    _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/vendors/import/")
    page.locator("#id_file").set_input_files(str(upload))
    page.locator("#vendor_import_form button[type=submit]").click()
    page.locator("#import_invitations .import-invitation a").first.click()
    expect(page.locator("#invitation_sms .invitation-sms")).to_have_count(1)
    # when
    page.locator("#invitation_form button").click()
    # then
    expect(page.locator("#new_invitation")).to_contain_text("新的邀请链接已通过短信发给 韩玉梅（135 1111 2222）")
    link = page.locator("#new_invitation .invitation-link")
    sent = [text for phone, text in RecordingSmsBackend.sent if phone == "+8613511112222"]
    assert len(sent) == 2 and sent[1].endswith(link.inner_text().removeprefix(shop_url))
    expect(page.locator("#invitation_sms .invitation-sms")).to_have_count(2)
    assert not scrolls_sideways(page)
    page.locator("#new_invitation .invitation-copy").click()
    expect(page.locator("#new_invitation .invitation-copy")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == link.inner_text()
    screenshot(page, "admin-invitation-resent")


@pytest.mark.browser
def test_without_script_the_whole_link_is_selected_by_one_tap(shop_url, demo_logins, browser, tmp_path):
    # given: a phone browser with JavaScript off
    from tests.functional.conftest import PHONE

    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=False)
    page = context.new_page()
    try:
        upload = tmp_path / "静乐县.csv"
        upload.write_text("店铺名称,联系人,手机号,县区,村\n静乐县娑婆村胡麻油坊,韩玉梅,13511112222,静乐县,娑婆村\n")
        _sign_in_as_admin(page, shop_url, demo_logins, "/dashboard/vendors/import/")
        page.locator("#id_file").set_input_files(str(upload))
        page.locator("#vendor_import_form button[type=submit]").click()
        link = page.locator("#import_invitations .invitation-link").first
        # when
        link.click()
        # then: no copy button that cannot work, and the tap selected the whole link
        expect(page.locator("#import_invitations .invitation-copy")).to_be_hidden()
        assert page.evaluate("window.getSelection().toString()") == link.inner_text()
        assert link.inner_text().startswith(shop_url + "/vendors/invitation/")
    finally:
        context.close()
