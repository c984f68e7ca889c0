"""Vendor-written text is untrusted: hostile text typed into the real forms reaches no page in a form that runs.

An applicant types each payload into the application (shop name, contact, county,
village, story), the approved vendor into its profile (story, contact, village) and
into a product (title, description, origin and other attributes), first when
creating it, then when editing it. Every page that shows that text is then fetched
(as a visitor, the buyer, the vendor, staff) and none may hold a script, an event
handler, a javascript: link, an embedded document or a style trick. The stored
values are already harmless (sanitised on save, vendors/sanitize.py), and the
formatting a description may keep (<p>, <strong>) survives on the product page.

A field too short for prefix + payload (contact name and county: 30 characters)
gets its prefix alone: its form would refuse the payload anyway.

The two tests at the end cover text that changes when sanitised (a name unique
only before, a required title empty after): forms strip tags before validating.
"""

import html

import pytest
from haystack import connections
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.test.factories import UserFactory
from webtest import Upload

from shop.catalogue.models import Product
from tests.factories.marketplace import jpeg_bytes, make_order, make_vendor
from vendors.models import Vendor

FORBIDDEN = ("<script>alert", "onerror=", "onload=", "javascript:", "<iframe", "<svg", 'style="position:fixed')
LINK_REL = "nofollow noopener noreferrer"

# id: (payload, what a plain-text field keeps of it, what an HTML field keeps of it)
PAYLOADS = {
    "script": ("<script>alert(1)</script>", "", ""),
    "img-onerror": ("<img src=x onerror=alert(1)>", "", ""),
    "javascript-link": ('<a href="javascript:alert(1)">x</a>', "x", f'<a rel="{LINK_REL}">x</a>'),
    "fixed-position": ('<p style="position:fixed;top:0">', "", "<p></p>"),
    "svg-onload": ("<svg onload=alert(1)>", "", ""),
    "attribute-breakout": ('"><script>alert(2)</script>', '">', '"&gt;'),
    "iframe": ("<iframe src=//evil>", "", ""),
}
# The HTML fields' harmless beginnings: the formatting a description or a story may keep.
FORMATTED = "<p>农家自种，<strong>个大肉厚</strong></p>"
EDITED_DESCRIPTION = FORMATTED + "<p>新货</p>"
APPLICATION_STORY = "<p>种枣三百年</p>"
PROFILE_STORY = "<p>三代种枣</p>"

# field: (prefix, max length) of the plain-text fields of each form
APPLICATION_TEXT = {
    "name": ("静乐藜麦合作社", 60),
    "contact_name": ("王", 30),
    "county": ("临县", 30),
    "village": ("西坡村", 40),
}
PROFILE_TEXT = {"contact_name": ("李", 30), "village": ("李家沟村", 40)}
PRODUCT_TEXT = {
    "title": ("临县红枣 特级", 120),
    "origin_prefecture": ("吕梁市", 30),
    "origin_county": ("临县", 30),
    "origin_village": ("东坡村", 40),
    "net_weight": ("1kg", 30),
    "harvest_season": ("9-10月", 30),
    "storage": ("阴凉干燥处", 60),
}
EDITED_PRODUCT_TEXT = {
    "title": ("临县红枣 一级", 120),
    "origin_prefecture": ("忻州市", 30),
    "origin_county": ("静乐县", 30),
    "origin_village": ("西坡村", 40),
    "net_weight": ("500g", 30),
    "harvest_season": ("10月", 30),
    "storage": ("冷藏", 60),
}


def typed(prefix: str, payload: str, max_length: int) -> str:
    """What is typed into a field: the prefix and the payload, or the prefix alone if both do not fit."""
    return prefix + payload if len(prefix + payload) <= max_length else prefix


def kept(prefix: str, payload: str, max_length: int, text_left: str) -> str:
    """What a plain-text field stores of ``typed(...)``."""
    return prefix + text_left if len(prefix + payload) <= max_length else prefix


def fill_text(form, fields: dict, payload: str) -> None:
    for name, (prefix, max_length) in fields.items():
        form[name] = typed(prefix, payload, max_length)


def stored_text(fields: dict, payload: str, text_left: str) -> dict:
    return {name: kept(prefix, payload, size, text_left) for name, (prefix, size) in fields.items()}


