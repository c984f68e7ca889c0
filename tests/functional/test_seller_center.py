"""The seller center (/seller/) through its pages: access, products, stock, orders and shipping, profile.

The helpers at the top (vendors, products, orders of several vendors) are used by
tests/integration/test_seller_isolation.py too.
"""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.test.factories import UserFactory
from webtest import Upload

from shop.catalogue.models import Product, ProductImage
from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories import FarmCategoryFactory, FarmProductImageFactory
from tests.factories.marketplace import jpeg_bytes, make_order, make_product, make_vendor, stock_of
from vendors.earnings.selectors import seller_sales_totals
from vendors.listings.selectors import seller_product_list
from vendors.listings.services import ProductData, vendor_product_update
from vendors.models import Shipment, Vendor

SHANGHAI = ZoneInfo("Asia/Shanghai")


# Helpers ------------------------------------------------------------------------------------------


@pytest.fixture
def vendor_a(db):
    return make_vendor("临县王家庄村农民专业合作社")


@pytest.fixture
def vendor_b(db):
    return make_vendor("沁源县李家沟村家庭农场")


@pytest.fixture
def customer(db):
    return UserFactory(email="buyer-secret@example.com")


@pytest.fixture
def category(db):
    return FarmCategoryFactory(name="红枣")


# Access --------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(django_app):
    # when
    response = django_app.get("/seller/products/")
    # then
    assert response.status_code == 302
    assert response.location == "/accounts/login/?next=/seller/products/"


@pytest.mark.parametrize("status", [Vendor.Status.PENDING, Vendor.Status.REJECTED, Vendor.Status.SUSPENDED])
def test_an_applicant_not_approved_is_sent_to_the_application_status(django_app, db, status):
    # given
    _vendor, user = make_vendor("吕梁山土特产店", status=status)
    # when
    response = django_app.get("/seller/", user=user)
    # then
    assert response.status_code == 302
    assert response.location == "/vendors/apply/status/"


def test_a_consumer_is_sent_to_the_page_where_one_applies_to_sell(django_app, customer):
    # when
    response = django_app.get("/seller/orders/", user=customer)
    # then
    assert response.status_code == 302
    assert response.location == "/vendors/apply/"


# Home ----------------------------------------------------------------------------------------------


def test_the_home_page_shows_orders_to_ship_sales_and_low_stock(django_app, vendor_a, vendor_b, customer, china):
    # given
    vendor, user = vendor_a
    dates = make_product(vendor, title="临县红枣 特级", price="39.90")
    millet = make_product(vendor, title="沁州黄小米", price="25.00", stock=11)
    StockRecord.objects.filter(product=millet).update(low_stock_threshold=10)
    other = make_product(vendor_b[0], title="沁源党参", price="88.00")
    to_ship = make_order(customer, [(dates, 2), (other, 1)], china=china)
    shipped = make_order(customer, [(millet, 1)], china=china)
    make_order(customer, [(other, 3)], china=china)
    line = shipped.lines.get()
    ship = django_app.get(f"/seller/orders/{shipped.number}/", user=user).forms["ship-form"]
    ship["carrier"], ship["tracking_number"] = "sf", "SF1234567890"
    ship.submit()
    # when
    page = django_app.get("/seller/", user=user)
    # then
    assert page.status_code == 200
    assert page.html.select_one("#sales-today").text == "¥104.80"
    assert page.html.select_one("#sales-month").text == "¥104.80"
    orders = [a["href"] for a in page.html.select("#orders-to-ship a.list-group-item")]
    assert orders == [f"/seller/orders/{to_ship.number}/"]
    low = [a.text.split() for a in page.html.select("#low-stock a")]
    assert low == [["沁州黄小米", "剩", "10", "件"]]
    assert line.shipping_event_quantities.get().quantity == 1


def test_sales_are_counted_by_the_shanghai_calendar(vendor_a, vendor_b, customer, china):
    # given: just after midnight in Shanghai, 15 March (still 14 March in UTC)
    vendor, _user = vendor_a
    product = make_product(vendor, price="10.00")
    other = make_product(vendor_b[0], price="1000.00")
    placed = {
        "today": datetime(2026, 3, 15, 0, 10, tzinfo=SHANGHAI),
        "yesterday_late": datetime(2026, 3, 14, 23, 50, tzinfo=SHANGHAI),
        "first_of_month": datetime(2026, 3, 1, 0, 5, tzinfo=SHANGHAI),
        "last_month": datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI),
    }
    quantities = {"today": 1, "yesterday_late": 2, "first_of_month": 4, "last_month": 8}
    for key, when in placed.items():
        order = make_order(customer, [(product, quantities[key]), (other, 1)], china=china)
        Order.objects.filter(pk=order.pk).update(date_placed=when)
    # when
    sales = seller_sales_totals(vendor=vendor, now=datetime(2026, 3, 15, 0, 30, tzinfo=SHANGHAI))
    # then
    assert sales == {"today": Decimal("10.00"), "month": Decimal("70.00")}


