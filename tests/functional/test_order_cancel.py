"""The buyer's order pages: each vendor's part with its status and amount; cancel a part, confirm receipt."""

import pytest
from django.urls import reverse
from oscar.test.factories import UserFactory

from tests.factories.marketplace import (
    TwoVendorOrder,
    make_order,
    make_parts,
    make_two_vendor_order,
    ship_all,
    stock_of,
)
from tests.factories.outbox import LVLIANG_MOBILE, outbox, vendor_told
from tests.factories.pages import open_guest_order
from vendors.models import EarningsEntry, OrderPart
from vendors.notifications.models import Message
from vendors.notifications.sending import message_render


@pytest.fixture
def two_vendor_order(db, china) -> TwoVendorOrder:
    return make_two_vendor_order(china=china)


def parts_on_page(page) -> list[tuple]:
    return [
        (
            card.select_one(".vendor-name").text,
            card.select_one(".part-status").text,
            " ".join(card.select_one(".part-amount").text.split()),
            [form["class"][1] for form in card.select("form")],
        )
        for card in page.html.select(".vendor-shipping")
    ]


def answer(button_form, **fields):
    """The order page's button opens a page that asks first; answer it (``fields``) and confirm."""
    ask = button_form.submit()
    form = next(f for f in ask.forms.values() if f.id in ("part-cancel-confirm", "part-confirm-confirm"))
    for name, value in fields.items():
        form[name] = value
    return form.submit()


def test_the_buyer_sees_each_shops_part_and_cancels_one(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    url = f"/accounts/orders/{w.order.number}/"
    page = django_app.get(url, user=w.buyer)
    # when
    cancel = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_a.pk}/cancel/"))
    after = answer(cancel, reason="wrong_items", note="<b>多买了一袋</b>").follow()
    # then
    assert OrderPart.objects.get(pk=w.part_a.pk).cancel_reason == "wrong_items"
    assert OrderPart.objects.get(pk=w.part_a.pk).cancel_note == "多买了一袋"
    assert page.html.select_one("#order-status").text == "待发货"
    assert page.html.select_one("#amount-due strong").text == "¥384.80"
    assert parts_on_page(page) == [
        (
            "临县王家庄村农民专业合作社",
            "待发货",
            "商品总额 ¥104.80 · 运费 ¥8.00 · 本包裹货到付款 ¥112.80",
            ["part-cancel-form"],
        ),
        (
            "沁源县李家沟村家庭农场",
            "待发货",
            "商品总额 ¥264.00 · 运费 ¥8.00 · 本包裹货到付款 ¥272.00",
            ["part-cancel-form"],
        ),
    ]
    assert after.request.path == url
    assert after.html.select_one("#order-status").text == "部分取消"
    assert after.html.select_one("#amount-due strong").text == "¥272.00"
    assert parts_on_page(after) == [
        ("临县王家庄村农民专业合作社", "已取消", "商品总额 ¥104.80 · 运费 ¥8.00 · 不收费", []),
        (
            "沁源县李家沟村家庭农场",
            "待发货",
            "商品总额 ¥264.00 · 运费 ¥8.00 · 本包裹货到付款 ¥272.00",
            ["part-cancel-form"],
        ),
    ]
    assert (stock_of(w.dates), stock_of(w.millet), stock_of(w.ginseng)) == ((10, 0), (10, 0), (10, 3))
    assert outbox("part_cancelled") == vendor_told("part_cancelled", w.vendor_a, part=w.part_a)


def test_the_buyer_confirms_receipt_of_a_shipped_part(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_b, w.user_b, w.order)
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    # when
    confirm = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_b.pk}/confirm-receipt/"))
    after = answer(confirm).follow()
    # then
    assert [row[1:] for row in parts_on_page(page)] == [
        ("待发货", "商品总额 ¥104.80 · 运费 ¥8.00 · 本包裹货到付款 ¥112.80", ["part-cancel-form"]),
        ("已发货", "商品总额 ¥264.00 · 运费 ¥8.00 · 本包裹货到付款 ¥272.00", ["part-confirm-form"]),
    ]
    assert page.html.select_one("#order-status").text == "部分发货"
    assert [row[1:] for row in parts_on_page(after)][1] == (
        "已送达",
        "商品总额 ¥264.00 · 运费 ¥8.00 · 本包裹货到付款 ¥272.00",
        [],
    )
    assert OrderPart.objects.get(pk=w.part_b.pk).status == "delivered"
    assert EarningsEntry.objects.get().part_id == w.part_b.pk


def test_the_order_list_shows_each_orders_status(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_a, w.user_a, w.order)
    # when
    page = django_app.get("/accounts/orders/", user=w.buyer)
    # then
    assert [td.text for td in page.html.select("#order-list .order-status")] == ["部分发货"]


