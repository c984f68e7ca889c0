"""The marketplace's key journey in Chromium against the live server, one phone per actor.

A farmer registers and applies to sell -> an admin approves -> the farmer puts a
product with a photo on sale -> it is in the catalogue and on the storefront ->
a registered buyer orders it (with another vendor's product) and pays cash on
delivery -> the farmer sees only its own line and ships it with SF Express ->
the buyer sees the carrier and the tracking number. Each actor has its own
browser context (its own session). Fixtures are in conftest.py.
"""

import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from PIL import Image
from playwright.sync_api import expect

from shop.catalogue.models import Product
from shop.order.models import Order
from shop.partner.models import StockRecord
from tests.factories.browser import (
    BUYER_EMAIL,
    BUYER_MOBILE,
    BUYER_PASSWORD,
    RED_DATES,
    RED_DATES_UPC,
    enter_chinese_address,
    message,
    pay_cash_on_delivery_and_place_order,
    register,
    sign_in,
)
from vendors.demo import ADMIN_EMAIL
from vendors.models import Shipment, Vendor, VendorEvent

User = get_user_model()

FARMER_EMAIL, FARMER_PASSWORD, FARMER_MOBILE = "wang.xiuying@example.com", "Limai-2026!", "13500002222"
SHOP = "静乐县西坡村藜麦合作社"
QUINOA = "静乐藜麦 白藜麦 1kg"
TRACKING_NUMBER = "SF1400123456789"


def jpeg(path, color: str):
    Image.new("RGB", (320, 240), color).save(path, "JPEG")
    return path


