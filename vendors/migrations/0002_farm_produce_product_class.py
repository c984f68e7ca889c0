"""The product class vendors sell under, with the facts a buyer of farm produce asks about."""

from django.db import migrations

ATTRIBUTES = [
    ("origin_province", "产地省份", "text"),
    ("origin_prefecture", "产地市", "text"),
    ("origin_county", "产地县区", "text"),
    ("origin_village", "产地村镇", "text"),
    ("net_weight", "净含量", "text"),
    ("harvest_season", "采收季节", "text"),
    ("shelf_life_days", "保质期（天）", "integer"),
    ("storage", "储存方式", "text"),
    ("geographical_indication", "地理标志产品", "boolean"),
    ("video_url", "短视频链接", "text"),
]


def create_product_class(apps, schema_editor):
    ProductClass = apps.get_model("catalogue", "ProductClass")
    ProductAttribute = apps.get_model("catalogue", "ProductAttribute")
    product_class, _ = ProductClass.objects.get_or_create(
        slug="farm-produce", defaults={"name": "农产品", "requires_shipping": True, "track_stock": True}
    )
    for code, name, type_ in ATTRIBUTES:
        ProductAttribute.objects.get_or_create(
            product_class=product_class, code=code, defaults={"name": name, "type": type_}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0001_initial"),
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
    ]

    operations = [migrations.RunPython(create_product_class, migrations.RunPython.noop)]