# Products ------------------------------------------------------------------------------------------


def test_a_vendor_puts_a_product_on_sale_with_photos_from_the_phone(django_app, vendor_a, category):
    # given
    vendor, user = vendor_a
    page = django_app.get("/seller/products/new/", user=user)
    form = page.forms["product-form"]
    # when
    form["title"] = "临县红枣 特级 500g"
    form["category"] = str(category.pk)
    form["price"] = "39.90"
    form["available"] = "120"
    form["low_stock_threshold"] = "10"
    form["description"] = "<p>农家自种，<strong>个大肉厚</strong></p><script>alert(1)</script>"
    form["origin_county"] = "临县"
    form["net_weight"] = "500g"
    form["shelf_life_days"] = "365"
    form["geographical_indication"] = True
    form["video_url"] = "https://v.example.cn/hongzao.mp4"
    form["photo_1"] = Upload("IMG_0001.JPG", jpeg_bytes("red"), "image/jpeg")
    form["photo_2"] = Upload("IMG_0002.JPG", jpeg_bytes("green"), "image/jpeg")
    response = form.submit().follow()
    # then
    product = Product.objects.get(title="临县红枣 特级 500g")
    record = StockRecord.objects.get(product=product)
    assert response.request.path == "/seller/products/"
    assert "“临县红枣 特级 500g”已上架。" in response.text
    assert (record.partner_id, record.price, record.price_currency) == (vendor.partner_id, Decimal("39.90"), "CNY")
    assert (record.num_in_stock, record.num_allocated, record.low_stock_threshold) == (120, None, 10)
    assert list(product.categories.all()) == [category]
    assert product.description == "<p>农家自种，<strong>个大肉厚</strong></p>"
    assert product.is_public is True
    assert (product.attr.origin_province, product.attr.origin_county, product.attr.net_weight) == (
        "山西省",
        "临县",
        "500g",
    )
    assert (product.attr.shelf_life_days, product.attr.geographical_indication) == (365, True)
    assert product.attr.video_url == "https://v.example.cn/hongzao.mp4"
    assert product.images.count() == 2
    assert all(image.original.name.endswith(".jpg") for image in product.images.all())


def test_a_vendor_gives_the_harvest_date_and_certifications_for_the_origin_block(django_app, vendor_a, category):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/products/new/", user=user).forms["product-form"]
    for name, value in {"title": "静乐藜麦", "category": str(category.pk), "price": "36.00", "available": "50"}.items():
        form[name] = value
    form["origin_county"] = "静乐县"
    form["harvest_date"] = "2026-10-08"
    labels = [label.text for label in form.html.select("#id_certifications label")]
    assert labels == ["绿色食品", "有机产品", "名特优新农产品"]
    form.set("certifications", True, index=0)
    form.set("certifications", True, index=1)
    # when
    form.submit().follow()
    product = Product.objects.get(title="静乐藜麦")
    page = django_app.get(product.get_absolute_url())
    # then
    assert product.attr.harvest_date.isoformat() == "2026-10-08"
    assert sorted(option.option for option in product.attr.certifications) == ["有机产品", "绿色食品"]
    assert [li.get_text(" ", strip=True) for li in page.html.select("#product_origin li")][-2:] == [
        "采收日期: 2026-10-08",
        "认证: 绿色食品 有机产品",
    ]


def test_a_description_typed_as_plain_text_is_shown_in_paragraphs_and_edited_without_tags(
    django_app, vendor_a, category
):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/products/new/", user=user).forms["product-form"]
    for name, value in {"title": "静乐藜麦", "category": str(category.pk), "price": "36.00", "available": "50"}.items():
        form[name] = value
    form["description"] = "高原种植，颗粒饱满。\n\n煮粥、蒸饭都好吃"
    # when
    form.submit().follow()
    product = Product.objects.get(title="静乐藜麦")
    page = django_app.get(product.get_absolute_url())
    edit = django_app.get(f"/seller/products/{product.pk}/", user=user).forms["product-form"]
    # then
    assert product.description == "<p>高原种植，颗粒饱满。</p><p>煮粥、蒸饭都好吃</p>"
    assert [p.text for p in page.html.select(".product-description p")] == ["高原种植，颗粒饱满。", "煮粥、蒸饭都好吃"]
    assert edit["description"].value == "高原种植，颗粒饱满。\n\n煮粥、蒸饭都好吃"


