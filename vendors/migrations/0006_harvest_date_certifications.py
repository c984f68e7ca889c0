"""The farm-produce class's harvest date and certifications (绿色食品, 有机产品 ...), for the product page's
origin block: Oscar's product attributes, a date and a multi-option over one option group."""

from django.db import migrations

GROUP_CODE = "farm-certifications"
GROUP_NAME = "农产品认证"
OPTIONS = [("green-food", "绿色食品"), ("organic", "有机产品"), ("famous-special", "名特优新农产品")]


def add_attributes(apps, schema_editor):
    ProductClass = apps.get_model("catalogue", "ProductClass")
    ProductAttribute = apps.get_model("catalogue", "ProductAttribute")
    AttributeOptionGroup = apps.get_model("catalogue", "AttributeOptionGroup")
    AttributeOption = apps.get_model("catalogue", "AttributeOption")
    product_class = ProductClass.objects.filter(slug="farm-produce").first()
    if product_class is None:
        return
    group, _ = AttributeOptionGroup.objects.get_or_create(code=GROUP_CODE, defaults={"name": GROUP_NAME})
    for code, option in OPTIONS:
        AttributeOption.objects.get_or_create(group=group, code=code, defaults={"option": option})
    ProductAttribute.objects.get_or_create(
        product_class=product_class, code="harvest_date", defaults={"name": "采收日期", "type": "date"}
    )
    ProductAttribute.objects.get_or_create(
        product_class=product_class,
        code="certifications",
        defaults={"name": "认证", "type": "multi_option", "option_group": group},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("vendors", "0005_shipment_without_tracking"),
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
    ]

    operations = [migrations.RunPython(add_attributes, migrations.RunPython.noop)]
