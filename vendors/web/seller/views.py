"""The seller center (/seller/): thin views over the domain packages' selectors and services.

Every view goes through SellerRequiredMixin: it resolves the approved vendor of
the signed-in user once, and every object is then looked up through a selector
scoped to that vendor, so someone else's product, photo or order is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from vendors.earnings.selectors import seller_sales_totals
from vendors.fulfilment.selectors import (
    seller_order_get,
    seller_order_list,
    seller_order_shipments,
    seller_orders_to_ship,
)
from vendors.fulfilment.services import ShipmentRefused, vendor_lines_ship
from vendors.listings.selectors import (
    seller_low_stock,
    seller_product_get,
    seller_product_image_get,
    seller_product_list,
    seller_stockrecord_get,
)
from vendors.listings.services import (
    MAX_PRODUCT_IMAGES,
    TooManyImages,
    vendor_product_create,
    vendor_product_image_delete,
    vendor_product_set_listed,
    vendor_product_update,
    vendor_stock_set,
)
from vendors.models import OrderPart, Vendor
from vendors.onboarding.selectors import seller_vendor_for_user, vendor_application_for_user
from vendors.onboarding.services import vendor_profile_update
from vendors.web.seller.forms import ProductForm, ProfileForm, ShipForm, StockForm

HOME_LIST_SIZE = 10
DEFAULT_PAGE_SIZE = 20


class SellerRequiredMixin:
    """Only users of an approved vendor get in; ``self.vendor`` is that vendor.

    Anonymous users go to the login page; a user whose application is pending,
    rejected or whose shop is suspended goes to the application status page;
    anyone else to the page where one applies to sell.
    """

    vendor: Vendor
    # Order pages set this: a suspended shop still ships what was ordered before.
    allow_suspended = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        vendor = seller_vendor_for_user(request.user, include_suspended=self.allow_suspended)
        if vendor is None:
            if vendor_application_for_user(request.user) is not None:
                return redirect("vendors:apply-status")
            return redirect("vendors:apply")
        self.vendor = request.seller_vendor = vendor
        return super().dispatch(request, *args, **kwargs)

    def render(self, template: str, context: dict) -> TemplateResponse:
        return TemplateResponse(self.request, f"vendors/seller/{template}", {"vendor": self.vendor, **context})


class PostOnlyMixin:
    """For actions (POST only): a GET finds the object first, so someone else's id is a 404 here too."""

    def get(self, request, **kwargs):
        self.get_object(**kwargs)
        return HttpResponseNotAllowed(["POST"])


class PagedListMixin:
    def get_paginate_by(self, queryset) -> int:
        return getattr(settings, "SELLER_CENTER_PAGE_SIZE", DEFAULT_PAGE_SIZE)

    def get_context_data(self, **kwargs):
        return super().get_context_data(vendor=self.vendor, **kwargs)


class HomeView(SellerRequiredMixin, View):
    def get(self, request):
        to_ship = seller_orders_to_ship(vendor=self.vendor)
        return self.render(
            "home.html",
            {
                "orders_to_ship": to_ship[:HOME_LIST_SIZE],
                "orders_to_ship_count": to_ship.count(),
                "sales": seller_sales_totals(vendor=self.vendor),
                "low_stock": seller_low_stock(vendor=self.vendor)[:HOME_LIST_SIZE],
            },
        )


class ProductListView(SellerRequiredMixin, PagedListMixin, ListView):
    template_name = "vendors/seller/product_list.html"
    context_object_name = "products"

    def get_queryset(self):
        return seller_product_list(vendor=self.vendor)


class ProductCreateView(SellerRequiredMixin, View):
    def get(self, request):
        return self.render("product_form.html", {"form": ProductForm()})

    def post(self, request):
        form = ProductForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render("product_form.html", {"form": form})
        product = vendor_product_create(vendor=self.vendor, data=form.product_data(), images=form.photos())
        messages.success(request, _("“%(title)s” is on sale.") % {"title": product.title})
        return redirect("seller:product-list")


class ProductEditView(SellerRequiredMixin, View):
    def _page(self, product, form):
        return self.render("product_form.html", {"form": form, "product": product})

    def get(self, request, pk: int):
        product = seller_product_get(vendor=self.vendor, pk=pk)
        stockrecord = seller_stockrecord_get(vendor=self.vendor, product=product)
        images = product.images.all()
        form = ProductForm(
            initial=ProductForm.initial_for(product, stockrecord),
            free_photo_slots=MAX_PRODUCT_IMAGES - len(images),
            images=images,
        )
        return self._page(product, form)

    def post(self, request, pk: int):
        product = seller_product_get(vendor=self.vendor, pk=pk)
        images = product.images.all()
        free = MAX_PRODUCT_IMAGES - len(images)
        form = ProductForm(request.POST, request.FILES, free_photo_slots=free, images=images)
        if not form.is_valid():
            return self._page(product, form)
        try:
            vendor_product_update(
                vendor=self.vendor,
                product=product,
                data=form.product_data(),
                images=form.photos(),
                image_order=form.image_order(),
            )
        except TooManyImages:
            form.add_error(None, _("A product can have at most %(max)s photos.") % {"max": MAX_PRODUCT_IMAGES})
            return self._page(product, form)
        messages.success(request, _("Your changes to “%(title)s” are saved.") % {"title": form.cleaned_data["title"]})
        return redirect("seller:product-edit", pk=product.pk)


