"""The home page at /: live sales now and coming up, categories, counties and shops, best sellers."""

from datetime import timedelta

from oscar.test.factories import UserFactory

from shop.catalogue.models import Category
from tests.factories import FarmCategoryFactory
from tests.factories.live_sales import make_event
from tests.factories.marketplace import make_order, make_parts, make_product, make_vendor
from vendors.models import OrderPart


def test_the_home_page_shows_live_sales_categories_best_sellers_counties_and_shops(django_app, db, china):
    # given
    make_event(starts_in=timedelta(minutes=-10))
    make_event(starts_in=timedelta(days=1))
    FarmCategoryFactory(name="干果")
    dates_shop, _user = make_vendor("临县王家庄村红枣合作社")
    millet_shop, _user = make_vendor("沁县南涅水村小米合作社")
    millet_shop.county = "沁县"
    millet_shop.save()
    dates = make_product(dates_shop, title="临县红枣 特级")
    millet = make_product(millet_shop, title="沁州黄小米")
    make_product(millet_shop, title="沁州黄小米 礼盒")
    buyer = UserFactory()
    make_parts(make_order(buyer, [(millet, 3), (dates, 1)], china=china))
    cancelled = make_order(buyer, [(dates, 5)], china=china)
    make_parts(cancelled)
    OrderPart.objects.filter(order=cancelled).update(status=OrderPart.Status.CANCELLED)
    # when
    page = django_app.get("/")
    # then
    home = page.html.select_one("#home")
    cards = home.select("#home_live a.home-live")
    assert [("home-live-now" in card["class"], card.select_one(".badge").get_text(strip=True)) for card in cards][
        0
    ] == (
        True,
        "直播中",
    )
    assert [card.select_one("strong").get_text(strip=True) for card in cards] == ["县长直播带货：临县红枣专场"] * 2
    assert "home-live-now" not in cards[1]["class"]
    top = Category.objects.filter(depth=1).order_by("path").values_list("name", flat=True)
    assert [a.select_one("span:last-child").get_text(strip=True) for a in home.select("#home_categories li a")] == list(
        top
    )
    assert list(top)[0] == "干果"
    assert [a["title"] for a in home.select("#home_best_sellers .product_pod h3 a")] == ["沁州黄小米", "临县红枣 特级"]
    assert [a.get_text(strip=True) for a in home.select("#home_counties .category-chips a")] == ["临县", "沁县"]
    assert [
        a.select_one(".product-shop-name").get_text(strip=True) for a in home.select("#home_shops .product-shop-card")
    ] == [
        "沁县南涅水村小米合作社",
        "临县王家庄村红枣合作社",
    ]
