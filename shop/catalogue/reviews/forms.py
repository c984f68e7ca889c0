"""Overrides Oscar's review form: a buyer gives 1 to 5 stars, writes a few words and may add up to
three photos of what arrived (re-encoded like a product photo: vendors.listings.uploads).

Oscar asks for a title, a score from 0 and, from a visitor, a name and an e-mail; a buyer reviewing
a purchase is signed in, and the title is the text's first words (vendors.reviews.services).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.catalogue.reviews import forms as oscar_forms

from vendors.listings.uploads import SafeImageField
from vendors.reviews.services import REVIEW_PHOTOS_MAX

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.photo_names = [f"photo_{n}" for n in range(1, REVIEW_PHOTOS_MAX + 1)]
        for n, name in enumerate(self.photo_names, start=1):
            self.fields[name] = SafeImageField(label=_("Photo %(number)s") % {"number": n}, required=False)

    @property
    def photo_fields(self):
        return [self[name] for name in self.photo_names]

    def photos(self) -> list:
        """The re-encoded uploads (ContentFile), in input order."""
        return [self.cleaned_data[name] for name in self.photo_names if self.cleaned_data.get(name)]
