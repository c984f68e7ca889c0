"""What a search that found nothing offers instead: "did you mean" corrections, popular searches.

- Corrections come from the produce (the second-level categories: 红枣, 小米, 党参 ...) and the
  counties the shops are in, compared with the query by sound: a Chinese query by its pinyin (红早
  sounds like 红枣), a Latin one as pinyin or initials (hongzhao and hzz are close to hongzao and hz).
- The search to run instead (``instead``), shown at once with a line that says so: the closest correction
  of a Latin query (hzz, hongzhao), or of a Chinese one only when it sounds the same (红早 is 红枣 typed
  with the wrong character; 临县 is not 沁县).
- Popular searches are the produce that sold most (units on order lines), then the produce with most
  products. Both lists are computed once every SUGGESTIONS_CACHE_SECONDS and kept in the cache.
"""

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from shop.catalogue.models import Category
from shop.search.terms import HAN, pinyin_of
from vendors.storefront.selectors import storefront_counties

SUGGESTIONS_CACHE_SECONDS = 600
CACHE_KEY = "search:suggestion-words:v1"
MAX_CORRECTIONS = 3
MAX_POPULAR = 12
CLOSE_ENOUGH = 0.75


@dataclass
class Suggestions:
    corrections: list[str] = field(default_factory=list)
    popular: list[str] = field(default_factory=list)
    instead: str | None = None


def _words() -> dict:
    words = cache.get(CACHE_KEY)
    if words is None:
        produce = (
            Category.objects.browsable()
            .filter(depth=2)
            .annotate(
                sold=Coalesce(Sum("product__line__quantity"), 0),
                listed=Count("product", filter=Q(product__is_public=True), distinct=True),
            )
            .filter(listed__gt=0)
            .order_by("-sold", "-listed", "path")
            .values_list("name", flat=True)
        )
        produce = list(produce)
        words = {"popular": produce[:MAX_POPULAR], "vocabulary": list(dict.fromkeys(produce + storefront_counties()))}
        cache.set(CACHE_KEY, words, SUGGESTIONS_CACHE_SECONDS)
    return words


def _closeness(query: str, word: str) -> float:
    spoken = query.replace(" ", "")
    if HAN.search(spoken):
        spoken = pinyin_of(spoken)[0]
    full, initials, _ = pinyin_of(word)
    if not spoken or not full:
        return 0.0
    by_sound = SequenceMatcher(None, spoken, full).ratio()
    by_initials = SequenceMatcher(None, spoken, initials).ratio() if len(spoken) <= len(word) + 1 else 0.0
    return max(by_sound, by_initials)


def search_suggestions(*, query: str) -> Suggestions:
    """Corrections close to the (cleaned) query, most alike first, and the popular searches."""
    words = _words()
    scored = sorted(
        ((_closeness(query, word), word) for word in words["vocabulary"] if word != query and query),
        key=lambda pair: -pair[0],
    )
    corrections = [word for score, word in scored if score >= CLOSE_ENOUGH][:MAX_CORRECTIONS]
    instead = None
    if corrections and (not HAN.search(query) or pinyin_of(query)[0] == pinyin_of(corrections[0])[0]):
        instead = corrections[0]
    return Suggestions(corrections=corrections, popular=words["popular"], instead=instead)
