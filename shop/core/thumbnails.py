"""Oscar's sorl-thumbnail thumbnailer (OSCAR_THUMBNAILER), once more when sorl's key-value store races.

sorl records a new thumbnail in its key-value store and then checks that the source image is recorded
too. When two threads of a server make the same new thumbnail at once (the first renders of a new
product under a crowd), one may find the source missing: the other cached "no such source" from the
database just before the first recorded it. sorl then raises, and Oscar's tag renders the page without
the picture, a page the page cache would serve to everyone for a few seconds. The thumbnail itself was
recorded before the check failed, so asking again finds it.
"""

from oscar.core.thumbnails import SorlThumbnail
from sorl.thumbnail.helpers import ThumbnailError


class RetryingSorlThumbnail(SorlThumbnail):
    def generate_thumbnail(self, source, **opts):
        try:
            return super().generate_thumbnail(source, **dict(opts))  # Oscar's pops the size from its options
        except ThumbnailError:
            return super().generate_thumbnail(source, **opts)