def vendor_text(vendor: Vendor, fields) -> dict:
    vendor = Vendor.objects.get(pk=vendor.pk)
    return {name: getattr(vendor, name) for name in fields}


def product_text(product) -> dict:
    """The product's vendor-written text as stored: title, description and text attributes."""
    product = Product.objects.get(pk=product.pk)
    attributes = {code: getattr(product.attr, code) for code in PRODUCT_TEXT if code != "title"}
    return {"title": product.title, "description": product.description} | attributes


def application_form(app, user, **text):
    """The application form, filled in (``text`` replaces the plain-text fields' values)."""
    form = app.get("/vendors/apply/", user=user).forms["vendor_apply_form"]
    for name, value in ({name: prefix for name, (prefix, _size) in APPLICATION_TEXT.items()} | text).items():
        form[name] = value
    form["contact_phone"] = "13912345678"
    form.get("main_categories", index=0).checked = True
    form["licence"] = Upload("licence.jpg", jpeg_bytes(), "image/jpeg")
    return form


def product_form(app, user, category, **text):
    form = app.get("/seller/products/new/", user=user).forms["product-form"]
    for name, value in text.items():
        form[name] = value
    form["category"] = str(category.pk)
    form["price"] = "39.90"
    form["available"] = "100"
    return form


def executable_parts(body: str) -> list[str]:
    lowered = body.lower()
    return [marker for marker in FORBIDDEN if marker in lowered]


@pytest.fixture
def empty_index():
    connections["default"].get_backend().clear()
    yield
    connections["default"].get_backend().clear()


