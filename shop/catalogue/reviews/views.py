"""Overrides Oscar's review writing: only a buyer reviews, one delivered order line at a time; and the
list of a product's reviews, which loads the reviewers and the photos with the page (not one query each).

Oscar lets anyone (a visitor too, with OSCAR_ALLOW_ANON_REVIEWS) review any product once; here the
page asks for a line of the buyer's own order (``?line=``, from the order page's 写评论) whose shop's
part is delivered (vendors.reviews). Oscar's own dispatch is skipped: its one-review-per-product check
would refuse a buyer's second purchase of the same product.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView
from oscar.apps.catalogue.reviews import views as oscar_views

from vendors.reviews.selectors import buyer_reviewable_line, product_reviews
from vendors.reviews.services import ReviewNotAllowed, TooManyReviewPhotos, review_write
from vendors.storefront.selectors import storefront_product_detail_queryset


class CreateProductReview(oscar_views.CreateProductReview):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.product = get_object_or_404(storefront_product_detail_queryset(), pk=kwargs["product_pk"], is_public=True)
        self.line = buyer_reviewable_line(
            user=request.user, product=self.product, line_pk=request.POST.get("line", request.GET.get("line"))
        )
        if self.line is None:
            messages.warning(
                request, _("Only a buyer who received this product can review it, once for each purchase.")
            )
            return redirect(self.product.get_absolute_url())
        return CreateView.dispatch(self, request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["line"] = self.line
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = review_write(
                buyer=self.request.user, line=self.line, score=data["score"], body=data["body"], photos=form.photos()
            )
        except (ReviewNotAllowed, TooManyReviewPhotos) as refused:
            form.add_error(None, str(refused))
            return self.form_invalid(form)
        response = redirect(self.get_success_url())
        self.send_signal(self.request, response, self.object)
        return response

    def get_success_url(self):
        messages.success(self.request, _("Thank you for your review."))
        return self.product.get_absolute_url()


class ProductReviewList(oscar_views.ProductReviewList):
    def get_queryset(self):
        return product_reviews(queryset=super().get_queryset())
