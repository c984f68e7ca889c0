"""Oscar silently falls back to its own class when an override is misspelled: check each one."""

import pytest
from django.conf import settings
from oscar.core.loading import get_class

from shop.basket import views as basket_views
from shop.catalogue import views as catalogue_views
from shop.catalogue.reviews import forms as review_forms
from shop.catalogue.reviews import views as review_views
from shop.checkout import forms as checkout_forms
from shop.checkout import session as checkout_session
from shop.checkout import utils as checkout_utils
from shop.checkout import views as checkout_views
from shop.customer import forms as customer_forms
from shop.customer import views as customer_views
from shop.dashboard import views as dashboard_views
from shop.dashboard.catalogue import tables as dashboard_tables
from shop.dashboard.orders import views as dashboard_order_views
from shop.dashboard.users import tables as dashboard_user_tables
from shop.order import utils as order_utils
from shop.shipping import repository as shipping_repository


@pytest.mark.parametrize(
    "module, name, ours",
    [
        ("catalogue.views", "CatalogueView", catalogue_views.CatalogueView),
        ("catalogue.views", "ProductCategoryView", catalogue_views.ProductCategoryView),
        ("catalogue.views", "ProductDetailView", catalogue_views.ProductDetailView),
        ("catalogue.reviews.views", "CreateProductReview", review_views.CreateProductReview),
        ("catalogue.reviews.views", "ProductReviewList", review_views.ProductReviewList),
        ("catalogue.reviews.forms", "ProductReviewForm", review_forms.ProductReviewForm),
        ("basket.views", "BasketAddView", basket_views.BasketAddView),
        ("checkout.forms", "ShippingAddressForm", checkout_forms.ShippingAddressForm),
        ("checkout.views", "IndexView", checkout_views.IndexView),
        ("checkout.views", "ShippingAddressView", checkout_views.ShippingAddressView),
        ("checkout.views", "UserAddressUpdateView", checkout_views.UserAddressUpdateView),
        ("checkout.views", "PaymentMethodView", checkout_views.PaymentMethodView),
        ("checkout.views", "PaymentDetailsView", checkout_views.PaymentDetailsView),
        ("dashboard.catalogue.tables", "ProductTable", dashboard_tables.ProductTable),
        ("dashboard.views", "IndexView", dashboard_views.IndexView),
        ("dashboard.orders.views", "OrderListView", dashboard_order_views.OrderListView),
        ("customer.views", "OrderHistoryView", customer_views.OrderHistoryView),
        ("customer.forms", "EmailAuthenticationForm", customer_forms.EmailAuthenticationForm),
        ("customer.views", "AddressCreateView", customer_views.AddressCreateView),
        ("customer.views", "AddressUpdateView", customer_views.AddressUpdateView),
        ("customer.views", "AccountAuthView", customer_views.AccountAuthView),
        ("customer.views", "AccountRegistrationView", customer_views.AccountRegistrationView),
        ("customer.views", "PhoneSignInView", customer_views.PhoneSignInView),
        ("customer.views", "PhonePasswordResetView", customer_views.PhonePasswordResetView),
        ("customer.views", "GuestOrderLookupView", customer_views.GuestOrderLookupView),
        ("customer.views", "RegionsView", customer_views.RegionsView),
        ("customer.views", "AnonymousOrderFormView", customer_views.AnonymousOrderFormView),
        ("checkout.forms", "GatewayForm", checkout_forms.GatewayForm),
        ("checkout.session", "CheckoutSessionMixin", checkout_session.CheckoutSessionMixin),
        ("checkout.utils", "CheckoutSessionData", checkout_utils.CheckoutSessionData),
        ("dashboard.catalogue.tables", "CategoryTable", dashboard_tables.CategoryTable),
        ("dashboard.users.tables", "UserTable", dashboard_user_tables.UserTable),
        ("order.utils", "OrderCreator", order_utils.OrderCreator),
        ("shipping.repository", "Repository", shipping_repository.Repository),
    ],
)
def test_get_class_resolves_to_our_override(module, name, ours):
    assert get_class(module, name) is ours


def test_the_slug_function_is_ours():
    assert settings.OSCAR_SLUG_FUNCTION == "shop.core.slugs.pinyin_slugify"


def test_the_strategy_and_search_index_are_ours():
    from shop.partner import strategy
    from shop.search import search_indexes

    assert get_class("partner.strategy", "Selector") is strategy.Selector
    assert get_class("search.search_indexes", "ProductIndex") is search_indexes.ProductIndex


def test_the_search_page_and_its_form_are_ours():
    from django.urls import resolve

    from shop.search import forms as search_forms
    from shop.search.views import search as search_views

    assert get_class("search.forms", "SearchForm") is search_forms.SearchForm
    assert get_class("search.views", "FacetedSearchView") is search_views.FacetedSearchView
    assert resolve("/search/").func.view_class is search_views.FacetedSearchView


def test_oscar_uses_our_stock_record():
    from oscar.core.loading import get_model

    from shop.partner.models import StockRecord

    assert get_model("partner", "StockRecord") is StockRecord


def test_oscar_uses_our_basket():
    from oscar.core.loading import get_model

    from shop.basket.models import Basket

    assert get_model("basket", "Basket") is Basket


def test_oscar_uses_our_product_review():
    from oscar.core.loading import get_model

    from shop.catalogue.reviews.models import ProductReview

    assert get_model("reviews", "ProductReview") is ProductReview
