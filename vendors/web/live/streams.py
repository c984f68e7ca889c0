"""Which platform an event is streamed on, told by its link's host: the label of the button that opens it.

We never host video: the host streams on a platform and the event page links there.
"""

from urllib.parse import urlsplit

from django.utils.translation import pgettext_lazy

# Host suffixes of each platform's live and share links.
PLATFORMS = (
    (("douyin.com", "iesdouyin.com"), pgettext_lazy("live platform", "Douyin")),
    (("kuaishou.com", "gifshow.com", "kwai.com"), pgettext_lazy("live platform", "Kuaishou")),
    (("taobao.com", "tmall.com", "tb.cn"), pgettext_lazy("live platform", "Taobao Live")),
    (("channels.weixin.qq.com", "weixin.qq.com", "wechat.com"), pgettext_lazy("live platform", "WeChat Channels")),
)


def stream_platform(url: str) -> str | None:
    """The platform's name for a stream link, or None for a host we do not know."""
    host = (urlsplit(url).hostname or "").lower()
    for suffixes, label in PLATFORMS:
        if any(host == suffix or host.endswith("." + suffix) for suffix in suffixes):
            return str(label)
    return None
