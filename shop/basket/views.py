"""Overrides Oscar's BasketAddView: 立即购买 (the product page's "buy now" button, ``buy_now`` in the form)
adds the product and goes straight to checkout; 加入购物车 goes back to the page, as Oscar does."""

from django.urls import reverse
from oscar.apps.basket import views as oscar_views


class BasketAddView(oscar_views.BasketAddView):
    def get_success_url(self):
        if "buy_now" in self.request.POST:
            return reverse("checkout:index")
        return super().get_success_url()
