"""Overrides Oscar's review form: a buyer gives 1 to 5 stars and writes a few words, nothing else.

Oscar asks for a title, a score from 0 and, from a visitor, a name and an e-mail; a buyer reviewing
a purchase is signed in, and the title is the text's first words (vendors.reviews.services).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews import forms as oscar_forms

STARS = [(5, _("5 stars: very good")), (4, _("4 stars")), (3, _("3 stars")), (2, _("2 stars")), (1, _("1 star: bad"))]
BODY_LENGTH = 500


class ProductReviewForm(oscar_forms.ProductReviewForm):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        choices=STARS,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose 1 to 5 stars."),
            "invalid_choice": _("Choose 1 to 5 stars."),
        },
    )
    body = forms.CharField(
        label=_("Your review"),
        max_length=BODY_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("How was it? Taste, freshness, packing…")}),
        error_messages={
            "required": _("Write a few words about what you received."),
            "max_length": _("At most %(limit_value)d characters (you wrote %(show_value)d)."),
        },
    )

    class Meta(oscar_forms.ProductReviewForm.Meta):
        fields = ("score", "body")
