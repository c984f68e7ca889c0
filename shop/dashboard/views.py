"""Overrides Oscar's dashboard home: its revenue figures (总收入, the last 24 hours' revenue and average
order, the hourly chart) count what buyers still owe, so a cancelled shop's part is no revenue
(vendors.fulfilment.selectors.order_amount_owed). Only admins see it: vendors never use Oscar's dashboard."""

from datetime import timedelta
from decimal import ROUND_UP
from decimal import Decimal as D

from django.db.models import Avg, Sum
from django.utils.timezone import now
from oscar.apps.dashboard import views as oscar_views

from shop.order.models import Order
from vendors.fulfilment.selectors import orders_with_amount_owed


class IndexView(oscar_views.IndexView):
    def get_stats(self):
        stats = super().get_stats()
        if not self.request.user.is_staff:
            return stats
        orders = orders_with_amount_owed(Order.objects.all())
        recent = orders.filter(date_placed__gt=now() - timedelta(hours=24))
        stats.update(
            total_revenue=orders.aggregate(total=Sum("amount_owed"))["total"] or D("0.00"),
            total_revenue_last_day=recent.aggregate(total=Sum("amount_owed"))["total"] or D("0.00"),
            average_order_costs=recent.aggregate(average=Avg("amount_owed"))["average"] or D("0.00"),
        )
        return stats

    def get_hourly_report(self, orders, hours=24, segments=10):
        """Oscar's two-hourly revenue chart of the last ``hours``, summing what is still owed."""
        orders = orders_with_amount_owed(orders)
        start_time = now().replace(minute=0, second=0) - timedelta(hours=hours - 1)
        order_total_hourly = []
        for _ in range(0, hours, 2):
            end_time = start_time + timedelta(hours=2)
            window = orders.filter(date_placed__gte=start_time, date_placed__lt=end_time)
            total = window.aggregate(total=Sum("amount_owed"))["total"] or D("0.0")
            order_total_hourly.append({"end_time": end_time, "total_incl_tax": total})
            start_time = end_time
        max_value = max(item["total_incl_tax"] for item in order_total_hourly)
        divisor = 1
        while divisor < max_value / 50:
            divisor *= 10
        max_value = (max_value / divisor).quantize(D("1"), rounding=ROUND_UP) * divisor
        y_range = []
        if max_value:
            segment_size = max_value / D("100.0")
            for item in order_total_hourly:
                item["percentage"] = int(item["total_incl_tax"] / segment_size)
            step = max_value / D(str(segments))
            y_range = [idx * step for idx in reversed(range(segments + 1))]
        else:
            for item in order_total_hourly:
                item["percentage"] = 0
        return {"order_total_hourly": order_total_hourly, "max_revenue": max_value, "y_range": y_range}
