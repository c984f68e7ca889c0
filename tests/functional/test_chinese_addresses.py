"""Chinese addresses without JavaScript: the 省/市/区 pickers re-rendered by the server, a pasted address read
into the fields by the 识别地址 button, addresses saved before the pickers still valid, regions.json for the
pickers' script. The address book's forms, the checkout's new address and its address-book edit page."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.apps.address.models import UserAddress

from shop.core import regions
from tests.factories.marketplace import make_product, make_vendor
from tests.factories.pages import add_to_basket, checkout_to_address_step, fill_address

User = get_user_model()
PASTED = "收货人：张秀英\n手机号码：139-1234-5678\n所在地区：山西省 吕梁市 临县\n详细地址：城庄镇王家庄村12号"


@pytest.fixture
def buyer(china):
    return User.objects.create_user(username="13912345678", email="", password="s3cret-枣园-2026")


@pytest.fixture
def dates(china):
    vendor, _ = make_vendor("临县王家庄村农民专业合作社")
    return make_product(vendor, title="临县红枣 特级", price="39.90")


def _options(form, name) -> list[str]:
    return [value for value, _selected, _text in form[name].options if value]


def _notice(page) -> str:
    notice = page.html.select_one(".address-notice")
    return " ".join(notice.stripped_strings) if notice else ""


def _errors(page) -> dict[str, str]:
    return {
        " ".join(group.label.stripped_strings): " ".join(group.select_one(".error-block").stripped_strings)
        for group in page.html.select(".form-group")
        if group.select_one(".error-block") and group.label
    }


def _values(form, names=("first_name", "phone_number", "state", "line4", "line3", "line1", "pasted")) -> dict:
    return {name: form[name].value for name in names}


def test_without_javascript_each_level_lists_the_one_above_it(django_app, buyer):
    # given an empty address form: every province, no city nor district yet
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    assert (len(_options(form, "state")), _options(form, "line4"), _options(form, "line3")) == (34, [], [])
    form["first_name"] = "张秀英"
    form["state"] = "山西省"
    # when the buyer asks for the province's cities, then the city's districts
    form = form.submit("address_refresh").forms["address_form"]
    cities = _options(form, "line4")
    form["line4"] = "吕梁市"
    form = form.submit("address_refresh").forms["address_form"]
    districts = _options(form, "line3")
    form["line3"] = "临县"
    form["phone_number"] = "139 1234 5678"
    form["line1"] = "城庄镇王家庄村12号"
    page = form.submit().maybe_follow()
    # then
    assert cities == regions.cities("山西省") and "吕梁市" in cities and len(cities) == 11
    assert districts[:3] == ["离石区", "文水县", "交城县"] and "临县" in districts
    assert page.request.path == reverse("customer:address-list")
    address = UserAddress.objects.get(user=buyer)
    assert (address.first_name, str(address.phone_number), address.state, address.line4, address.line3) == (
        "张秀英",
        "+8613912345678",
        "山西省",
        "吕梁市",
        "临县",
    )


def test_a_new_province_clears_the_city_and_district_of_the_old_one(django_app, buyer):
    # given a form with 山西省 吕梁市 临县 chosen
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    fill_address(form, {"first_name": "张秀英", "state": "山西省", "line4": "吕梁市", "line3": "临县"})
    form["state"] = "北京市"
    # when
    form = form.submit("address_refresh").forms["address_form"]
    # then a municipality is its own city; the district is to choose again
    assert _values(form, ("first_name", "state", "line4", "line3")) == {
        "first_name": "张秀英",
        "state": "北京市",
        "line4": "北京市",
        "line3": "",
    }
    assert "朝阳区" in _options(form, "line3") and UserAddress.objects.count() == 0


def test_a_pasted_address_fills_the_fields_and_saves_nothing_until_confirmed(django_app, buyer):
    # given
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    form["pasted"] = PASTED
    # when
    page = form.submit("address_parse")
    # then
    form = page.forms["address_form"]
    assert _notice(page) == "地址已识别，请核对下面每一项。"
    assert _values(form) == {
        "first_name": "张秀英",
        "phone_number": "13912345678",
        "state": "山西省",
        "line4": "吕梁市",
        "line3": "临县",
        "line1": "城庄镇王家庄村12号",
        "pasted": PASTED,
    }
    assert UserAddress.objects.count() == 0
    # and when confirmed
    form.submit().maybe_follow()
    assert UserAddress.objects.get(user=buyer).line1 == "城庄镇王家庄村12号"


@pytest.mark.parametrize(
    "pasted, notice",
    [
        ("你好，在吗？", "没能识别出地址。请按「收货人 手机号 省市区 详细地址」粘贴，或直接在下面填写。"),
        ("", "请先把地址粘贴到上面的框里，再点「识别地址」。"),
    ],
)
def test_text_that_is_no_address_is_said_so_and_nothing_typed_is_lost(django_app, buyer, pasted, notice):
    # given fields already typed
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    fill_address(form, {"first_name": "张秀英", "state": "山西省", "line4": "吕梁市", "line1": "城庄镇"})
    form["pasted"] = pasted
    # when
    page = form.submit("address_parse")
    # then
    assert (page.status_code, _notice(page)) == (200, notice)
    assert _values(page.forms["address_form"], ("first_name", "state", "line4", "line1", "pasted")) == {
        "first_name": "张秀英",
        "state": "山西省",
        "line4": "吕梁市",
        "line1": "城庄镇",
        "pasted": pasted,
    }
    assert UserAddress.objects.count() == 0


def test_a_pasted_mobile_without_a_region_fills_the_mobile_and_asks_for_the_region(django_app, buyer):
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    form["pasted"] = "王五 13612345678"
    # when
    page = form.submit("address_parse")
    # then
    assert _notice(page) == "没能识别出省市区，请在下面选择；能识别的内容已经填好。"
    assert _values(page.forms["address_form"], ("first_name", "phone_number", "state")) == {
        "first_name": "王五",
        "phone_number": "13612345678",
        "state": "",
    }


def test_a_district_of_another_city_is_refused_in_chinese(django_app, buyer):
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    fill_address(
        form,
        {
            "first_name": "张秀英",
            "phone_number": "13912345678",
            "state": "山西省",
            "line4": "吕梁市",
            "line3": "朝阳区",
            "line1": "城庄镇",
        },
    )
    # when
    page = form.submit()
    # then
    assert (page.status_code, _errors(page)) == (200, {"区/县": "请从列表中选择区/县。"})
    assert UserAddress.objects.count() == 0


def test_an_address_saved_before_the_pickers_stays_valid(django_app, buyer, china):
    # given an address typed as free text before the pickers
    address = UserAddress.objects.create(
        user=buyer,
        first_name="张秀英",
        phone_number="+8613912345678",
        state="山西",
        line4="吕梁",
        line3="临县城关",
        line1="城庄镇",
        country=china,
    )
    form = django_app.get(reverse("customer:address-detail", args=[address.pk]), user=buyer).forms["address_form"]
    # when only the street changes
    form["line1"] = "城庄镇王家庄村12号"
    page = form.submit().maybe_follow()
    # then its old region is kept and shown as chosen
    address.refresh_from_db()
    assert page.request.path == reverse("customer:address-list")
    region = (address.state, address.line4, address.line3)
    assert (region, address.line1) == (("山西", "吕梁", "临县城关"), "城庄镇王家庄村12号")


def test_the_checkout_reads_a_pasted_address_for_a_guest(django_app, dates):
    # given
    add_to_basket(django_app, dates, "1")
    form = checkout_to_address_step(django_app).forms["new_shipping_address"]
    form["pasted"] = "北京市北京市朝阳区建国路88号 赵六 13900001111"
    # when
    form = form.submit("address_parse").forms["new_shipping_address"]
    preview = form.submit().maybe_follow()
    # then
    assert preview.request.path == reverse("checkout:preview")
    lines = [" ".join(line.split()) for line in preview.html.select_one(".chinese-address").stripped_strings]
    assert lines == ["赵六", "139 0000 1111", "北京市 北京市 朝阳区", "建国路88号"]


def test_the_checkout_edits_an_address_book_address_with_the_chinese_form(django_app, buyer, dates, china):
    # given
    address = UserAddress.objects.create(
        user=buyer,
        first_name="张秀英",
        phone_number="+8613912345678",
        state="山西省",
        line4="吕梁市",
        line3="临县",
        line1="城庄镇",
        country=china,
    )
    add_to_basket(django_app, dates, "1")
    page = django_app.get(reverse("checkout:user-address-update", args=[address.pk]), user=buyer)
    form = page.forms["update_user_address"]
    form["state"] = "山西省"
    # when
    form = form.submit("address_refresh").forms["update_user_address"]
    # then
    assert (form["line4"].value, form["line3"].value) == ("吕梁市", "临县")
    assert _options(form, "line3") == regions.districts("山西省", "吕梁市")


def test_regions_json_feeds_the_pickers_script(django_app, db):
    # when
    response = django_app.get(reverse("customer:regions"))
    # then
    tree = response.json
    assert (len(tree), tree["山西省"]["吕梁市"][:2], tree["北京市"]["北京市"][:2]) == (
        34,
        ["离石区", "文水县"],
        ["东城区", "西城区"],
    )
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_the_address_forms_load_the_pickers_script_and_hide_nothing_without_it(django_app, buyer):
    page = django_app.get(reverse("customer:address-create"), user=buyer)
    assert page.html.select_one('script[src*="js/address"]') is not None
    refresh = page.html.select_one(".address-refresh")
    assert refresh is not None and not refresh.has_attr("hidden")
    selects = {s["name"]: s.get("data-region") for s in page.html.select("#address_form select")}
    assert selects == {"state": "province", "line4": "city", "line3": "district"}


def test_the_shop_application_picks_its_province_from_the_list_and_suggests_its_counties(django_app, buyer):
    # when
    page = django_app.get("/vendors/apply/", user=buyer)
    form = page.forms["vendor_apply_form"]
    # then
    assert (form["province"].value, len(_options(form, "province"))) == ("山西省", 34)
    suggestions = [option["value"] for option in page.html.select("#county-suggestions option")]
    assert page.html.select_one("#id_county")["list"] == "county-suggestions"
    assert suggestions == regions.province_counties("山西省") and "临县" in suggestions and "静乐县" in suggestions


@pytest.mark.parametrize(
    "province, error",
    [
        ("火星省", "请从列表中选择省份。"),
        ("<script>alert(1)</script>", "这个字段是必填项。"),  # the markup is taken out, nothing is left
        ("山" * 5000, "确保该变量包含不超过 20 字符 (目前字符数 5000)。"),
    ],
    ids=["unknown", "markup", "oversized"],
)
def test_a_shop_application_with_a_province_not_in_the_list_is_refused_in_chinese(django_app, buyer, province, error):
    form = django_app.get("/vendors/apply/", user=buyer).forms["vendor_apply_form"]
    form["province"].force_value(province)
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert _errors(page)["省份"] == error
    assert "<script>alert" not in page.text


def test_every_mobile_number_field_opens_the_number_pad_and_autofills_the_number(django_app, buyer, dates):
    # given: the forms that ask for a mobile number, as the people who fill them see them
    _vendor, farmer = make_vendor("静乐县西坡村藜麦合作社")
    pages = {
        "sms-sign-in": (django_app.get("/accounts/login/sms/"), "phone"),
        "register": (django_app.get("/accounts/register/"), "phone"),
        "sms-password-reset": (django_app.get("/accounts/password-reset/sms/"), "phone"),
        "guest-order-find": (django_app.get("/accounts/orders/find/"), "phone"),
    }
    add_to_basket(django_app, dates, "1")
    pages["checkout-address"] = (checkout_to_address_step(django_app), "phone_number")
    pages["address-book"] = (django_app.get(reverse("customer:address-create"), user=buyer), "phone_number")
    pages["shop-application"] = (django_app.get("/vendors/apply/", user=buyer), "contact_phone")
    pages["seller-profile"] = (django_app.get("/seller/profile/", user=farmer), "contact_phone")
    # then
    found = {
        where: (field.get("inputmode"), field.get("autocomplete", "").split()[-1])
        for where, (page, name) in pages.items()
        for field in page.html.select(f'input[name="{name}"]')
    }
    assert found == {where: ("tel", "tel") for where in pages}


@pytest.mark.parametrize("button", ["address_parse", "address_refresh"])
def test_the_helper_buttons_on_another_buyers_address_find_nothing(django_app, buyer, china, button):
    # given another buyer's address
    other = User.objects.create_user(username="13700001111", password="s3cret-枣园-2026")
    address = UserAddress.objects.create(
        user=other,
        first_name="李四",
        phone_number="+8613700001111",
        state="山西省",
        line4="吕梁市",
        line3="临县",
        line1="城庄镇",
        country=china,
    )
    form = django_app.get(reverse("customer:address-create"), user=buyer).forms["address_form"]
    form.action = reverse("customer:address-detail", args=[address.pk])
    form["pasted"] = PASTED
    # when
    page = form.submit(button, expect_errors=True)
    # then
    assert page.status_code == 404
    assert "李四" not in page.text