@pytest.mark.browser
def test_a_farmer_applies_is_approved_sells_and_ships_and_the_buyer_sees_the_tracking_number(
    shop_url, demo_logins, new_page, tmp_path
):
    # given: the demo market, and its red dates sold by a demo vendor
    red_dates = StockRecord.objects.select_related("partner__vendor").get(product__upc=RED_DATES_UPC)
    farmer_page, admin_page, buyer_page = new_page("farmer"), new_page("admin"), new_page("buyer")

    # when: a visitor wants to sell, registers on the way and applies
    farmer_page.goto(shop_url + "/vendors/apply/")
    expect(farmer_page.locator("#apply_sign_in_first")).to_contain_text("申请开店需要先有一个账号")
    farmer_page.locator("#apply-login").click()
    expect(farmer_page).to_have_url(shop_url + "/accounts/login/?next=/vendors/apply/")
    register(farmer_page, FARMER_EMAIL, FARMER_PASSWORD, mobile=FARMER_MOBILE)
    expect(farmer_page).to_have_url(shop_url + "/vendors/apply/")
    application = farmer_page.locator("#vendor_apply_form")
    application.get_by_label("店铺名称").fill(SHOP)
    application.get_by_label("联系人").fill("王秀英")
    application.get_by_label("手机号码").fill("13912345678")
    expect(application.get_by_label("省份")).to_have_value("山西省")
    application.get_by_label("县区").fill("静乐县")
    application.get_by_label("村").fill("西坡村")
    application.get_by_label("店铺故事").fill("我们村在管涔山下，海拔一千四百米，种藜麦十年。")
    application.get_by_label("杂粮", exact=True).check()
    application.get_by_label("干菜", exact=True).check()
    application.get_by_label("营业执照或身份证照片").set_input_files(jpeg(tmp_path / "营业执照.jpg", "white"))
    application.get_by_role("button", name="提交申请").click()
    # then: it waits for review, and the seller center stays shut
    expect(farmer_page).to_have_url(shop_url + "/vendors/apply/status/")
    expect(message(farmer_page)).to_have_text("谢谢！您的申请已提交，我们会尽快审核。")
    expect(farmer_page.locator("#application_status h2")).to_have_text(SHOP)
    expect(farmer_page.locator("#application_status .vendor-status")).to_have_text("待审核")
    farmer_page.goto(shop_url + "/seller/")
    expect(farmer_page).to_have_url(shop_url + "/vendors/apply/status/")
    farmer = User.objects.get(email=FARMER_EMAIL)
    vendor = Vendor.objects.get(applicant=farmer)
    assert (vendor.status, vendor.name, vendor.contact_name, vendor.contact_phone) == (
        "pending",
        SHOP,
        "王秀英",
        "+8613912345678",
    )
    assert (vendor.province, vendor.county, vendor.village) == ("山西省", "静乐县", "西坡村")
    assert sorted(vendor.main_categories.values_list("name", flat=True)) == ["干菜", "杂粮"]
    assert vendor.licence.name.startswith("licences/") and vendor.licence.name.endswith(".jpg")
    assert vendor.partner is None

    # when: an admin approves it from the dashboard (on a phone too)
    admin_page.goto(shop_url + "/dashboard/vendors/")
    expect(admin_page).to_have_url(shop_url + "/accounts/login/?next=/dashboard/vendors/")
    sign_in(admin_page, ADMIN_EMAIL, demo_logins[ADMIN_EMAIL])
    expect(admin_page).to_have_url(shop_url + "/dashboard/vendors/")
    admin_page.locator("#vendor_table").get_by_role("link", name=SHOP).click()
    expect(admin_page).to_have_url(f"{shop_url}/dashboard/vendors/{vendor.pk}/")
    expect(admin_page.locator("#vendor_profile")).to_contain_text("139 1234 5678")
    expect(admin_page.locator("#vendor_licence")).to_be_visible()
    admin_page.locator("#approve_form").get_by_role("button", name="通过").click()
    # then
    expect(message(admin_page)).to_have_text(f"{SHOP} 已通过审核，卖家中心已开通。")
    expect(admin_page.locator(".page-header .vendor-status")).to_have_text("已通过")
    vendor.refresh_from_db()
    partner = vendor.partner
    assert vendor.status == "approved"
    assert (partner.name, list(partner.users.all())) == (SHOP, [farmer])
    assert [(e.action, e.actor.email) for e in VendorEvent.objects.filter(vendor=vendor).order_by("pk")] == [
        ("applied", FARMER_EMAIL),
        ("approved", ADMIN_EMAIL),
    ]

    # when: the farmer opens the seller center and puts a product on sale with a photo
    farmer_page.goto(shop_url + "/vendors/apply/status/")
    expect(farmer_page.locator("#application_status .vendor-status")).to_have_text("已通过")
    farmer_page.get_by_role("link", name="进入卖家中心", exact=True).click()
    expect(farmer_page).to_have_url(shop_url + "/seller/")
    farmer_page.locator("#content_inner").get_by_role("link", name="发布商品").click()
    product_form = farmer_page.locator("#product-form")
    product_form.get_by_label("商品名称").fill(QUINOA)
    product_form.get_by_label("分类").select_option(label="— 藜麦")
    product_form.get_by_label("价格（元）").fill("36.00")
    product_form.get_by_label("可售数量").fill("50")
    product_form.get_by_label("照片 1").set_input_files(jpeg(tmp_path / "IMG_0001.jpg", "orange"))
    product_form.locator("#product-more summary").click()  # the optional details are folded
    product_form.get_by_label("商品描述").fill("<p>高原种植，<strong>颗粒饱满</strong>。</p>")
    product_form.get_by_label("产地市").fill("忻州市")
    product_form.get_by_label("产地县区").fill("静乐县")
    product_form.get_by_label("产地村镇").fill("西坡村")
    product_form.get_by_label("净含量").fill("1kg")
    product_form.get_by_label("采收季节").fill("9-10月")
    product_form.get_by_label("储存方式").fill("阴凉干燥处")
    product_form.get_by_role("button", name="上架销售").click()
    # then
    expect(farmer_page).to_have_url(shop_url + "/seller/products/")
    expect(message(farmer_page)).to_have_text(f"“{QUINOA}”已上架。")
    expect(farmer_page.locator(".seller-product h2")).to_have_text([QUINOA])
    product = Product.objects.get(title=QUINOA)
    stock = StockRecord.objects.get(product=product)
    assert (stock.partner, stock.price, stock.price_currency, stock.num_in_stock) == (
        partner,
        Decimal("36.00"),
        "CNY",
        50,
    )
    assert [c.full_name for c in product.categories.all()] == ["杂粮 > 藜麦"]
    assert product.description == "<p>高原种植，<strong>颗粒饱满</strong>。</p>"
    assert (product.attr.origin_county, product.attr.origin_village, product.attr.storage) == (
        "静乐县",
        "西坡村",
        "阴凉干燥处",
    )
    assert [image.original.name.endswith(".jpg") for image in product.images.all()] == [True]

    # when: a buyer registers and finds it in the catalogue, on its page and in the farmer's storefront
    buyer_page.goto(shop_url + "/accounts/login/")
    register(buyer_page, BUYER_EMAIL, BUYER_PASSWORD, mobile=BUYER_MOBILE)
    buyer_page.goto(shop_url + "/catalogue/")
    # then: newest first
    expect(buyer_page.locator(".product_pod h3 a").first).to_have_attribute("title", QUINOA)
    buyer_page.locator(f'.product_pod h3 a[title="{QUINOA}"]').click()
    expect(buyer_page.locator(".product_main h1")).to_have_text(QUINOA)
    expect(buyer_page.locator(".product_main .price_color")).to_have_text("¥36.00")
    expect(buyer_page.locator(".product_main .availability")).to_have_text("库存 50 件")
    expect(buyer_page.locator("#product_origin li")).to_have_text(
        ["产地: 山西省 忻州市 静乐县 西坡村", "净含量: 1kg", "采收季节: 9-10月"]
    )
    expect(buyer_page.locator(".product-description strong")).to_have_text("颗粒饱满")
    expect(buyer_page.locator(f'#product_gallery img[alt="{QUINOA}"]')).to_have_attribute(
        "src", re.compile(r"^/media/cache/.+\.jpg$")
    )
    product_url = buyer_page.url
    expect(buyer_page.locator("#product_vendor .product-shop-name")).to_have_text(SHOP)
    buyer_page.locator("#product_vendor").click()  # the shop card
    expect(buyer_page).to_have_url(f"{shop_url}/vendors/{vendor.slug}/")
    expect(buyer_page.locator("#vendor_header h1")).to_have_text(SHOP)
    expect(buyer_page.locator("#vendor_place")).to_have_text("山西省 静乐县 西坡村")
    expect(buyer_page.locator("#vendor_products .product_pod h3 a")).to_have_attribute("title", QUINOA)

    # when: the buyer orders it with the demo vendor's red dates and pays cash on delivery
    buyer_page.goto(product_url)
    buyer_page.get_by_role("button", name="加入购物车").click()
    expect(buyer_page.locator("#messages .alert-success")).to_contain_text(QUINOA)
    buyer_page.goto(shop_url + Product.objects.get(upc=RED_DATES_UPC).get_absolute_url())
    buyer_page.get_by_role("button", name="加入购物车").click()
    expect(buyer_page.locator("#messages .alert-success")).to_contain_text(RED_DATES)
    buyer_page.locator("#header_basket").click()
    expect(buyer_page.locator("#basket_formset h3")).to_have_text([QUINOA, RED_DATES])
    buyer_page.get_by_role("link", name="去结算").click()
    enter_chinese_address(buyer_page)
    pay_cash_on_delivery_and_place_order(buyer_page)
    # then
    order = Order.objects.get(live_order__isnull=True)  # not one of the demo live sale's orders
    expect(buyer_page.locator("p.lead strong")).to_have_text(order.number)
    assert order.user == User.objects.get(email=BUYER_EMAIL)
    assert [(line.title, line.partner, line.quantity) for line in order.lines.order_by("pk")] == [
        (QUINOA, partner, 1),
        (RED_DATES, red_dates.partner, 1),
    ]
    # two parcels, each at the platform's default fee (both vendors' goods are under its free-shipping amount)
    assert order.total_incl_tax == Decimal("36.00") + red_dates.price + 2 * Decimal("8.00")
    assert [s.source_type.name for s in order.sources.all()] == ["货到付款"]
    stock.refresh_from_db()
    assert (stock.num_in_stock, stock.num_allocated) == (50, 1)

    # when: the farmer opens the order from the seller center's home
    farmer_page.goto(shop_url + "/seller/")
    expect(farmer_page.locator("#orders-to-ship h2")).to_have_text("1 个订单待发货")
    farmer_page.locator("#orders-to-ship").get_by_role("link", name=re.compile(order.number)).click()
    # then: only its own line, and the address to ship to
    expect(farmer_page).to_have_url(f"{shop_url}/seller/orders/{order.number}/")
    expect(farmer_page.locator(".vendor-line > div:first-child")).to_have_text([QUINOA])
    expect(farmer_page.locator("#content_inner")).not_to_contain_text(RED_DATES)
    expect(farmer_page.locator("#content_inner")).not_to_contain_text(BUYER_EMAIL)
    expect(farmer_page.locator("#shipping-address dd")).to_have_text(
        ["王小明", "138 1234 5678", "山西省", "吕梁市", "临县", "城关镇王家庄村 3 号"]
    )
    # when: it ships with SF Express
    farmer_page.get_by_label("快递公司").select_option(label="顺丰速运")
    farmer_page.get_by_label("快递单号").fill(TRACKING_NUMBER)
    farmer_page.get_by_role("button", name="确认发货").click()
    # then
    expect(message(farmer_page)).to_have_text("已发货。买家现在可以看到快递单号。")
    expect(farmer_page.locator("#shipments .shipment .carrier")).to_have_text(["顺丰速运"])
    expect(farmer_page.locator("#shipments .shipment .tracking-number")).to_have_text([TRACKING_NUMBER])
    shipment = Shipment.objects.get()
    assert (shipment.vendor, shipment.carrier, shipment.tracking_number, shipment.shipped_by) == (
        vendor,
        "sf",
        TRACKING_NUMBER,
        farmer,
    )
    assert [(q.line.title, q.quantity) for q in shipment.event.line_quantities.all()] == [(QUINOA, 1)]
    stock.refresh_from_db()
    assert (stock.num_in_stock, stock.num_allocated) == (49, 0)

    # when: the buyer opens the order in its account
    buyer_page.goto(f"{shop_url}/accounts/orders/{order.number}/")
    # then: per vendor, the farmer's parcel with SF Express and its number; the red dates not shipped yet
    groups = buyer_page.locator(".vendor-shipping")
    expect(groups.locator(".vendor-name")).to_have_text([SHOP, red_dates.partner.vendor.name])
    expect(groups.nth(0).locator(".parcel .carrier")).to_have_text(["顺丰速运"])
    expect(groups.nth(0).locator(".parcel .tracking-number")).to_have_text([TRACKING_NUMBER])
    expect(groups.nth(0).locator(".parcel li")).to_have_text([f"{QUINOA} × 1"])
    expect(groups.nth(0).locator(".waiting")).to_have_count(0)
    expect(groups.nth(1).locator(".parcel")).to_have_count(0)
    expect(groups.nth(1).locator(".waiting li")).to_have_text([f"{RED_DATES} × 1"])