def test_cancelling_a_part_that_shipped_meanwhile_is_a_message_and_changes_nothing(
    django_app_factory, two_vendor_order
):
    # given: the page was loaded before the vendor shipped
    w = two_vendor_order
    app = django_app_factory(csrf_checks=False)
    ship_all(w.vendor_a, w.user_a, w.order)
    before = (list(OrderPart.objects.order_by("pk").values()), stock_of(w.dates), stock_of(w.millet))
    # when
    page = app.post(
        f"/accounts/orders/{w.order.number}/parts/{w.part_a.pk}/cancel/", {"reason": "changed_mind"}, user=w.buyer
    ).follow()
    # then
    assert [m.text.strip() for m in page.html.select(".alert-danger .alertinner")] == [
        "临县王家庄村农民专业合作社 已经发货（或这部分已不在待发货状态），不能再取消。"
    ]
    assert (list(OrderPart.objects.order_by("pk").values()), stock_of(w.dates), stock_of(w.millet)) == before
    assert outbox("part_cancelled") == []


@pytest.mark.parametrize("action", ["cancel", "confirm-receipt"])
def test_another_users_order_is_not_found_and_nothing_changes(django_app_factory, two_vendor_order, action):
    # given
    w = two_vendor_order
    app = django_app_factory(csrf_checks=False)
    ship_all(w.vendor_b, w.user_b, w.order)
    stranger = UserFactory()
    before = (list(OrderPart.objects.order_by("pk").values()), stock_of(w.dates), stock_of(w.ginseng))
    urls = [
        f"/accounts/orders/{w.order.number}/parts/{w.part_a.pk}/{action}/",
        f"/accounts/orders/{w.order.number}/parts/{w.part_b.pk}/{action}/",
    ]
    # when
    answers = [app.post(url, user=stranger, expect_errors=True).status_code for url in urls]
    answers += [app.get(url, user=stranger, expect_errors=True).status_code for url in urls]
    # then
    assert answers == [404, 404, 404, 404]
    assert (list(OrderPart.objects.order_by("pk").values()), stock_of(w.dates), stock_of(w.ginseng)) == before
    assert EarningsEntry.objects.count() == 0
    assert outbox("part_cancelled") == []


def test_a_part_id_of_another_order_in_the_url_is_not_found(django_app_factory, two_vendor_order, china):
    """The buyer's own order number with a part of someone else's order."""
    # given
    w = two_vendor_order
    app = django_app_factory(csrf_checks=False)
    other_order = make_order(UserFactory(), [(w.dates, 1)], china=china)
    other_part = make_parts(other_order)[w.vendor_a.pk]
    # when
    response = app.post(
        f"/accounts/orders/{w.order.number}/parts/{other_part.pk}/cancel/", user=w.buyer, expect_errors=True
    )
    # then
    assert response.status_code == 404
    assert OrderPart.objects.get(pk=other_part.pk).status == "waiting"


def test_an_anonymous_visitor_is_sent_to_the_login_page(django_app_factory, two_vendor_order):
    # given
    w = two_vendor_order
    app = django_app_factory(csrf_checks=False)
    url = f"/accounts/orders/{w.order.number}/parts/{w.part_a.pk}/cancel/"
    # when
    response = app.post(url)
    # then
    assert (response.status_code, response.location) == (302, f"/accounts/login/?next={url}")
    assert OrderPart.objects.get(pk=w.part_a.pk).status == "waiting"


# A guest's order, through its link ---------------------------------------------------------------


