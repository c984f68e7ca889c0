"""Tenant isolation of the seller center (docs/architecture.md, invariant 1).

The walk enumerates every URL pattern of the ``seller`` namespace, so a new view
is covered the day it is added: its URL kwargs are filled with vendor B's objects
and vendor A (and a consumer) try them with GET and POST. A kwarg without a
filler below fails the walk. Explicit tests follow for the four attacks the
issue names: another vendor's product, stock, photo and order line, and for live sales: another
vendor's proposal and items.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone
from oscar.test.factories import UserFactory

from shop.catalogue.models import Product, ProductAttributeValue, ProductCategory, ProductImage
from shop.order.models import Line, ShippingEvent
from shop.partner.models import StockRecord
from tests.factories import FarmCategoryFactory, FarmProductImageFactory
from tests.factories.live_sales import make_event
from tests.factories.marketplace import book, jpeg_bytes, make_order, make_product, make_vendor
from vendors.fulfilment.services import ShipmentRefused, vendor_lines_ship
from vendors.live.models import LiveEvent, LiveItem
from vendors.live.services import live_item_add, live_proposal_item_add, live_proposal_save
from vendors.models import EarningsEntry, OrderPart, Payout, Shipment, Vendor


@dataclass
class World:
    vendor_a: Vendor
    user_a: object
    vendor_b: Vendor
    consumer: object
    a_product: object
    a_image: object
    a_order: object
    b_product: object
    b_image: object
    b_order: object  # only vendor B's lines
    mixed_order: object  # one line of each vendor
    b_line: object  # vendor B's line of the mixed order
    category: object
    a_month: str  # a month with earnings of vendor A (and B)
    b_month: str  # a month with earnings of vendor B only
    a_event: object  # vendor A's live proposal (a draft), with A's item
    a_item: object
    b_event: object  # vendor B's live proposal (a draft), with B's item
    b_item: object
    shared_event: object  # a scheduled county event featuring A's and B's products


@pytest.fixture
def world(db, china) -> World:
    vendor_a, user_a = make_vendor("临县王家庄村农民专业合作社")
    vendor_b, _user_b = make_vendor("沁源县李家沟村家庭农场")
    consumer = UserFactory()
    a_product = make_product(vendor_a, title="临县红枣", attributes={"origin_county": "临县"})
    b_product = make_product(vendor_b, title="沁源党参", attributes={"origin_county": "沁源县"})
    FarmProductImageFactory(product=b_product, display_order=1)
    buyer = UserFactory()
    mixed_order = make_order(buyer, [(a_product, 1), (b_product, 2)], china=china)
    shanghai = ZoneInfo("Asia/Shanghai")
    book(vendor_a, china=china, at=datetime(2025, 2, 10, tzinfo=shanghai))
    book(vendor_b, china=china, at=datetime(2025, 2, 11, tzinfo=shanghai))
    book(vendor_b, china=china, at=datetime(2025, 1, 31, 23, 59, tzinfo=shanghai))
    a_event, a_item = _proposal(vendor_a, user_a, a_product, "王家庄红枣丰收直播")
    b_event, b_item = _proposal(vendor_b, _user_b, b_product, "李家沟党参直播")
    shared_event = make_event()
    for product in (a_product, b_product):
        live_item_add(event=shared_event, product=product, live_price=Decimal("9.90"), quantity=5, per_buyer_limit=1)
    return World(
        vendor_a=vendor_a,
        user_a=user_a,
        vendor_b=vendor_b,
        consumer=consumer,
        a_product=a_product,
        a_image=a_product.images.get(),
        a_order=make_order(buyer, [(a_product, 1)], china=china),
        b_product=b_product,
        b_image=b_product.images.first(),
        b_order=make_order(buyer, [(b_product, 1)], china=china),
        mixed_order=mixed_order,
        b_line=mixed_order.lines.get(product=b_product),
        category=FarmCategoryFactory(name="党参"),
        a_month="2025-02",
        b_month="2025-01",
        a_event=a_event,
        a_item=a_item,
        b_event=b_event,
        b_item=b_item,
        shared_event=shared_event,
    )


def _proposal(vendor, user, product, title):
    starts_at = timezone.now() + timedelta(days=7)
    event = live_proposal_save(
        vendor=vendor,
        data={"title": title, "host_name": "王秀英", "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=2)},
        created_by=user,
    )
    item = live_proposal_item_add(
        vendor=vendor, event=event, product=product, live_price=Decimal("19.90"), quantity=10, per_buyer_limit=2
    )
    return event, item


# How to fill each URL kwarg of a seller-center pattern: with vendor B's object, and with A's own.
FOREIGN = {
    "pk": lambda w: w.b_product.pk,
    "image_pk": lambda w: w.b_image.pk,
    "number": lambda w: w.b_order.number,
    "month": lambda w: w.b_month,
    "event_pk": lambda w: w.b_event.pk,
    "item_pk": lambda w: w.b_item.pk,
}
OWN = {
    "pk": lambda w: w.a_product.pk,
    "image_pk": lambda w: w.a_image.pk,
    "number": lambda w: w.a_order.number,
    "month": lambda w: w.a_month,
    "event_pk": lambda w: w.a_event.pk,
    "item_pk": lambda w: w.a_item.pk,
}


def seller_patterns() -> list:
    _prefix, resolver = get_resolver().namespace_dict["seller"]
    return list(resolver.url_patterns)


def kwarg_names(pattern) -> list[str]:
    return list(pattern.pattern.converters)


def plausible_post(w: World) -> dict:
    """What any seller-center form could take: a product, stock, a parcel, a profile."""
    return {
        "title": "改掉的标题",
        "category": str(w.category.pk),
        "price": "0.01",
        "available": "99999",
        "low_stock_threshold": "1",
        "description": "<p>改掉的描述</p>",
        "origin_province": "河北省",
        "origin_county": "改掉的县",
        "carrier": "sf",
        "tracking_number": "SF9999999999",
        f"line_{w.b_line.pk}": "2",
        f"line_{w.b_order.lines.get().pk}": "1",
        "contact_name": "冒名者",
        "contact_phone": "13900000000",
        "village": "改掉的村",
        "story": "改掉的故事",
        "starts_at": "2026-12-20T19:00",
        "ends_at": "2026-12-20T21:00",
        "host_name": "冒名者",
        "product": str(w.a_product.pk),
        "live_price": "0.01",
        "quantity": "1",
        "per_buyer_limit": "9",
    }


def snapshot_of_vendor_b(w: World) -> dict:
    """Everything of vendor B a seller-center request could change."""
    partner = w.vendor_b.partner
    products = Product.objects.filter(stockrecords__partner=partner)
    return {
        "vendor": list(Vendor.objects.filter(pk=w.vendor_b.pk).values()),
        "products": list(products.order_by("pk").values()),
        "stock": list(StockRecord.objects.filter(partner=partner).order_by("pk").values()),
        "images": list(ProductImage.objects.filter(product__in=products).order_by("pk").values()),
        "categories": list(ProductCategory.objects.filter(product__in=products).order_by("pk").values()),
        "attributes": list(ProductAttributeValue.objects.filter(product__in=products).order_by("pk").values()),
        "lines": list(Line.objects.filter(partner=partner).order_by("pk").values()),
        "shipping_events": list(ShippingEvent.objects.order_by("pk").values()),
        "shipments": list(Shipment.objects.order_by("pk").values()),
        "order_parts": list(OrderPart.objects.filter(vendor=w.vendor_b).order_by("pk").values()),
        "earnings": list(EarningsEntry.objects.filter(vendor=w.vendor_b).order_by("pk").values()),
        "payouts": list(Payout.objects.filter(vendor=w.vendor_b).order_by("pk").values()),
        "live_events": list(LiveEvent.objects.order_by("pk").values()),
        "live_items": list(LiveItem.objects.filter(vendor=w.vendor_b).order_by("pk").values()),
        "live_items_of_b_events": list(LiveItem.objects.filter(event=w.b_event).order_by("pk").values()),
    }


def test_every_seller_url_is_refused_for_someone_elses_objects(world, django_app_factory):
    """GET and POST, as another vendor (404) and as a consumer (sent away); nothing of vendor B changes."""
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    patterns = seller_patterns()
    unfilled = {(p.name, k) for p in patterns for k in kwarg_names(p) if k not in FOREIGN or k not in OWN}
    assert unfilled == set(), "give these URL kwargs a filler in FOREIGN and OWN"
    walked, results = [], {}
    # when
    for pattern in patterns:
        name, kwargs = pattern.name, kwarg_names(pattern)
        walked.append(name)
        if not kwargs:
            results[name] = {"own GET": app.get(reverse(f"seller:{name}"), user=world.user_a).status_code}
            continue
        own_url = reverse(f"seller:{name}", kwargs={k: OWN[k](world) for k in kwargs})
        url = reverse(f"seller:{name}", kwargs={k: FOREIGN[k](world) for k in kwargs})
        as_consumer = app.get(url, user=world.consumer, expect_errors=True)
        posted_as_consumer = app.post(url, plausible_post(world), user=world.consumer, expect_errors=True)
        results[name] = {
            "own GET": app.get(own_url, user=world.user_a, expect_errors=True).status_code,
            "GET": app.get(url, user=world.user_a, expect_errors=True).status_code,
            "POST": app.post(
                url,
                plausible_post(world),
                upload_files=[("photo_1", "IMG_0001.jpg", jpeg_bytes())],
                user=world.user_a,
                expect_errors=True,
            ).status_code,
            "consumer GET": (as_consumer.status_code, as_consumer.location),
            "consumer POST": (posted_as_consumer.status_code, posted_as_consumer.location),
        }
    # then
    assert walked and set(walked) == {p.name for p in patterns}
    for name, result in results.items():
        pattern = next(p for p in patterns if p.name == name)
        if not kwarg_names(pattern):
            assert result == {"own GET": 200}, name
        else:
            assert result["own GET"] in (200, 405), name  # the URL works for its owner (POST-only: 405)
            assert {k: v for k, v in result.items() if k != "own GET"} == {
                "GET": 404,
                "POST": 404,
                "consumer GET": (302, "/vendors/apply/"),
                "consumer POST": (302, "/vendors/apply/"),
            }, name
    assert snapshot_of_vendor_b(world) == before


def test_anonymous_visitors_reach_no_seller_url(world, django_app):
    # given
    urls = [
        reverse(f"seller:{p.name}", kwargs={k: FOREIGN[k](world) for k in kwarg_names(p)}) for p in seller_patterns()
    ]
    # when
    responses = {url: django_app.get(url) for url in urls}
    # then
    assert {url: (r.status_code, r.location) for url, r in responses.items()} == {
        url: (302, f"/accounts/login/?next={url}") for url in urls
    }


def test_editing_another_vendors_product_is_not_found_and_changes_nothing(world, django_app_factory):
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    # when
    response = app.post(
        f"/seller/products/{world.b_product.pk}/", plausible_post(world), user=world.user_a, expect_errors=True
    )
    # then
    assert response.status_code == 404
    assert snapshot_of_vendor_b(world) == before
    assert Product.objects.get(pk=world.b_product.pk).title == "沁源党参"


def test_setting_another_vendors_stock_is_not_found_and_changes_nothing(world, django_app_factory):
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    # when
    response = app.post(
        f"/seller/products/{world.b_product.pk}/stock/", {"available": "0"}, user=world.user_a, expect_errors=True
    )
    # then
    assert response.status_code == 404
    assert snapshot_of_vendor_b(world) == before
    assert StockRecord.objects.get(product=world.b_product).num_in_stock == 100


@pytest.mark.parametrize("product", ["theirs", "mine"])
def test_deleting_another_vendors_photo_is_not_found_and_changes_nothing(world, django_app_factory, product):
    """Also through one's own product's URL: the photo must belong to the product in the URL."""
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    product_pk = world.b_product.pk if product == "theirs" else world.a_product.pk
    # when
    response = app.post(
        f"/seller/products/{product_pk}/photos/{world.b_image.pk}/delete/", user=world.user_a, expect_errors=True
    )
    # then
    assert response.status_code == 404
    assert snapshot_of_vendor_b(world) == before
    assert ProductImage.objects.filter(product=world.b_product).count() == 2
    assert ProductImage.objects.filter(product=world.a_product).count() == 1


def test_shipping_another_vendors_order_is_not_found_and_changes_nothing(world, django_app_factory):
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    # when
    response = app.post(
        f"/seller/orders/{world.b_order.number}/", plausible_post(world), user=world.user_a, expect_errors=True
    )
    # then
    assert response.status_code == 404
    assert snapshot_of_vendor_b(world) == before


def test_another_vendors_line_in_a_shared_order_is_neither_shown_nor_shipped(world, django_app_factory):
    """The mixed order is A's too: A sees and ships only its own line, whatever line ids the POST names."""
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    url = f"/seller/orders/{world.mixed_order.number}/"
    a_line = world.mixed_order.lines.get(product=world.a_product)
    # when
    page = app.get(url, user=world.user_a)
    response = app.post(
        url,
        {"carrier": "sf", "tracking_number": "SF0000001", f"line_{world.b_line.pk}": "2", f"line_{a_line.pk}": "0"},
        user=world.user_a,
    )
    # then
    assert [li["data-line"] for li in page.html.select(".vendor-line")] == [str(a_line.pk)]
    assert "沁源党参" not in page.text
    assert response.status_code == 200
    assert [e.text for e in response.html.select(".alert-danger p")] == ["请至少选择一件要发货的商品。"]
    assert snapshot_of_vendor_b(world) == before