def test_a_harvest_date_that_is_not_a_date_is_refused_in_chinese(django_app, vendor_a, category):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/products/new/", user=user).forms["product-form"]
    for name, value in {"title": "静乐藜麦", "category": str(category.pk), "price": "36.00", "available": "50"}.items():
        form[name] = value
    form["harvest_date"] = "去年秋天"
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert [e.text for e in page.html.select("#product-more .invalid-feedback")] == [
        "请按 2026-10-08 的格式填写日期，或在日历中选择。"
    ]
    assert page.html.select_one("#product-more").has_attr("open")
    assert page.forms["product-form"]["title"].value == "静乐藜麦"
    assert not Product.objects.filter(title="静乐藜麦").exists()


def test_the_product_form_offers_the_camera_for_six_photos(django_app, vendor_a):
    # when
    page = django_app.get("/seller/products/new/", user=vendor_a[1])
    # then
    inputs = page.html.select("#product-form input[type=file]")
    assert [i["name"] for i in inputs] == [f"photo_{n}" for n in range(1, 7)]
    assert {i["accept"] for i in inputs} == {"image/*"}


@pytest.mark.parametrize(
    "field, value, error",
    [
        ("price", "0", "确保该值大于或等于0.01。"),
        ("price", "12.345", "最多保留 2 位小数。"),
        ("price", "100000", "确保该值小于或等于99999.99。"),
        ("available", "-1", "确保该值大于或等于0。"),
        ("available", "100001", "确保该值小于或等于100000。"),
        ("video_url", "javascript:alert(1)", "输入一个有效的 URL。"),
        ("video_url", "ftp://example.cn/a.mp4", "输入一个有效的 URL。"),
    ],
)
def test_a_product_with_bad_input_is_refused_and_nothing_is_saved(django_app, vendor_a, category, field, value, error):
    # given
    form = django_app.get("/seller/products/new/", user=vendor_a[1]).forms["product-form"]
    form["title"] = "沁州黄小米"
    form["category"] = str(category.pk)
    form["price"] = "25.00"
    form["available"] = "10"
    form[field] = value
    # when
    response = form.submit()
    # then
    assert response.status_code == 200
    assert [e.text for e in response.html.select(".invalid-feedback")] == [error]
    assert Product.objects.count() == 0