def _as_guest(order, email="guest@example.com"):
    order.user, order.guest_email = None, email
    order.save(update_fields=["user", "guest_email"])
    return reverse("customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()})


def _open_guest_order(app, url, email):
    """A guest's order page asks for the mobile number it ships to and an SMS code (the e-mail is optional)."""
    return open_guest_order(app, url, LVLIANG_MOBILE)


def test_a_guest_cancels_a_shops_part_through_the_orders_link(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    url = _as_guest(w.order)
    page = _open_guest_order(django_app, url, "guest@example.com")
    # when
    cancel = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_a.pk}/cancel/"))
    after = answer(cancel, reason="changed_mind").follow()
    # then
    assert page.request.path == url
    assert page.html.select_one("#order-status").text == "待发货"
    assert after.request.path == url
    assert after.html.select_one("#order-status").text == "部分取消"
    assert after.html.select_one("#amount-due strong").text == "¥272.00"
    assert [row[1] for row in parts_on_page(after)] == ["已取消", "待发货"]
    assert (stock_of(w.dates), stock_of(w.millet), stock_of(w.ginseng)) == ((10, 0), (10, 0), (10, 3))
    assert outbox("part_cancelled") == vendor_told("part_cancelled", w.vendor_a, part=w.part_a)


def test_a_guests_part_cannot_be_cancelled_without_the_confirmed_e_mail_or_with_a_wrong_hash(
    django_app_factory, two_vendor_order
):
    # given: the right link but no e-mail confirmed in this session, and a confirmed session with a wrong hash
    w = two_vendor_order
    url = _as_guest(w.order)
    stranger = django_app_factory(csrf_checks=False)
    guest = django_app_factory(csrf_checks=False)
    _open_guest_order(guest, url, "guest@example.com")
    cancel = f"/accounts/orders/{w.order.number}/{w.order.verification_hash()}/parts/{w.part_a.pk}/cancel/"
    wrong_hash = f"/accounts/orders/{w.order.number}/0:wrong/parts/{w.part_a.pk}/cancel/"
    # when
    answers = [
        stranger.post(cancel, expect_errors=True).status_code,
        guest.post(wrong_hash, expect_errors=True).status_code,
    ]
    # then
    assert answers == [404, 404]
    assert [refreshed.status for refreshed in OrderPart.objects.order_by("pk")] == ["waiting", "waiting"]
    assert stock_of(w.dates) == (10, 2)
    assert outbox("part_cancelled") == []


# Admins ------------------------------------------------------------------------------------------


def test_admins_see_the_orders_status_label_and_each_shops_part_in_the_dashboard(django_app, two_vendor_order):
    # given: vendor B has shipped its part
    w = two_vendor_order
    ship_all(w.vendor_b, w.user_b, w.order)
    staff = UserFactory(is_staff=True, is_superuser=True)
    # when
    listing = django_app.get("/dashboard/orders/", user=staff)
    detail = django_app.get(f"/dashboard/orders/{w.order.number}/", user=staff)
    # then
    assert [cell.text for cell in listing.html.select("td.order-status")] == ["部分发货"]
    assert detail.html.select_one("td.order-status").text == "部分发货"
    assert [
        [cell.get_text(" ", strip=True) for cell in row.select("td")] for row in detail.html.select(".vendor-part")
    ] == [
        ["临县王家庄村农民专业合作社", "待发货", "¥104.80", "¥8.00", "-"],
        ["沁源县李家沟村家庭农场", "已发货", "¥264.00", "¥8.00", "顺丰速运 SF1234567890"],
    ]


def test_after_a_cancellation_every_total_the_buyer_sees_is_what_is_still_owed(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    cancel = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_a.pk}/cancel/"))
    answer(cancel, reason="changed_mind")
    # when
    order_page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    order_list = django_app.get("/accounts/orders/", user=w.buyer)
    # then
    assert order_page.html.select_one("#amount-due strong").text == "¥272.00"
    assert order_page.html.select_one("#cancelled-total").text == "- ¥112.80"
    assert order_page.html.select_one("#order-total").text == "¥272.00"
    assert [td.text for td in order_list.html.select("#order-list .order-total")] == ["¥272.00"]


def test_cancelling_asks_why_and_nothing_changes_until_the_buyer_answers(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    cancel = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_a.pk}/cancel/"))
    # when: the button only asks; confirming without a reason asks again
    ask = cancel.submit()
    again = ask.forms["part-cancel-confirm"].submit()
    # then
    assert ask.status_code == 200
    assert [
        label.get_text(strip=True)
        for label in ask.html.select("#part-cancel-confirm legend, #part-cancel-confirm label")
    ] == [
        "取消原因",
        "不想要了",
        "商品或数量买错了",
        "地址或电话填错了",
        "迟迟没有发货",
        "其他原因",
        "想对店家说的话（选填）",
    ]
    assert [e.get_text(strip=True) for e in again.html.select("#part-cancel-confirm .error-block")] == [
        "请选择取消原因，让店家知道。"
    ]
    assert OrderPart.objects.get(pk=w.part_a.pk).status == "waiting"
    assert outbox("part_cancelled") == []


def test_confirming_receipt_asks_first(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    ship_all(w.vendor_b, w.user_b, w.order)
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    confirm = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_b.pk}/confirm-receipt/"))
    # when
    ask = confirm.submit()
    # then
    assert (
        ask.html.select_one("#part-confirm-confirm p")
        .get_text(strip=True)
        .startswith("您收到 沁源县李家沟村家庭农场 的包裹了吗")
    )
    assert OrderPart.objects.get(pk=w.part_b.pk).status == "shipped"
    assert EarningsEntry.objects.count() == 0


def test_the_shop_sees_why_the_buyer_cancelled(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    cancel = next(f for f in page.forms.values() if f.action.endswith(f"/parts/{w.part_a.pk}/cancel/"))
    answer(cancel, reason="wrong_address", note="地址写成了老家")
    # when
    seller_page = django_app.get(f"/seller/orders/{w.order.number}/", user=w.user_a)
    # then
    assert (
        seller_page.html.select_one("#part-cancel-reason").get_text(strip=True)
        == "原因: 地址或电话填错了 — 地址写成了老家"
    )
    message = Message.objects.get(kind="part_cancelled", channel="sms")
    assert message_render(message=message)["text"].endswith("原因: 地址或电话填错了")
