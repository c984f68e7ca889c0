"""Overrides Oscar's ProductReview: a review belongs to one order line (the purchase it reviews).

Oscar lets anyone review a product once (unique product + user); we let a buyer review each delivered
order line once, so a buyer who bought the same dates twice reviews both purchases. Forking the model
(not a side model) because Oscar's unique (product, user) constraint must go.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews.abstract_models import AbstractProductReview


class ProductReview(AbstractProductReview):
    order_line = models.OneToOneField(
        "order.Line",
        verbose_name=_("Order line"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review",
    )

    class Meta(AbstractProductReview.Meta):
        unique_together = ()

    @property
    def is_purchase(self) -> bool:
        return self.order_line_id is not None

    @property
    def public_name(self) -> str:
        """Who wrote it, as a Chinese shop shows a reviewer to everyone: the family name (or the name's first
        character) and two stars (王大山 -> 王**), 匿名买家 without a name; never a whole name or a phone number."""
        if self.user:
            name = (self.user.last_name.strip() or self.user.first_name.strip())[:1]
        else:
            name = (self.name or "").strip()[:1]
        return f"{name}**" if name else str(_("Anonymous buyer"))


from oscar.apps.catalogue.reviews.models import *  # noqa: E402, F403
