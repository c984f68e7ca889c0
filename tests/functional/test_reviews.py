"""Reviews by buyers: one per delivered order line, 1-5 stars and a text, shown with the 已购 badge;
an invalid review is the form again with the error, never a 500."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from oscar.test.factories import UserFactory
from PIL import Image
from webtest import Upload

from shop.catalogue.reviews.models import ProductReview
from tests.factories.marketplace import (
    TwoVendorOrder,
    jpeg_bytes,
    make_order,
    make_parts,
    make_two_vendor_order,
    ship_all,
)
from tests.factories.pages import flash_messages
from vendors.models import OrderPart, ReviewPhoto
from vendors.reviews.selectors import vendor_rating
from vendors.reviews.services import TooManyReviewPhotos, review_write


@pytest.fixture
def two_vendor_order(db, china) -> TwoVendorOrder:
    return make_two_vendor_order(china=china)


def deliver(part: OrderPart) -> None:
    OrderPart.objects.filter(pk=part.pk).update(status=OrderPart.Status.DELIVERED)


def review_url(product, line=None) -> str:
    url = reverse("catalogue:reviews-add", kwargs={"product_slug": product.slug, "product_pk": product.pk})
    return f"{url}?line={line.pk}" if line else url


def line_of(order, product):
    return order.lines.get(product=product)


def test_an_invalid_review_shows_the_form_again_with_the_error(django_app, two_vendor_order):
    # given: 5 stars and no text (Oscar's template ran as_stars on the string "5": HTTP 500)
    w = two_vendor_order
    deliver(w.part_a)
    line = line_of(w.order, w.dates)
    form = django_app.get(review_url(w.dates, line), user=w.buyer).forms["add_review_form"]
    form["score"] = "5"
    form["body"] = "   "
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert [e.text for e in page.html.select(".error-block")] == ["请写几句对收到的宝贝的评价。"]
    assert page.html.select_one("#id_score input[checked]")["value"] == "5"
    assert ProductReview.objects.count() == 0


def test_a_review_without_stars_is_refused_in_chinese(django_app_factory, two_vendor_order):
    app = django_app_factory(csrf_checks=False)
    # given
    w = two_vendor_order
    deliver(w.part_a)
    line = line_of(w.order, w.dates)
    # when: a forged score and none
    forged = app.post(review_url(w.dates), {"line": line.pk, "score": "9", "body": "好吃"}, user=w.buyer)
    empty = app.post(review_url(w.dates), {"line": line.pk, "body": "好吃"}, user=w.buyer)
    # then
    assert [e.text for e in forged.html.select(".error-block")] == ["请选择 1 到 5 颗星。"]
    assert [e.text for e in empty.html.select(".error-block")] == ["请选择 1 到 5 颗星。"]
    assert ProductReview.objects.count() == 0


def test_the_buyer_reviews_a_delivered_line_and_the_product_page_shows_it_as_bought(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    deliver(w.part_a)
    line = line_of(w.order, w.dates)
    order_page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    # when
    form = order_page.click(href=review_url(w.dates, line).replace("?", r"\?")).forms["add_review_form"]
    form["score"] = "4"
    form["body"] = "枣子很甜，个头大\n包装也好"
    product_page = form.submit().follow()
    order_after = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    # then
    review = ProductReview.objects.get()
    assert (review.order_line, review.user, review.product, review.score) == (line, w.buyer, w.dates, 4)
    assert (review.title, review.body) == ("枣子很甜，个头大", "枣子很甜，个头大\n包装也好")
    shown = product_page.html.select_one(f"#review_{review.pk}")
    assert shown.select_one(".review-bought").text == "已购"
    assert shown.select_one(".review-body").get_text() == "枣子很甜，个头大包装也好"
    assert shown.select_one(".stars-Four").text == "★★★★★"
    assert [a["id"] for a in order_page.html.select("a[id^=review_line_]")] == [
        f"review_line_{line.pk}",
        f"review_line_{line_of(w.order, w.millet).pk}",
    ]
    assert order_after.html.select_one(f"#reviewed_line_{line.pk}").text == "已评价"
    assert [a["id"] for a in order_after.html.select("a[id^=review_line_]")] == [
        f"review_line_{line_of(w.order, w.millet).pk}"
    ]


@pytest.mark.parametrize(
    ("first_name", "last_name", "shown"), [("王大山", "", "王**"), ("大山", "王", "王**"), ("", "", "匿名买家")]
)
def test_the_product_page_shows_a_reviewer_as_the_first_character_and_two_stars(
    django_app, two_vendor_order, first_name, last_name, shown
):
    # given
    w = two_vendor_order
    w.buyer.first_name, w.buyer.last_name = first_name, last_name
    w.buyer.save()
    deliver(w.part_a)
    review = review_write(buyer=w.buyer, line=line_of(w.order, w.dates), score=5, body="枣子很甜")
    # when
    page = django_app.get(w.dates.get_absolute_url())
    # then
    assert page.html.select_one(f"#review_{review.pk} .review-head small").text.split(" · ")[0] == shown
    assert "大山" not in page.text


def test_no_review_button_on_an_order_not_delivered(django_app, two_vendor_order):
    # given: B shipped, not received yet; A waiting
    w = two_vendor_order
    ship_all(w.vendor_b, w.user_b, w.order)
    # when
    page = django_app.get(f"/accounts/orders/{w.order.number}/", user=w.buyer)
    # then
    assert page.html.select("a[id^=review_line_]") == []


@pytest.mark.parametrize("who", ["visitor", "stranger", "buyer_before_delivery", "buyer_twice"])
def test_only_the_buyer_of_a_delivered_line_reviews_it_once(django_app_factory, two_vendor_order, who):
    app = django_app_factory(csrf_checks=False)
    # given
    w = two_vendor_order
    line = line_of(w.order, w.dates)
    user = {"visitor": None, "stranger": UserFactory()}.get(who, w.buyer)
    if who != "buyer_before_delivery":
        deliver(w.part_a)
    if who == "buyer_twice":
        ProductReview.objects.create(product=w.dates, user=w.buyer, order_line=line, score=5, title="好", body="好")
    # when
    response = app.post(review_url(w.dates), {"line": line.pk, "score": "1", "body": "差"}, user=user)
    # then
    if who == "visitor":
        assert response.status_code == 302
        assert response.location.startswith(reverse("customer:login"))
    else:
        page = response.follow()
        assert page.request.path == w.dates.get_absolute_url()
        assert flash_messages(page) == ["只有买过并收到这件商品的买家才能评价，每笔购买可评价一次。"]
    assert ProductReview.objects.filter(score=1).count() == 0


def test_a_buyer_reviews_each_purchase_of_the_same_product(django_app_factory, two_vendor_order, china):
    app = django_app_factory(csrf_checks=False)
    # given: the buyer bought the same dates again, and both orders arrived
    w = two_vendor_order
    again = make_order(w.buyer, [(w.dates, 1)], china=china)
    parts = make_parts(again)
    deliver(w.part_a)
    deliver(parts[w.vendor_a.pk])
    first, second = line_of(w.order, w.dates), line_of(again, w.dates)
    # when
    for line, score in ((first, 5), (second, 3)):
        app.post(
            review_url(w.dates),
            {"line": line.pk, "score": str(score), "body": "还会再买"},
            user=w.buyer,
        )
    # then
    assert sorted(ProductReview.objects.values_list("order_line", "score")) == [(first.pk, 5), (second.pk, 3)]


def test_the_shops_rating_counts_only_reviews_of_purchases(two_vendor_order):
    # given: two purchase reviews of A's products, one review from before reviews were tied to orders
    w = two_vendor_order
    ProductReview.objects.create(
        product=w.dates, user=w.buyer, order_line=line_of(w.order, w.dates), score=5, title="好", body="好"
    )
    ProductReview.objects.create(
        product=w.millet, user=w.buyer, order_line=line_of(w.order, w.millet), score=4, title="好", body="好"
    )
    ProductReview.objects.create(product=w.dates, user=UserFactory(), score=1, title="差", body="差")
    # when
    rating = vendor_rating(vendor=w.vendor_a)
    # then
    assert (rating["average"], rating["count"]) == (4.5, 2)
    assert vendor_rating(vendor=w.vendor_b) == {"average": None, "count": 0}


def test_a_buyer_adds_photos_to_a_review_and_the_product_page_shows_them(django_app, two_vendor_order):
    # given: two photos from the phone, one with a GPS position in its EXIF
    w = two_vendor_order
    deliver(w.part_a)
    line = line_of(w.order, w.dates)
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (37.0, 58.0, 0.0)}  # GPSInfo: a latitude
    with_gps = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(with_gps, "JPEG", exif=exif.tobytes())
    form = django_app.get(review_url(w.dates, line), user=w.buyer).forms["add_review_form"]
    form["score"] = "5"
    form["body"] = "枣子很甜"
    form["photo_1"] = Upload("IMG_0001.JPG", with_gps.getvalue(), "image/jpeg")
    form["photo_3"] = Upload("IMG_0002.PNG", jpeg_bytes("green"), "image/png")
    # when
    product_page = form.submit().follow()
    # then
    review = ProductReview.objects.get()
    photos = list(ReviewPhoto.objects.filter(review=review))
    assert len(photos) == 2
    for photo in photos:
        assert photo.image.name.endswith(".jpg")
        with Image.open(photo.image) as stored:
            assert stored.format == "JPEG"
            assert not stored.getexif()
    shown = product_page.html.select_one(f"#review_{review.pk}")
    assert shown.select_one(".review-bought").text == "已购"
    assert [a["href"] for a in shown.select(".review-photos a")] == [photo.image.url for photo in photos]


def test_a_review_photo_that_is_not_an_image_is_refused_in_chinese_and_nothing_is_saved(django_app, two_vendor_order):
    # given
    w = two_vendor_order
    deliver(w.part_a)
    form = django_app.get(review_url(w.dates, line_of(w.order, w.dates)), user=w.buyer).forms["add_review_form"]
    form["score"] = "4"
    form["body"] = "还不错"
    form["photo_2"] = Upload("photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert [e.text for e in page.html.select("#review_photos .error-block")] == [
        "请上传 JPEG、PNG、WEBP 或 GIF 格式的图片，不接受其他文件。"
    ]
    assert page.forms["add_review_form"]["body"].value == "还不错"
    assert (ProductReview.objects.count(), ReviewPhoto.objects.count()) == (0, 0)


def test_a_review_carries_at_most_three_photos(two_vendor_order):
    # given
    w = two_vendor_order
    deliver(w.part_a)
    photos = [ContentFile(jpeg_bytes(), name=f"{n}.jpg") for n in range(4)]
    # when
    with pytest.raises(TooManyReviewPhotos):
        review_write(buyer=w.buyer, line=line_of(w.order, w.dates), score=5, body="好", photos=photos)
    # then
    assert (ProductReview.objects.count(), ReviewPhoto.objects.count()) == (0, 0)
