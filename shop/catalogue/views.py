"""Catalogue views: overrides Oscar's browse, category and product pages.

- Browse and category pages list products straight from the database instead
  of through Haystack (docs/oscar-pitfalls.md #15: with Whoosh they spend most of their
  time in the search engine, with the simple backend they list nothing).
  Search itself stays on Haystack (``search:search``).
- The product page sends no ``product_viewed`` signal: Oscar's receivers would
  UPDATE one hot analytics row per view and keep a recently-viewed cookie
  (docs/oscar-pitfalls.md #16). We use neither. It loads the product through
  ``storefront_product_detail_queryset``: Oscar's plain lookup cost
  one query per attribute shown, plus repeated stock-record and image queries.
  It also tells of the product's live price in an event live now (``live_offer``, read through
  ``vendors.live.selectors.live_product_offer``, cached a few seconds): the page points to the live room,
  the basket keeps the normal price. The shop card shows the shop's rating (``vendors.reviews``: one query);
  the shipping line the shop's flat fee and free-shipping threshold (``vendors.fulfilment.shipping``: no query).
"""

import functools
from urllib.parse import unquote

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from oscar.apps.catalogue import views as oscar_views
from oscar.core.loading import get_model

from vendors.fulfilment.shipping import vendor_free_shipping_from, vendor_shipping_fee
from vendors.live.selectors import live_product_offer
from vendors.reviews.selectors import product_reviews, vendor_rating
from vendors.storefront.selectors import (
    SORT_NEWEST,
    SORT_PRICE_ASC,
    SORT_PRICE_DESC,
    SORT_RATING,
    storefront_product_detail_queryset,
    storefront_product_list,
)

Category = get_model("catalogue", "Category")


class SortForm(forms.Form):
    sort_by = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_NEWEST, _("Newest")),
            (SORT_PRICE_ASC, _("Price low to high")),
            (SORT_PRICE_DESC, _("Price high to low")),
            (SORT_RATING, _("Customer rating")),
        ],
    )


class ProductDetailView(oscar_views.ProductDetailView):
    def get_queryset(self):
        return storefront_product_detail_queryset()

    def is_viewable(self, product, request):
        """Oscar's rule, and a suspended (or not yet approved) vendor's products are not found."""
        if product.hidden_vendor and not request.user.is_staff:
            return False
        return super().is_viewable(product, request)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["live_offer"] = live_product_offer(product_id=self.object.pk)
        vendors = [
            record.partner.vendor for record in self.object.stockrecords.all() if hasattr(record.partner, "vendor")
        ]
        vendor = vendors[0] if vendors else None
        ctx["shop_rating"] = vendor_rating(vendor=vendor) if vendor else None
        # The shop's flat fee per parcel: the same for every buyer, so the cached page may carry it.
        ctx["shipping_fee"] = vendor_shipping_fee(vendor=vendor)
        ctx["free_shipping_from"] = vendor_free_shipping_from(vendor=vendor)
        # The first four tell whether there are more than the three shown; photos come in one query more.
        ctx["reviews"] = list(product_reviews(queryset=self.object.reviews.approved())[:4])
        return ctx

    def get_alert_status(self):
        """Whether she has a back-in-stock alert for it: asked only by the page of a product she cannot buy
        (the template calls it), not on every page as Oscar's view does."""
        return functools.partial(super().get_alert_status)

    def send_signal(self, request, response, product):
        """Views are not recorded (see the module docstring)."""


class CatalogueView(ListView):
    """All browsable products."""

    context_object_name = "products"
    template_name = "oscar/catalogue/browse.html"

    def get_paginate_by(self, queryset):
        return settings.OSCAR_PRODUCTS_PER_PAGE

    def get(self, request, *args, **kwargs):
        self.form = SortForm(request.GET)
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            messages.error(request, _("The given page number was invalid."))
            return redirect(self.invalid_page_redirect_url())

    def invalid_page_redirect_url(self):
        return "catalogue:index"

    def get_categories(self):
        return None

    def get_queryset(self):
        sort = self.form.cleaned_data.get("sort_by") if self.form.is_valid() else ""
        return storefront_product_list(categories=self.get_categories(), sort=sort or SORT_NEWEST)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["form"] = self.form
        ctx["summary"] = _("All products")
        return ctx


class ProductCategoryView(CatalogueView):
    """Products of a category and its descendants."""

    template_name = "oscar/catalogue/category.html"

    def get(self, request, *args, **kwargs):
        self.category = get_object_or_404(Category, pk=kwargs["pk"])
        if not (self.category.is_public or request.user.is_staff):
            raise Http404()
        expected_path = self.category.get_absolute_url()
        if unquote(expected_path) != unquote(request.path):
            return HttpResponsePermanentRedirect(expected_path)
        return super().get(request, *args, **kwargs)

    def invalid_page_redirect_url(self):
        return self.category.get_absolute_url()

    def get_categories(self):
        return self.category.get_descendants_and_self()

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["category"] = self.category
        ctx["summary"] = self.category.name
        return ctx
