"""Load the demo catalogue (idempotent); --vendors/--products-per-vendor for benchmark sizes.

With DEBUG off (a production-like setup) it refuses unless given --yes-demo-data: the demo shops,
products and admin account must not land in a real shop's database by accident.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from vendors.demo import ADMIN_EMAIL, ADMIN_USERNAME, DEMO_SELLER_MOBILE, analyze_after_bulk_load, seed_catalogue


class Command(BaseCommand):
    help = "Create the demo vendors, categories and products that are missing (running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--vendors", type=int, help="Generate this many vendors instead of the demo set.")
        parser.add_argument("--products-per-vendor", type=int, default=20)
        parser.add_argument("--no-index", action="store_true", help="Do not update the search index.")
        parser.add_argument(
            "--no-live-events",
            action="store_true",
            help="Leave out the demo live sales (and their few hundred orders).",
        )
        parser.add_argument("--yes-demo-data", action="store_true", help="Load the demo data even though DEBUG is off.")

    def handle(
        self,
        *args,
        vendors=None,
        products_per_vendor=20,
        no_index=False,
        no_live_events=False,
        yes_demo_data=False,
        **options,
    ):
        if not settings.DEBUG and not yes_demo_data:
            raise CommandError(
                "DEBUG 已关闭，这可能是正式环境：演示数据（示例店铺、商品和管理员账号）不会写入。"
                "确定要写入，请加上 --yes-demo-data。"
            )
        result = seed_catalogue(
            vendors=vendors, products_per_vendor=products_per_vendor, live_events=not no_live_events
        )
        if result.changed:
            analyze_after_bulk_load()
            for name, count in result.created.items():
                if count:
                    self.stdout.write(f"created {count} {name}")
            if not no_index:
                call_command("update_index", verbosity=0)
                self.stdout.write("search index updated")
        else:
            self.stdout.write("demo data already present: nothing changed")
        # Passwords are random and shown only by the run that creates the account.
        if result.admin_password:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Admin login: {ADMIN_EMAIL} / {result.admin_password}  (username admin, dashboard at /dashboard/)"
                )
            )
        else:
            self.stdout.write(
                f"Admin login: {ADMIN_EMAIL}, password shown when it was created "
                f"(forgotten: .venv/bin/python manage.py changepassword {ADMIN_USERNAME})"
            )
        if result.seller_login:
            mobile, password, shop = result.seller_login
            self.stdout.write(
                self.style.SUCCESS(f"Seller login: {mobile} / {password}  ({shop}, seller center at /seller/)")
            )
        elif not vendors:
            self.stdout.write(
                f"Seller login: {DEMO_SELLER_MOBILE}, password shown when it was created "
                f"(forgotten: .venv/bin/python manage.py changepassword {DEMO_SELLER_MOBILE})"
            )
