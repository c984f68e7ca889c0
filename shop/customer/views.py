"""Overrides Oscar's address book pages (add, edit an address) to use our Chinese address form, and:

- a new address is the default shipping address when the buyer has none: a live snap-up (vendors.live)
  ships its one-tap order there, and Oscar never sets a default by itself (not even at checkout);
- after adding one, the buyer goes back to the page that sent it here (the live event whose 抢购 needed
  an address; shop.core.after_address): Oscar's view always goes to the address list and takes no ``next``.
"""

from oscar.apps.customer import views as oscar_views

from shop.core.after_address import after_address_pop
from shop.customer.forms import UserAddressForm


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
