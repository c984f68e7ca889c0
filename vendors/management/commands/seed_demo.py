"""Load the demo catalogue (idempotent); --vendors/--products-per-vendor for benchmark sizes."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from vendors.demo import ADMIN_EMAIL, seed_catalogue


class Command(BaseCommand):
    help = "Create the demo vendors, categories and products that are missing (running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=int, help="Generate this many vendors instead of the demo set.")
        parser.add_argument("--products-per-vendor", type=int, default=20)
        parser.add_argument("--no-index", action="store_true", help="Do not update the search index.")

    def handle(self, *args, vendors=None, products_per_vendor=20, no_index=False, **options):
        result = seed_catalogue(vendors=vendors, products_per_vendor=products_per_vendor)
        if result.changed:
            for name, count in result.created.items():
                if count:
                    self.stdout.write(f"created {count} {name}")
            if not no_index:
                call_command("update_index", verbosity=0)
                self.stdout.write("search index updated")
        else:
            self.stdout.write("demo data already present: nothing changed")
        if result.admin_password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login: {ADMIN_EMAIL} / {result.admin_password}  (username admin, dashboard at /dashboard/)"
                )
            )
        if result.seller_login:
            mobile, password, shop = result.seller_login
            self.stdout.write(
                self.style.SUCCESS(f"Seller login: {mobile} / {password}  ({shop}, seller center at /seller/)")
            )
