"""Test data for a Chinese storefront, built on Oscar's own factories.

Oscar's factories default to English books priced in GBP; ours give farm
produce of the "farm-produce" class, a CNY stock record, a JPEG image and a
category, and China as the only shipping country (Oscar then hides the
country field at checkout). Fixtures here are registered in tests/conftest.py.
"""

from decimal import Decimal

import factory
import pytest
from oscar.test.factories import (
    CategoryFactory,
    CountryFactory,
    PartnerFactory,
    ProductCategoryFactory,
    ProductClassFactory,
    ProductFactory,
    ProductImageFactory,
    ShippingAddressFactory,
    StockRecordFactory,
)

from shop.catalogue.models import ProductAttribute

FARM_PRODUCE = "farm-produce"

# The shipping address form's fields as a buyer in 临县 fills them in at checkout.
CHECKOUT_ADDRESS = {
    "first_name": "王小明",
    "phone_number": "13812345678",
    "state": "山西省",
    "line4": "吕梁市",
    "line3": "临县",
    "line1": "城关镇王家庄村3号",
}


class LvliangAddressFactory(ShippingAddressFactory):
    """An order's shipping address in 吕梁 (for orders made without the checkout pages)."""

    first_name = "李建国"
    last_name = ""
    line1 = "滨河北西路 18 号"
    line2 = ""
    line3 = "离石区"
    line4 = "吕梁市"
    state = "山西省"
    postcode = "033000"
    phone_number = "+8613912345678"


class ChinaFactory(CountryFactory):
    iso_3166_1_a2 = "CN"
    iso_3166_1_a3 = "CHN"
    iso_3166_1_numeric = "156"
    printable_name = "中国"
    name = "中华人民共和国"
    is_shipping_country = True
    display_order = 1


class FarmProduceClassFactory(ProductClassFactory):
    name = "农产品"
    slug = FARM_PRODUCE

    class Meta:
        django_get_or_create = ("slug",)


class VillagePartnerFactory(PartnerFactory):
    name = factory.Sequence(lambda n: f"临县王家庄村农民专业合作社{n}号")


class CnyStockRecordFactory(StockRecordFactory):
    partner = factory.SubFactory(VillagePartnerFactory)
    partner_sku = factory.Sequence(lambda n: f"VM-SKU-{n:05d}")
    price_currency = "CNY"
    price = Decimal("39.90")
    num_in_stock = 100


class FarmCategoryFactory(CategoryFactory):
    name = factory.Sequence(lambda n: f"干果{n}")


class FarmProductImageFactory(ProductImageFactory):
    original = factory.django.ImageField(width=120, height=120, color="red", filename="hong-zao.jpg")
    caption = "临县红枣"
    display_order = 0


class FarmProductFactory(ProductFactory):
    """A public farm product with one CNY stock record, one image and one category.

    Pass ``categories__category=some_category`` to put several products in one
    category, ``stockrecords__num_in_stock=...`` / ``stockrecords__price=...``
    to change the stock record.
    """

    upc = factory.Sequence(lambda n: f"VM-TEST-{n:05d}")
    title = factory.Sequence(lambda n: f"临县红枣 特级{n}号")
    product_class = factory.SubFactory(FarmProduceClassFactory)
    is_public = True
    stockrecords = factory.RelatedFactory(CnyStockRecordFactory, "product")
    categories = factory.RelatedFactory(
        ProductCategoryFactory, "product", category=factory.SubFactory(FarmCategoryFactory)
    )
    images = factory.RelatedFactory(FarmProductImageFactory, "product")

    @factory.post_generation
    def attributes(self, create, extracted, **kwargs):
        """``attributes={"origin_county": "临县"}`` sets text attributes, creating them on the class."""
        if not (create and extracted):
            return
        for code, value in extracted.items():
            ProductAttribute.objects.get_or_create(
                product_class=self.product_class, code=code, defaults={"name": code, "type": ProductAttribute.TEXT}
            )
            setattr(self.attr, code, value)
        self.attr.save()


@pytest.fixture
def china(db):
    """China, the one shipping country."""
    return ChinaFactory()
