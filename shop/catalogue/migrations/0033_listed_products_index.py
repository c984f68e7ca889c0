"""The ids of the products a listing shows (public, not a variant), in an index of their own: a listing's count
for its pages reads this index alone instead of the product table (the catalogue at 120,000 products: 45 -> 22
ms, docs/pages.md). Written as SQL so that it stays an index of the database only: Oscar's Product model, which
this fork does not change, does not declare it."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0032_category_exclude_from_menu_category_long_description")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS catalogue_product_listed ON catalogue_product (id)"
            " WHERE is_public AND parent_id IS NULL",
            "DROP INDEX IF EXISTS catalogue_product_listed",
        )
    ]