def test_a_photo_that_is_not_an_image_is_refused_and_nothing_is_saved(django_app, vendor_a, category):
    # given
    form = django_app.get("/seller/products/new/", user=vendor_a[1]).forms["product-form"]
    form["title"] = "沁州黄小米"
    form["category"] = str(category.pk)
    form["price"] = "25.00"
    form["available"] = "10"
    form["photo_1"] = Upload("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    # when
    response = form.submit()
    # then
    assert [e.text for e in response.html.select(".invalid-feedback")] == [
        "请上传 JPEG、PNG、WEBP 或 GIF 格式的图片，不接受其他文件。"
    ]
    assert (Product.objects.count(), ProductImage.objects.count()) == (0, 0)


def test_a_vendor_edits_a_product_and_removes_a_photo(django_app, vendor_a, category):
    # given
    vendor, user = vendor_a
    product = make_product(vendor, attributes={"origin_county": "临县", "net_weight": "500g"})
    kept = product.images.get()
    extra = FarmProductImageFactory(product=product, display_order=1)
    page = django_app.get(f"/seller/products/{product.pk}/", user=user)
    form = page.forms["product-form"]
    assert (form["title"].value, form["origin_county"].value, form["available"].value) == (
        product.title,
        "临县",
        "100",
    )
    # when
    page = page.forms[f"delete-photo-{extra.pk}"].submit().follow()
    form = page.forms["product-form"]
    form["title"] = "临县红枣 一级"
    form["category"] = str(category.pk)
    form["price"] = "29.90"
    form["net_weight"] = ""
    form["photo_1"] = Upload("new.png", jpeg_bytes("blue"), "image/png")
    response = form.submit().follow()
    # then
    product.refresh_from_db()
    product.attr.refresh()
    assert "您对“临县红枣 一级”的修改已保存。" in response.text
    assert product.title == "临县红枣 一级"
    assert StockRecord.objects.get(product=product).price == Decimal("29.90")
    assert list(product.categories.all()) == [category]
    assert product.attr.origin_county == "临县"
    assert not product.attribute_values.filter(attribute__code="net_weight").exists()
    assert [image.pk for image in product.images.all()][0] == kept.pk
    assert product.images.count() == 2
    assert not ProductImage.objects.filter(pk=extra.pk).exists()


def test_a_vendor_reorders_the_photos_without_script_and_a_new_one_goes_last(django_app, vendor_a):
    # given: three photos, in the order they were added
    vendor, user = vendor_a
    product = make_product(vendor)
    first = product.images.get()
    second = FarmProductImageFactory(product=product, display_order=1)
    third = FarmProductImageFactory(product=product, display_order=2)
    form = django_app.get(f"/seller/products/{product.pk}/", user=user).forms["product-form"]
    assert [form[f"photo_order_{image.pk}"].value for image in (first, second, third)] == ["1", "2", "3"]
    # when: the third becomes the main photo, the first goes last, and a new photo is added
    form[f"photo_order_{third.pk}"] = "1"
    form[f"photo_order_{second.pk}"] = "2"
    form[f"photo_order_{first.pk}"] = "3"
    form["photo_1"] = Upload("new.jpg", jpeg_bytes("blue"), "image/jpeg")
    page = form.submit().follow()
    # then
    ordered = list(product.images.order_by("display_order"))
    assert [image.pk for image in ordered[:3]] == [third.pk, second.pk, first.pk]
    assert [image.display_order for image in ordered] == [0, 1, 2, 3]
    assert product.primary_image().pk == third.pk
    assert [li["data-photo"] for li in page.html.select("#product-photos li")] == [str(image.pk) for image in ordered]


def test_photos_not_named_in_the_new_order_keep_their_order_after_those_named(vendor_a, category):
    # given: three photos; the page that sent the order knew only the third (the others came meanwhile)
    vendor, _user = vendor_a
    product = make_product(vendor)
    first = product.images.get()
    second = FarmProductImageFactory(product=product, display_order=1)
    third = FarmProductImageFactory(product=product, display_order=2)
    data = ProductData(
        title=product.title,
        category=category,
        description="",
        price=Decimal("10.00"),
        available=5,
        low_stock_threshold=None,
        attributes={},
    )
    # when
    vendor_product_update(vendor=vendor, product=product, data=data, image_order={third.pk: 1})
    # then
    assert [(image.pk, image.display_order) for image in product.images.order_by("display_order")] == [
        (third.pk, 0),
        (first.pk, 1),
        (second.pk, 2),
    ]


def test_a_forged_photo_position_is_refused_and_nothing_changes(django_app_factory, vendor_a):
    app = django_app_factory(csrf_checks=False)
    # given
    vendor, user = vendor_a
    product = make_product(vendor)
    first = product.images.get()
    second = FarmProductImageFactory(product=product, display_order=1)
    fields = dict(app.get(f"/seller/products/{product.pk}/", user=user).forms["product-form"].submit_fields())
    fields.pop("photo_1", None)
    # when
    page = app.post(
        f"/seller/products/{product.pk}/", {**fields, f"photo_order_{second.pk}": "7", "price": "1.00"}, user=user
    )
    # then
    assert page.status_code == 200
    assert [e.text for e in page.html.select("#product-photos .invalid-feedback")] == ["请选择第 1 到第 2 张。"]
    assert [image.pk for image in product.images.order_by("display_order")] == [first.pk, second.pk]
    assert StockRecord.objects.get(product=product).price != Decimal("1.00")


def test_a_product_with_six_photos_offers_no_more_upload(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    product = make_product(vendor)
    for order in range(1, 6):
        FarmProductImageFactory(product=product, display_order=order)
    # when
    page = django_app.get(f"/seller/products/{product.pk}/", user=user)
    # then
    assert page.html.select("#product-form input[type=file]") == []
    assert page.html.select_one("#product-photos + p").text == "此商品已有 6 张照片，已达上限。删除一张后才能再添加。"


def test_the_product_form_puts_the_essentials_first_and_folds_the_rest(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    product = make_product(vendor)
    # when
    page = django_app.get(f"/seller/products/{product.pk}/", user=user)
    invalid = page.forms["product-form"]
    invalid["shelf_life_days"] = "-3"
    refused = invalid.submit()
    # then
    form = page.html.select_one("#product-form")
    essentials = [label.get_text(strip=True) for label in form.find_all("label", recursive=True)[:4]]
    assert essentials == ["商品名称", "分类", "价格（元）", "可售数量"]
    assert [label["class"] for label in form.find_all("label")[:4]] == [["required"]] * 4
    assert form.select_one("details#product-more").get("open") is None
    assert refused.html.select_one("details#product-more").get("open") == ""
    assert page.html.select("form[action$='/delist/']") == []  # no delist button that would drop edits
    assert page.html.select_one("#delist_link")["href"] == f"/seller/products/{product.pk}/delist/"
    assert page.html.select_one("#product_status .badge").text == "在售"


def test_delisting_hides_a_product_and_relisting_shows_it_again(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    product = make_product(vendor, title="临县红枣 特级")
    page = django_app.get("/seller/products/", user=user)
    # when: 下架 asks first
    confirm = page.click(href=f"/seller/products/{product.pk}/delist/")
    still_public = Product.objects.get(pk=product.pk).is_public
    delisted = confirm.forms[f"delist-{product.pk}"].submit().follow()
    was_public = Product.objects.get(pk=product.pk).is_public
    relisted = delisted.forms[f"relist-{product.pk}"].submit().follow()
    # then
    assert confirm.html.select_one(".page-header h1").get_text(strip=True) == "确定下架“临县红枣 特级”吗？"
    assert (still_public, was_public) == (True, False)
    assert Product.objects.get(pk=product.pk).is_public is True
    assert "已下架" in delisted.html.select_one(".seller-product").text
    assert "在售" in relisted.html.select_one(".seller-product").text


def test_the_quick_stock_form_sets_what_is_for_sale_and_keeps_allocations(django_app, vendor_a, customer, china):
    # given
    vendor, user = vendor_a
    product = make_product(vendor, stock=20)
    make_order(customer, [(product, 4)], china=china)
    page = django_app.get(f"/seller/products/{product.pk}/stock/", user=user)
    assert page.forms["stock-form"]["available"].value == "16"
    # when
    page.forms["stock-form"]["available"] = "50"
    page.forms["stock-form"].submit().follow()
    # then
    assert stock_of(product) == (54, 4)


def test_stock_allocated_while_the_edit_form_is_open_is_kept(django_app, vendor_a):
    # given: the vendor opens the form (100 for sale) ...
    vendor, user = vendor_a
    product = make_product(vendor, stock=100)
    form = django_app.get(f"/seller/products/{product.pk}/", user=user).forms["product-form"]
    # ... and meanwhile an order allocates 3 units
    StockRecord.objects.get(product=product).allocate(3)
    # when
    form["available"] = "10"
    form.submit().follow()
    # then
    assert stock_of(product) == (13, 3)


# Orders and shipping -------------------------------------------------------------------------------


def test_a_vendor_sees_only_its_line_ships_it_and_the_customer_sees_the_tracking_number(
    django_app, vendor_a, vendor_b, customer, china
):
    # given
    vendor, user = vendor_a
    dates = make_product(vendor, title="临县红枣 特级")
    ginseng = make_product(vendor_b[0], title="沁源党参 礼盒")
    order = make_order(customer, [(dates, 1), (ginseng, 1)], china=china)
    # when
    page = django_app.get("/seller/orders/", user=user).click(str(order.number))
    # then: only its own line and the address
    text = page.html.select_one("#content_inner").text
    assert [li["data-line"] for li in page.html.select(".vendor-line")] == [str(order.lines.get(product=dates).pk)]
    assert "沁源党参" not in page.text
    assert "buyer-secret@example.com" not in page.text
    for part in ("李建国", "139 1234 5678", "山西省", "吕梁市", "离石区", "滨河北西路 18 号"):
        assert part in text
    # when: it ships with SF Express
    form = page.forms["ship-form"]
    form["carrier"] = "sf"
    form["tracking_number"] = "SF1400123456789"
    shipped_page = form.submit().follow()
    # then
    assert "已发货。买家现在可以看到快递单号。" in shipped_page.text
    shipment = Shipment.objects.get()
    assert (shipment.vendor, shipment.carrier, shipment.tracking_number, shipment.shipped_by) == (
        vendor,
        "sf",
        "SF1400123456789",
        user,
    )
    customer_page = django_app.get(f"/accounts/orders/{order.number}/", user=customer)
    groups = customer_page.html.select(".vendor-shipping")
    assert [g.select_one(".vendor-name").text for g in groups] == [
        "临县王家庄村农民专业合作社",
        "沁源县李家沟村家庭农场",
    ]
    assert groups[0].select_one(".carrier").text == "顺丰速运"
    assert groups[0].select_one(".tracking-number").text == "SF1400123456789"
    assert groups[0].select_one(".waiting") is None
    assert groups[1].select(".parcel") == []
    assert groups[1].select_one(".waiting li").text == "沁源党参 礼盒 × 1"


def test_a_vendor_ships_one_of_two_and_then_the_other(django_app, vendor_a, customer, china):
    # given
    vendor, user = vendor_a
    product = make_product(vendor, title="沁州黄小米", stock=10)
    order = make_order(customer, [(product, 2)], china=china)
    line = order.lines.get()
    page = django_app.get(f"/seller/orders/{order.number}/", user=user)
    assert page.forms["ship-form"][f"line_{line.pk}"].value == "2"
    # when
    form = page.forms["ship-form"]
    form[f"line_{line.pk}"] = "1"
    form["carrier"] = "zto"
    form["tracking_number"] = "ZT7700001"
    page = form.submit().follow()
    after_first = stock_of(product)
    form = page.forms["ship-form"]
    remaining = form[f"line_{line.pk}"].value
    form["carrier"] = "ems"
    form["tracking_number"] = "EMS9900002"
    page = form.submit().follow()
    # then
    assert remaining == "1"
    assert after_first == (9, 1)
    assert stock_of(product) == (8, 0)
    assert "ship-form" not in page.forms
    assert "您在此订单中的商品已全部发货。" in page.text
    assert [s.select_one(".tracking-number").text for s in page.html.select(".shipment")] == ["ZT7700001", "EMS9900002"]
    assert list(Shipment.objects.values_list("carrier", "tracking_number")) == [
        ("zto", "ZT7700001"),
        ("ems", "EMS9900002"),
    ]
    parcels = django_app.get(f"/accounts/orders/{order.number}/", user=customer).html.select(".parcel")
    assert [(p.select_one(".tracking-number").text, p.select_one("li").text) for p in parcels] == [
        ("ZT7700001", "沁州黄小米 × 1"),
        ("EMS9900002", "沁州黄小米 × 1"),
    ]


def test_shipping_more_than_is_left_is_refused_and_nothing_is_saved(django_app, vendor_a, customer, china):
    # given: the same order open on two phones; the first ships everything
    vendor, user = vendor_a
    product = make_product(vendor, stock=10)
    order = make_order(customer, [(product, 2)], china=china)
    first = django_app.get(f"/seller/orders/{order.number}/", user=user).forms["ship-form"]
    second = django_app.get(f"/seller/orders/{order.number}/", user=user).forms["ship-form"]
    first["carrier"], first["tracking_number"] = "sf", "SF0001"
    first.submit()
    # when
    second["carrier"], second["tracking_number"] = "yto", "YT0002"
    response = second.submit()
    # then
    assert response.status_code == 200
    assert "没有发货：" in response.html.select_one(".alert-danger").text
    assert list(Shipment.objects.values_list("tracking_number", flat=True)) == ["SF0001"]
    assert stock_of(product) == (8, 0)


def test_a_carriers_parcel_needs_its_tracking_number(django_app, vendor_a, customer, china):
    # given
    vendor, user = vendor_a
    order = make_order(customer, [(make_product(vendor), 1)], china=china)
    form = django_app.get(f"/seller/orders/{order.number}/", user=user).forms["ship-form"]
    form["carrier"], form["tracking_number"] = "sf", "  "
    # when
    response = form.submit()
    # then
    assert [e.text for e in response.html.select(".invalid-feedback")] == ["请填写快递面单上的单号。"]
    assert Shipment.objects.count() == 0


@pytest.mark.parametrize(
    "carrier, typed, kept",
    [
        ("self", "", ""),
        ("village_post", "", ""),
        ("village_post", "东坡村邮站 第12号", "东坡村邮站 第12号"),
        ("jt", "JT 0012 3456 789", "JT 0012 3456 789"),
        ("other", "YT-88/123", "YT-88/123"),
        ("sf", "<b>SF</b>1400", "SF1400"),
    ],
)
def test_a_parcel_is_recorded_with_any_carriers_number_or_none_when_delivered_by_hand(
    django_app, vendor_a, customer, china, carrier, typed, kept
):
    # given
    vendor, user = vendor_a
    order = make_order(customer, [(make_product(vendor), 1)], china=china)
    form = django_app.get(f"/seller/orders/{order.number}/", user=user).forms["ship-form"]
    form["carrier"], form["tracking_number"] = carrier, typed
    # when
    form.submit().follow()
    # then
    assert list(Shipment.objects.values_list("carrier", "tracking_number")) == [(carrier, kept)]


def test_the_carriers_include_delivery_by_hand_and_the_village_post_station(django_app, vendor_a, customer, china):
    # given
    vendor, user = vendor_a
    order = make_order(customer, [(make_product(vendor), 1)], china=china)
    # when
    page = django_app.get(f"/seller/orders/{order.number}/", user=user)
    # then
    options = [o.get_text(strip=True) for o in page.html.select("#ship-form select[name=carrier] option")]
    assert options[-3:] == ["自送（卖家送货上门）", "村邮站", "其他快递"]


def test_the_customers_order_page_costs_the_same_queries_with_0_and_3_parcels(
    django_app, vendor_a, vendor_b, customer, china
):
    # given
    vendor, user = vendor_a
    dates, millet = make_product(vendor, title="红枣"), make_product(vendor, title="小米")
    order = make_order(customer, [(dates, 2), (millet, 1), (make_product(vendor_b[0]), 1)], china=china)
    dates_line, millet_line = order.lines.get(product=dates), order.lines.get(product=millet)
    url = f"/accounts/orders/{order.number}/"
    django_app.get(url, user=customer)
    with CaptureQueriesContext(connection) as before:
        django_app.get(url, user=customer)
    # (counted now: the next request empties the connection's log the capture reads from)
    queries_before = len(before)
    parcels = [
        ("SF0001", {dates_line.pk: "1", millet_line.pk: "0"}),
        ("SF0002", {dates_line.pk: "1", millet_line.pk: "0"}),
        ("SF0003", {millet_line.pk: "1"}),
    ]
    for tracking, quantities in parcels:
        form = django_app.get(f"/seller/orders/{order.number}/", user=user).forms["ship-form"]
        for line_pk, quantity in quantities.items():
            form[f"line_{line_pk}"] = quantity
        form["carrier"], form["tracking_number"] = "sf", tracking
        form.submit().follow()
    django_app.get(url, user=customer)
    # when
    with CaptureQueriesContext(connection) as after:
        page = django_app.get(url, user=customer)
    # then
    assert [p.select_one(".tracking-number").text for p in page.html.select(".parcel")] == [
        "SF0001",
        "SF0002",
        "SF0003",
    ]
    assert len(after) == queries_before


def test_the_seller_center_works_on_the_demo_shop(django_app, db):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events", stdout=io.StringIO())
    vendor = Vendor.objects.get(slug="linxian-coop")
    user = UserFactory()
    vendor.partner.users.add(user)
    product = seller_product_list(vendor=vendor).first()
    attributes = product.attribute_values.count()
    # when
    pages = {url: django_app.get(url, user=user) for url in ("/seller/", "/seller/products/", "/seller/profile/")}
    form = django_app.get(f"/seller/products/{product.pk}/", user=user).forms["product-form"]
    saved = form.submit().follow()
    # then
    assert {url: page.status_code for url, page in pages.items()} == dict.fromkeys(pages, 200)
    assert form["origin_county"].value == "临县"
    assert form["geographical_indication"].checked is True
    assert form["category"].value == str(product.categories.get().pk)
    assert saved.request.path == f"/seller/products/{product.pk}/"
    assert form["harvest_date"].value == product.attr.harvest_date.isoformat()
    assert product.attribute_values.count() == attributes


# Profile -------------------------------------------------------------------------------------------


def test_a_vendor_updates_its_profile(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/profile/", user=user).forms["profile-form"]
    # when
    form["story"] = '<p>三代种枣</p><img src=x onerror="alert(1)"><a href="javascript:alert(1)">看看</a>'
    form["contact_name"] = "王秀英"
    form["contact_phone"] = "139 1234 5678"
    form["village"] = "李家沟村"
    form["logo"] = Upload("logo.jpg", jpeg_bytes("yellow"), "image/jpeg")
    form.submit().follow()
    # then
    vendor.refresh_from_db()
    assert vendor.story == '<p>三代种枣</p><a rel="nofollow noopener noreferrer">看看</a>'
    assert (vendor.contact_phone, vendor.village) == ("+8613912345678", "李家沟村")
    assert vendor.logo.name.startswith("vendors/logos/") and vendor.logo.name.endswith(".jpg")
    assert not vendor.banner


def test_a_profile_with_a_bad_mobile_number_is_refused(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/profile/", user=user).forms["profile-form"]
    form["contact_phone"] = "010-12345678"
    form["village"] = "李家沟村"
    # when
    response = form.submit()
    # then
    assert [e.text for e in response.html.select(".invalid-feedback")] == [
        "请输入有效的中国大陆手机号码（以1开头的11位数字）。"
    ]
    vendor.refresh_from_db()
    assert (vendor.contact_phone, vendor.village) == ("+8613800000001", "王家庄村")


def test_a_profile_with_non_ascii_digits_is_refused(django_app, vendor_a):
    # given
    vendor, user = vendor_a
    form = django_app.get("/seller/profile/", user=user).forms["profile-form"]
    form["contact_phone"] = "+8613٨٠٠١٣٨٠٠٠"
    # when
    response = form.submit()
    # then
    assert [e.text for e in response.html.select(".invalid-feedback")] == [
        "请输入有效的中国大陆手机号码（以1开头的11位数字）。"
    ]
    vendor.refresh_from_db()
    assert vendor.contact_phone == "+8613800000001"


# Query budgets -------------------------------------------------------------------------------------

# Of which Oscar's layout (session, user, permissions, basket, notifications; the category menu is cached) costs 7;
# the seller center: its vendor, the page count, the page, and one prefetch per related list.
# order-list: one more prefetch for the vendor's part status of each order, whatever the number of orders.
# The seller header shows no basket: the shopper basket is never loaded in the seller center.
BUDGETS = {"product-list": 7, "order-list": 7}


def _warm_queries(app, url, user) -> tuple[int, object]:
    """Queries of the second view of a page (the first makes sorl write its thumbnails)."""
    app.get(url, user=user)
    with CaptureQueriesContext(connection) as queries:
        page = app.get(url, user=user)
    return len(queries), page


@pytest.mark.usefixtures("db_sessions")
def test_the_product_list_costs_the_same_queries_with_10_and_100_products(django_app, vendor_a, settings):
    # given
    settings.SELLER_CENTER_PAGE_SIZE = 100
    vendor, user = vendor_a
    for _ in range(10):
        make_product(vendor)
    with_10, page_10 = _warm_queries(django_app, "/seller/products/", user)
    # when
    for _ in range(90):
        make_product(vendor)
    with_100, page_100 = _warm_queries(django_app, "/seller/products/", user)
    # then
    assert (len(page_10.html.select(".seller-product")), len(page_100.html.select(".seller-product"))) == (10, 100)
    assert with_10 == with_100 == BUDGETS["product-list"]


@pytest.mark.usefixtures("db_sessions")
def test_the_order_list_costs_the_same_queries_with_10_and_100_orders(django_app, vendor_a, customer, china, settings):
    # given
    settings.SELLER_CENTER_PAGE_SIZE = 100
    vendor, user = vendor_a
    product = make_product(vendor, stock=1000)
    for _ in range(10):
        make_order(customer, [(product, 1)], china=china)
    with_10, page_10 = _warm_queries(django_app, "/seller/orders/", user)
    # when
    for _ in range(90):
        make_order(customer, [(product, 1)], china=china)
    with_100, page_100 = _warm_queries(django_app, "/seller/orders/", user)
    # then
    assert (len(page_10.html.select(".seller-order")), len(page_100.html.select(".seller-order"))) == (10, 100)
    assert with_10 == with_100 == BUDGETS["order-list"]


def test_a_suspended_vendor_still_ships_orders_already_placed_but_nothing_else(django_app, vendor_a, customer, china):
    # given: an order placed before the shop was suspended
    vendor, user = vendor_a
    product = make_product(vendor, title="沁州黄小米", stock=10)
    order = make_order(customer, [(product, 1)], china=china)
    line = order.lines.get()
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)
    # when
    products = django_app.get("/seller/products/", user=user)
    listing = django_app.get("/seller/orders/", user=user)
    page = django_app.get(f"/seller/orders/{order.number}/", user=user)
    form = page.forms["ship-form"]
    form[f"line_{line.pk}"] = "1"
    form["carrier"] = "sf"
    form["tracking_number"] = "SF1400000001"
    page = form.submit().follow()
    # then
    assert (products.status_code, products.location) == (302, "/vendors/apply/status/")
    assert listing.status_code == 200
    assert "您的店铺已被暂停" in page.html.select_one("#suspended_notice").text
    assert list(Shipment.objects.values_list("vendor", "tracking_number")) == [(vendor.pk, "SF1400000001")]
    assert stock_of(product) == (9, 0)


def test_the_header_links_each_user_to_the_right_place(django_app, vendor_a, customer):
    # given
    vendor, user = vendor_a
    # when
    as_vendor = django_app.get("/catalogue/", user=user).html.select_one("#nav_seller_link")
    as_consumer = django_app.get("/catalogue/", user=customer).html.select_one("#nav_seller_link")
    Vendor.objects.filter(pk=vendor.pk).update(status=Vendor.Status.SUSPENDED)
    as_suspended = django_app.get("/catalogue/", user=user).html.select_one("#nav_seller_link")
    # then
    assert (as_vendor["href"], as_vendor.get_text(strip=True)) == ("/seller/", "卖家中心")
    assert (as_consumer["href"], as_consumer.get_text(strip=True)) == ("/vendors/apply/", "我要开店")
    assert as_suspended["href"] == "/seller/orders/"