class ProductStockView(SellerRequiredMixin, View):
    """The quick stock change from the product list."""

    def _page(self, product, form):
        return self.render("product_stock.html", {"form": form, "product": product})

    def get(self, request, pk: int):
        product = seller_product_get(vendor=self.vendor, pk=pk)
        stockrecord = seller_stockrecord_get(vendor=self.vendor, product=product)
        return self._page(product, StockForm(initial={"available": stockrecord.net_stock_level}))

    def post(self, request, pk: int):
        product = seller_product_get(vendor=self.vendor, pk=pk)
        form = StockForm(request.POST)
        if not form.is_valid():
            return self._page(product, form)
        vendor_stock_set(vendor=self.vendor, product=product, available=form.cleaned_data["available"])
        messages.success(
            request,
            _("“%(title)s”: %(available)s for sale.")
            % {"title": product.title, "available": form.cleaned_data["available"]},
        )
        return redirect("seller:product-list")


class ProductDelistView(SellerRequiredMixin, View):
    """Delist (hide from the shop) a product, its own action: a page asks to confirm, its form delists.

    The product form has no delist button: it took the farmer away from the form and lost what she had
    typed (a new price, say); the form's page links here and warns before leaving unsaved edits.
    """

    def get_object(self, pk: int):
        return seller_product_get(vendor=self.vendor, pk=pk)

    def get(self, request, pk: int):
        product = self.get_object(pk)
        return self.render("product_delist.html", {"product": product})

    def post(self, request, pk: int):
        product = self.get_object(pk)
        vendor_product_set_listed(vendor=self.vendor, product=product, listed=False)
        messages.success(request, _("“%(title)s” is hidden from the shop.") % {"title": product.title})
        return redirect("seller:product-list")


class ProductListedView(SellerRequiredMixin, PostOnlyMixin, View):
    """Relist a product (delisting is ProductDelistView, confirmed first)."""

    listed = True

    def get_object(self, pk: int):
        return seller_product_get(vendor=self.vendor, pk=pk)

    def post(self, request, pk: int):
        product = self.get_object(pk)
        vendor_product_set_listed(vendor=self.vendor, product=product, listed=True)
        messages.success(request, _("“%(title)s” is on sale again.") % {"title": product.title})
        return redirect("seller:product-list")


class ProductImageDeleteView(SellerRequiredMixin, PostOnlyMixin, View):
    """Remove one photo of a product."""

    def get_object(self, pk: int, image_pk: int):
        return seller_product_image_get(vendor=self.vendor, product_pk=pk, image_pk=image_pk)

    def post(self, request, pk: int, image_pk: int):
        image = self.get_object(pk, image_pk)
        vendor_product_image_delete(vendor=self.vendor, image=image)
        messages.success(request, _("The photo is removed."))
        return redirect("seller:product-edit", pk=pk)


class OrderListView(SellerRequiredMixin, PagedListMixin, ListView):
    allow_suspended = True
    template_name = "vendors/seller/order_list.html"
    context_object_name = "orders"

    def get_queryset(self):
        if self.request.GET.get("show") == "to-ship":
            return seller_orders_to_ship(vendor=self.vendor)
        return seller_order_list(vendor=self.vendor)

    def get_context_data(self, **kwargs):
        return super().get_context_data(showing_to_ship=self.request.GET.get("show") == "to-ship", **kwargs)


class OrderDetailView(SellerRequiredMixin, View):
    allow_suspended = True
    """The vendor's own lines of one order, the address to ship to, and the parcel form."""

    def _page(self, order, form):
        shipments = seller_order_shipments(vendor=self.vendor, order=order)
        part = order.vendor_part_list[0] if order.vendor_part_list else None
        return self.render("order_detail.html", {"order": order, "form": form, "shipments": shipments, "part": part})

    def get(self, request, number: str):
        order = seller_order_get(vendor=self.vendor, number=number)
        return self._page(order, ShipForm(lines=order.vendor_lines))

    def post(self, request, number: str):
        order = seller_order_get(vendor=self.vendor, number=number)
        form = ShipForm(request.POST, lines=order.vendor_lines)
        if not form.is_valid():
            return self._page(order, form)
        try:
            vendor_lines_ship(
                vendor=self.vendor,
                order=order,
                quantities=form.quantities(),
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                shipped_by=request.user,
            )
        except ShipmentRefused:
            # Someone shipped meanwhile (another phone, another staff member): show what is left now.
            order = seller_order_get(vendor=self.vendor, number=number)
            form = ShipForm(request.POST, lines=order.vendor_lines)
            form.is_valid()
            if order.vendor_part_list and order.vendor_part_list[0].status == OrderPart.Status.CANCELLED:
                form.add_error(None, _("Nothing was shipped: the buyer cancelled your part of this order."))
            else:
                form.add_error(
                    None,
                    _(
                        "Nothing was shipped: an item is not from your shop or more would be shipped than is left. "
                        "The page now shows what is left to ship; please check and try again."
                    ),
                )
            return self._page(order, form)
        messages.success(request, _("Shipped. The buyer can now see the tracking number."))
        return redirect("seller:order-detail", number=number)


class ProfileView(SellerRequiredMixin, View):
    def _page(self, form):
        return self.render("profile.html", {"form": form})

    def get(self, request):
        vendor = self.vendor
        initial = {name: getattr(vendor, name) for name in ProfileForm.FIELDS}
        return self._page(ProfileForm(initial=initial))

    def post(self, request):
        form = ProfileForm(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(form)
        vendor_profile_update(
            vendor=self.vendor,
            data=form.profile_data(),
            logo=form.cleaned_data["logo"],
            banner=form.cleaned_data["banner"],
        )
        messages.success(request, _("Your shop profile is saved."))
        return redirect("seller:profile")
