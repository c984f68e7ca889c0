"""The home page: what a buyer arriving from a live stream or a search looks for first."""

from django.views import generic

from shop.catalogue.models import Category
from vendors.live.selectors import live_event_lists
from vendors.storefront.selectors import storefront_best_sellers, storefront_counties, storefront_featured_vendors


class HomeView(generic.TemplateView):
    """Live sales now and coming up, the top categories, counties and shops to visit, best sellers."""

    template_name = "vendors/home/home.html"

    def get_context_data(self, **kwargs):
        lists = live_event_lists()
        return {
            **super().get_context_data(**kwargs),
            "live": lists["live"],
            "upcoming": lists["upcoming"][:3],
            "categories": list(Category.objects.filter(depth=1, is_public=True).order_by("path")),
            "counties": storefront_counties()[:8],
            "vendors": storefront_featured_vendors(),
            "best_sellers": storefront_best_sellers(),
        }
