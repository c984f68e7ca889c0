"""URL slugs from Chinese titles: 临县红枣 特级 -> lin-xian-hong-zao-te-ji.

Oscar's default drops Chinese characters (empty slugs) or keeps them raw
(percent-encoded URLs that break sharing and some clients).
"""

from django.utils.text import slugify
from pypinyin import lazy_pinyin


def pinyin_slugify(value: str, allow_unicode: bool = False) -> str:
    return slugify(" ".join(lazy_pinyin(value)))