def test_the_shipping_service_refuses_another_vendors_line(world):
    # given
    before = snapshot_of_vendor_b(world)
    # when
    with pytest.raises(ShipmentRefused):
        vendor_lines_ship(
            vendor=world.vendor_a,
            order=world.mixed_order,
            quantities={world.b_line.pk: 1},
            carrier="sf",
            tracking_number="SF0000002",
            shipped_by=world.user_a,
        )
    # then
    assert snapshot_of_vendor_b(world) == before


def test_another_vendors_earnings_are_neither_listed_nor_downloaded(world, django_app):
    """January 2025 has earnings of vendor B only; February of both."""
    # when
    months = django_app.get("/seller/earnings/", user=world.user_a)
    theirs = django_app.get(f"/seller/earnings/{world.b_month}.csv", user=world.user_a, expect_errors=True)
    shared = django_app.get(f"/seller/earnings/{world.a_month}.csv", user=world.user_a)
    # then
    assert [row["data-month"] for row in months.html.select(".earnings-month")] == ["2025-02"]
    assert theirs.status_code == 404
    own_orders = set(EarningsEntry.objects.filter(vendor=world.vendor_a).values_list("part__order__number", flat=True))
    assert [line.split(",")[0] for line in shared.body.decode("utf-8-sig").splitlines()[1:]] == sorted(own_orders)


