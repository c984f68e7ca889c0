"""Fork of Oscar's customer app: forms.py signs in with a mobile number or an e-mail, tasks.py sends
back-in-stock alerts from Celery."""

import oscar.apps.customer.apps as apps


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"
