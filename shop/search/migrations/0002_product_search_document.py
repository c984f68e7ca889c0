"""The search document table of the PostgreSQL search backend (shop.search.postgres), and products'
English names (shop.search.models.ProductEnglishName).

The table exists on every database so the schema is one; its GIN index only on PostgreSQL (SQLite,
the embedded setup, searches with Whoosh and has no GIN).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models


class AddIndexOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0032_category_exclude_from_menu_category_long_description"),
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProductSearchDocument",
            fields=[
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search_document",
                        serialize=False,
                        to="catalogue.product",
                    ),
                ),
                ("partner_id", models.IntegerField(null=True)),
                ("vector", django.contrib.postgres.search.SearchVectorField()),
                ("title_vector", django.contrib.postgres.search.SearchVectorField()),
                ("sold", models.PositiveIntegerField(default=0)),
                ("created", models.DateTimeField(null=True)),
                ("indexed", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name="ProductEnglishName",
            fields=[
                (
                    "product",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="english_name",
                        serialize=False,
                        to="catalogue.product",
                    ),
                ),
                ("name", models.CharField(max_length=120)),
            ],
        ),
        AddIndexOnPostgres(
            model_name="productsearchdocument",
            index=django.contrib.postgres.indexes.GinIndex(fields=["vector"], name="search_document_vector"),
        ),
    ]
