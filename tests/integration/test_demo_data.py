"""The demo-data command: realistic catalogue, and running it twice changes nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from oscar.apps.address.models import Country
from PIL import Image

from shop.catalogue.models import Category, Product, ProductAttributeValue, ProductImage
from shop.partner.models import Partner, StockRecord
from tests.factories.demo import seed_demo
from vendors.demo import ADMIN_EMAIL, DEMO_SELLER_MOBILE

MODELS = (Product, Category, ProductAttributeValue, ProductImage, Partner, StockRecord, Country)


def _snapshot():
    return {
        model.__name__: sorted(map(str, model.objects.values_list(*[f.attname for f in model._meta.concrete_fields])))
        for model in MODELS
    }


@pytest.mark.django_db
def test_demo_catalogue_is_realistic():
    # when
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    # then
    assert Product.objects.count() == 60
    assert Partner.objects.count() == 19
    assert StockRecord.objects.filter(price_currency="CNY").count() == 60
    assert Country.objects.get(iso_3166_1_a2="CN").is_shipping_country
    dates = Product.objects.get(upc="VM-LINXIAN-00-0")
    assert dates.title == "临县红枣 特级"
    assert dates.slug == "lin-xian-hong-zao-te-ji"
    assert [c.full_name for c in dates.categories.all()] == ["干果 > 红枣"]
    assert (dates.attr.origin_province, dates.attr.origin_county, dates.attr.net_weight) == ("山西省", "临县", "1kg")
    assert dates.attr.shelf_life_days == 365
    assert dates.stockrecords.get().price > 0
    with Image.open(dates.primary_image().original) as image:
        assert (image.format, image.size) == ("JPEG", (600, 600))


@pytest.mark.django_db
def test_running_the_demo_command_twice_changes_nothing(capsys):
    # given
    call_command("seed_demo", "--yes-demo-data", "--no-index")
    before = _snapshot()
    capsys.readouterr()
    # when
    call_command("seed_demo", "--yes-demo-data", "--no-index")
    # then
    assert _snapshot() == before
    assert "nothing changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_scale_option_generates_vendors_and_products_idempotently():
    # when
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--vendors", "30", "--products-per-vendor", "5")
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--vendors", "30", "--products-per-vendor", "5")
    # then
    assert Partner.objects.filter(code__startswith="vendor-").count() == 30
    assert StockRecord.objects.filter(partner__code__startswith="vendor-").count() == 150
    assert Product.objects.filter(upc__startswith="VM-VENDOR-").count() == 150


@pytest.mark.django_db
def test_with_debug_off_the_demo_command_refuses_without_yes_demo_data(settings):
    # given
    settings.DEBUG = False
    # when
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", "--no-index", stdout=io.StringIO())
    # then
    assert str(refused.value) == (
        "DEBUG 已关闭，这可能是正式环境：演示数据（示例店铺、商品和管理员账号）不会写入。"
        "确定要写入，请加上 --yes-demo-data。"
    )
    assert (Product.objects.count(), Partner.objects.count(), get_user_model().objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_with_debug_on_the_demo_command_runs_without_the_flag(settings):
    # given
    settings.DEBUG = True
    # when
    call_command("seed_demo", "--no-index", "--no-live-events", stdout=io.StringIO())
    # then
    assert (Product.objects.count(), Partner.objects.count()) == (60, 19)


@pytest.mark.django_db
def test_the_demo_logins_have_random_passwords_printed_once():
    # when
    first = seed_demo("--no-index", "--no-live-events")
    second = seed_demo("--no-index", "--no-live-events")
    again = seed_demo("--no-index", "--no-live-events")
    # then
    User = get_user_model()
    assert sorted(first) == [DEMO_SELLER_MOBILE, ADMIN_EMAIL]
    assert len(first[ADMIN_EMAIL]) == 16
    assert first[ADMIN_EMAIL] != first[DEMO_SELLER_MOBILE]
    assert User.objects.get(email=ADMIN_EMAIL).check_password(first[ADMIN_EMAIL])
    assert User.objects.get(username=DEMO_SELLER_MOBILE).check_password(first[DEMO_SELLER_MOBILE])
    assert (second, again) == ({}, {})


def test_the_demo_has_a_live_event_now_an_upcoming_one_and_a_past_one_with_sales(db):
    # given
    from vendors.live.models import LiveEvent, LiveOrder

    # when
    seed_demo()
    # then
    phases = sorted(event.phase() for event in LiveEvent.objects.all())
    assert phases == ["ended", "live", "scheduled"]
    past = LiveEvent.objects.get(slug="demo-wanrong-pingguo")
    orders = LiveOrder.objects.filter(item__event=past)
    assert orders.count() >= 150
    assert all(past.starts_at <= live.created_at < past.ends_at for live in orders)
    assert LiveEvent.objects.get(slug="demo-linxian-hongzao").on_stage_id is not None


@pytest.mark.django_db
def test_demo_products_have_unique_names_and_three_photos_each():
    # when
    call_command("seed_demo", "--yes-demo-data", "--no-index", "--no-live-events")
    # then
    titles = list(Product.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles)) == 60
    assert {product.images.count() for product in Product.objects.prefetch_related("images")} == {3}
    dates = Product.objects.get(upc="VM-LINXIAN-01-1")
    assert dates.title == "临县红枣 一级 家庭装 两件装"
    assert [image.original.name.rsplit("-", 1)[-1] for image in dates.images.all()] == [
        "produce.jpg",
        "pack.jpg",
        "fields.jpg",
    ]