def test_another_vendors_live_proposal_is_neither_listed_nor_changed(world, django_app_factory):
    """Vendor B's proposal is a 404 to vendor A, whichever of A's own products or B's items the request names."""
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    b_url = f"/seller/live/{world.b_event.pk}"
    # when
    listed = app.get("/seller/live/", user=world.user_a)
    responses = [
        app.get(f"{b_url}/", user=world.user_a, expect_errors=True),
        app.post(f"{b_url}/edit/", plausible_post(world), user=world.user_a, expect_errors=True),
        app.post(f"{b_url}/items/add/", plausible_post(world), user=world.user_a, expect_errors=True),
        app.post(f"{b_url}/items/{world.b_item.pk}/remove/", user=world.user_a, expect_errors=True),
        # B's item through A's own proposal's URL
        app.post(
            f"/seller/live/{world.a_event.pk}/items/{world.b_item.pk}/remove/", user=world.user_a, expect_errors=True
        ),
    ]
    # then
    assert [r.status_code for r in responses] == [404] * 5
    assert [a["data-event"] for a in listed.html.select(".seller-live-event")] == [
        str(world.a_event.pk),
        str(world.shared_event.pk),
    ]
    assert snapshot_of_vendor_b(world) == before


def test_in_a_shared_event_a_vendor_sees_and_removes_only_its_own_items(world, django_app_factory):
    # given
    app = django_app_factory(csrf_checks=False)
    before = snapshot_of_vendor_b(world)
    b_item = LiveItem.objects.get(event=world.shared_event, vendor=world.vendor_b)
    # when
    page = app.get(f"/seller/live/{world.shared_event.pk}/", user=world.user_a)
    removal = app.post(
        f"/seller/live/{world.shared_event.pk}/items/{b_item.pk}/remove/", user=world.user_a, expect_errors=True
    )
    # then
    assert [li["data-item"] for li in page.html.select(".seller-live-item")] == [
        str(LiveItem.objects.get(event=world.shared_event, vendor=world.vendor_a).pk)
    ]
    assert "沁源党参" not in page.text
    assert removal.status_code == 404
    assert snapshot_of_vendor_b(world) == before