@pytest.mark.parametrize("payload, text_left, html_left", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_hostile_vendor_text_is_sanitised_on_save_and_reaches_no_page(
    django_app, china, empty_index, django_capture_on_commit_callbacks, payload, text_left, html_left
):
    # given: a market with a category, an admin and a buyer
    category = create_from_breadcrumbs("干果/红枣")
    farmer, admin, buyer = UserFactory(), UserFactory(is_staff=True, is_superuser=True), UserFactory()
    pages = {}

    # when: applying to sell
    form = application_form(django_app, farmer, story=APPLICATION_STORY + payload)
    fill_text(form, APPLICATION_TEXT, payload)
    pages["apply status"] = form.submit().follow()
    vendor = Vendor.objects.get(applicant=farmer)
    application = vendor_text(vendor, [*APPLICATION_TEXT, "story"])
    pages["apply form (pending)"] = django_app.get("/vendors/apply/", user=farmer)
    pages["dashboard vendor list (pending)"] = django_app.get("/dashboard/vendors/", user=admin)
    pages["dashboard vendor detail (pending)"] = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    # ... being approved, editing the profile
    with django_capture_on_commit_callbacks(execute=True):
        pages["dashboard vendor detail (pending)"].forms["approve_form"].submit().follow()
    form = django_app.get("/seller/profile/", user=farmer).forms["profile-form"]
    fill_text(form, PROFILE_TEXT, payload)
    form["story"] = PROFILE_STORY + payload
    form.submit().follow()
    vendor.refresh_from_db()
    profile = vendor_text(vendor, [*PROFILE_TEXT, "story"])
    # ... putting a product on sale, then editing it
    form = product_form(django_app, farmer, category, description=FORMATTED + payload)
    fill_text(form, PRODUCT_TEXT, payload)
    form["photo_1"] = Upload("IMG_0001.JPG", jpeg_bytes(), "image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    product = vendor.partner.stockrecords.get().product
    created = product_text(product)
    form = django_app.get(f"/seller/products/{product.pk}/", user=farmer).forms["product-form"]
    fill_text(form, EDITED_PRODUCT_TEXT, payload)
    form["description"] = EDITED_DESCRIPTION + payload
    with django_capture_on_commit_callbacks(execute=True):
        form.submit().follow()
    edited = product_text(product)
    product.refresh_from_db()
    # ... and a buyer putting it in the basket and ordering it
    product_url = product.get_absolute_url()
    django_app.get(product_url, user=buyer).forms["add_to_basket_form"].submit().follow()
    order = make_order(buyer, [(product, 1)], china=china)

    # when: fetching every page that shows what they typed
    pages |= {
        "product page": django_app.get(product_url),
        "catalogue": django_app.get("/catalogue/"),
        "category page": django_app.get(category.get_absolute_url()),
        "search results": django_app.get("/search/", params={"q": "红枣"}),
        "storefront": django_app.get(f"/vendors/{vendor.slug}/"),
        "vendor directory": django_app.get("/vendors/"),
        "vendor directory of the county": django_app.get("/vendors/", params={"county": vendor.county}),
        "basket": django_app.get("/basket/", user=buyer),
        "customer order": django_app.get(f"/accounts/orders/{order.number}/", user=buyer),
        "seller home": django_app.get("/seller/", user=farmer),
        "seller product list": django_app.get("/seller/products/", user=farmer),
        "seller product edit": django_app.get(f"/seller/products/{product.pk}/", user=farmer),
        "seller stock": django_app.get(f"/seller/products/{product.pk}/stock/", user=farmer),
        "seller profile": django_app.get("/seller/profile/", user=farmer),
        "seller order list": django_app.get("/seller/orders/", user=farmer),
        "seller order": django_app.get(f"/seller/orders/{order.number}/", user=farmer),
        "apply status (approved)": django_app.get("/vendors/apply/status/", user=farmer),
        "dashboard vendor list": django_app.get("/dashboard/vendors/", user=admin),
        "dashboard vendor detail": django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin),
        "dashboard product list": django_app.get("/dashboard/catalogue/", user=admin),
        "dashboard order": django_app.get(f"/dashboard/orders/{order.number}/", user=admin),
    }

    # then: the stored values are already harmless
    assert application == stored_text(APPLICATION_TEXT, payload, text_left) | {"story": APPLICATION_STORY + html_left}
    assert profile == stored_text(PROFILE_TEXT, payload, text_left) | {"story": PROFILE_STORY + html_left}
    assert created == stored_text(PRODUCT_TEXT, payload, text_left) | {"description": FORMATTED + html_left}
    assert edited == stored_text(EDITED_PRODUCT_TEXT, payload, text_left) | {
        "description": EDITED_DESCRIPTION + html_left
    }
    assert (vendor.partner.name, order.lines.get().title) == (vendor.name, product.title)
    # ... every page shows the text ...
    shows_product = [name for name, page in pages.items() if html.escape(product.title) in page.text]
    shows_vendor = [name for name, page in pages.items() if html.escape(vendor.name) in page.text]
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert sorted(set(pages) - set(shows_product) - set(shows_vendor)) == []
    # ... and none of it runs
    assert {name: executable_parts(page.text) for name, page in pages.items()} == dict.fromkeys(pages, [])
    # ... while the description's formatting survives
    assert f'<div class="product-description">{EDITED_DESCRIPTION}{html_left}</div>' in pages["product page"].text
    assert f'<section class="vendor-story mb-3" id="vendor_story">{PROFILE_STORY}{html_left}</section>' in (
        pages["storefront"].text
    )


def test_a_shop_name_that_differs_from_anothers_only_by_markup_is_refused(django_app, db):
    # given
    create_from_breadcrumbs("干果/红枣")
    first, second = UserFactory(), UserFactory()
    application_form(django_app, first, name="临县红枣合作社").submit()
    # when
    page = application_form(django_app, second, name="临县红枣合作社<b></b>").submit()
    # then
    assert page.status_code == 200
    assert [e.get_text(strip=True) for e in page.html.select("#vendor_apply_form .error-block")] == [
        "已有店铺使用这个名称，请换一个。"
    ]
    assert list(Vendor.objects.values_list("applicant", flat=True)) == [first.pk]


def test_a_product_title_of_markup_alone_is_refused(django_app, db):
    # given
    category = create_from_breadcrumbs("干果/红枣")
    _vendor, user = make_vendor("临县王家庄村农民专业合作社")
    form = product_form(django_app, user, category, title="<script>alert(1)</script>")
    # when
    response = form.submit()
    # then
    assert response.status_code == 200
    assert [e.text for e in response.html.select(".invalid-feedback")] == ["这个字段是必填项。"]
    assert Product.objects.count() == 0
