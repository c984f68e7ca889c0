"""Overrides Oscar's address book pages (add, edit an address) to use our Chinese address form, and:

- a new address is the default shipping address when the buyer has none: a live snap-up (vendors.live)
  ships its one-tap order there, and Oscar never sets a default by itself (not even at checkout);
- after adding one, the buyer goes back to the page that sent it here (the live event whose 抢购 needed
  an address; shop.core.after_address): Oscar's view always goes to the address list and takes no ``next``.

And the order history: tabs by status with their counts (OrderHistoryView).
"""

from django.utils.translation import pgettext_lazy
from oscar.apps.customer import views as oscar_views

from shop.core.after_address import after_address_pop
from shop.customer.forms import UserAddressForm
from shop.order.models import Order
from vendors.fulfilment.selectors import ORDER_TABS, customer_order_tab_counts, customer_orders_in_tab

ORDER_TAB_LABELS = [
    ("all", pgettext_lazy("order tab", "All")),
    ("to-ship", pgettext_lazy("order tab", "To ship")),
    ("to-receive", pgettext_lazy("order tab", "To receive")),
    ("done", pgettext_lazy("order tab", "Completed")),
]


class AddressCreateView(oscar_views.AddressCreateView):
    form_class = UserAddressForm

    def form_valid(self, form):
        user = self.request.user
        if not user.addresses.filter(is_default_for_shipping=True).exists():
            form.instance.is_default_for_shipping = True
        return super().form_valid(form)

    def get_success_url(self):
        default = super().get_success_url()  # Oscar's, which also says the address was saved
        return after_address_pop(self.request) or default


class AddressUpdateView(oscar_views.AddressUpdateView):
    form_class = UserAddressForm


class OrderHistoryView(oscar_views.OrderHistoryView):
    """The buyer's orders in tabs, as Chinese shops show them: all, 待发货, 待收货, 已完成, each with its
    count (vendors.fulfilment.selectors.ORDER_TABS); ``?tab=`` picks one, Oscar's filters still apply."""

    def get_queryset(self):
        self.tab = self.request.GET.get("tab", "all")
        return customer_orders_in_tab(orders=super().get_queryset(), tab=self.tab)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = customer_order_tab_counts(orders=Order.objects.filter(user=self.request.user))
        context["order_tabs"] = [
            (key, label, counts[key], key == self.tab or (key == "all" and self.tab not in ORDER_TABS))
            for key, label in ORDER_TAB_LABELS
        ]
        return context
