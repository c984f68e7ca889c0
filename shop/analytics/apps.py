"""Overrides Oscar's analytics AppConfig: its counters are switched off.

Oscar's analytics receivers UPDATE one row per product on every basket addition and, inside the
order's transaction, on every purchase. During a live-stream sale every buyer of the hot product
would queue on that row's lock. Sales figures come from the orders instead. The app stays installed
(its tables and Oscar's reports keep working); only the receivers are disconnected, here where the
app is configured rather than as a side effect of some other app's start-up.
"""

from oscar.apps.analytics import apps


class AnalyticsConfig(apps.AnalyticsConfig):
    # The models and migrations stay Oscar's: nothing of them is overridden.
    name = "oscar.apps.analytics"

    def ready(self):
        from oscar.apps.analytics import receivers
        from oscar.apps.basket.signals import basket_addition
        from oscar.apps.order.signals import order_placed

        basket_addition.disconnect(receivers.receive_basket_addition)
        order_placed.disconnect(receivers.receive_order_placed)
