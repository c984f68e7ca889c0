"""Hostile image uploads: refuse what is not a photo we can serve, re-encode the rest.

Rules (docs/architecture.md invariant 5, docs/oscar-pitfalls.md #11):
- The file size is capped before a byte is decoded.
- Only the JPEG, PNG, WEBP and GIF parsers ever see the bytes (``Image.open(formats=...)``), so
  Pillow's other plugins (EPS runs Ghostscript) never parse a vendor's file.
- Our own pixel cap is checked from the header, before ``load()``: Pillow only *warns* below twice
  ``Image.MAX_IMAGE_PIXELS`` and decodes; its warning and its error are refusals here too.
- ``verify()``, then a fresh ``load()``: a truncated file is refused, never padded with grey.
- What is accepted is re-encoded as a new JPEG: EXIF (a farm's GPS position), ICC, XMP, comments
  and trailing bytes do not survive. EXIF orientation is applied first, transparency is flattened
  onto white, the longest side is at most ``max_side``.
- Thumbnails for the storefront are generated ahead of the first page view (``generate_thumbnails``).
"""

import io
import uuid
import warnings
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.base import ContentFile, File
from django.utils.translation import gettext_lazy as _
from oscar.core.thumbnails import get_thumbnailer
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError
from sorl.thumbnail import default

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000
JPEG_QUALITY = 85
# Pillow names a JPEG that carries a second (preview) picture "MPO": many phones write those.
ACCEPTED_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "GIF")
# The formats Image.open may try; MPO is opened by the JPEG plugin.
_PARSERS = ("JPEG", "PNG", "WEBP", "GIF")

ERROR_MESSAGES = {
    "file_too_large": _("The file is too large: an image may be at most %(limit_mb)s MB."),
    "too_many_pixels": _("The image is too large: at most %(limit_megapixels)s megapixels are accepted."),
    "unsupported_format": _("Please upload a JPEG, PNG, WEBP or GIF image. Other files are not accepted."),
    "damaged": _("The image is damaged or incomplete. Please upload it again."),
}

# The geometries and options of Oscar's storefront templates (catalogue/partials/product.html and
# gallery.html, basket, checkout, wishlists). They must match the template tags exactly: sorl names
# a thumbnail after its source, geometry and every option.
STOREFRONT_THUMBNAILS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("x155", {"upscale": False}),
    ("440x400", {"upscale": False}),
    ("200x200", {"upscale": False}),
    ("100x100", {"upscale": False}),
    ("65x55", {"crop": "center"}),
)


class ImageRejected(ValidationError):
    """An upload we refuse; ``code`` is a key of ERROR_MESSAGES, the message is for the uploader."""


class ThumbnailNotGenerated(Exception):
    """Sorl could not read the source image, so a storefront thumbnail is missing."""


def clean_image_upload(
    uploaded: File,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    max_side: int = MAX_SIDE,
) -> ContentFile:
    """Return the upload re-encoded as a metadata-free JPEG named ``<uuid4 hex>.jpg``.

    Nothing is written to storage. Raises ImageRejected (a ValidationError) when the file is too
    big, has too many pixels, is not a JPEG/PNG/WEBP/GIF image, or is damaged or truncated.
    """
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A process-wide switch: with it, Pillow pads a truncated upload with grey and accepts it.
        raise ImproperlyConfigured("PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads.")
    data = _read_capped(uploaded, max_bytes)
    image = _decode(data, max_pixels=max_pixels, max_side=max_side)
    try:
        ImageOps.exif_transpose(image, in_place=True)
    except Exception:
        pass  # an unreadable EXIF block costs only the orientation: it is dropped anyway
    image = _flatten_to_rgb(image)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # Pillow writes info["comment"] on a plain re-save (a JPEG's or GIF's comment, script and all);
    # EXIF, ICC and XMP only when passed, and they are passed empty. Nothing of the original goes out.
    image.info.clear()
    output = io.BytesIO()
    image.save(output, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"", icc_profile=None, comment=b"")
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


class SafeImageField(forms.FileField):
    """A file field that accepts only images and cleans to the re-encoded JPEG (a ContentFile)."""

    default_error_messages = ERROR_MESSAGES

    def __init__(
        self,
        *,
        max_bytes: int = MAX_BYTES,
        max_pixels: int = MAX_PIXELS,
        max_side: int = MAX_SIDE,
        **kwargs: Any,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels
        self.max_side = max_side
        super().__init__(**kwargs)

    def to_python(self, data: Any) -> ContentFile | None:
        uploaded = super().to_python(data)
        if uploaded is None:
            return None
        try:
            return clean_image_upload(
                uploaded, max_bytes=self.max_bytes, max_pixels=self.max_pixels, max_side=self.max_side
            )
        except ImageRejected as rejected:
            # A form may override a message through error_messages=.
            raise ImageRejected(
                self.error_messages[rejected.code], code=rejected.code, params=rejected.params
            ) from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if isinstance(widget, forms.FileInput) and "accept" not in widget.attrs:
            # Phones then offer the camera and the photo gallery.
            attrs["accept"] = "image/*"
        return attrs


def generate_thumbnails(image_field_file: File) -> None:
    """Create the storefront's thumbnails of a stored image now, not during the first page view.

    Call it from a task after the image is saved (docs/oscar-pitfalls.md #11). Raises ThumbnailNotGenerated
    when sorl could not read the source (sorl itself only logs that and returns a missing file).
    """
    thumbnailer = get_thumbnailer()
    for size, options in STOREFRONT_THUMBNAILS:
        thumbnail = thumbnailer.generate_thumbnail(image_field_file, size=size, **options)
        if default.kvstore.get(thumbnail) is None:
            raise ThumbnailNotGenerated(f"{image_field_file.name} at {size}")


def _reject(code: str, **params: Any) -> ImageRejected:
    return ImageRejected(ERROR_MESSAGES[code], code=code, params=params or None)


def _read_capped(uploaded: File, max_bytes: int) -> bytes:
    limit_mb = f"{max_bytes / (1024 * 1024):g}"
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        raise _reject("file_too_large", limit_mb=limit_mb)
    uploaded.seek(0)
    # Never trust the reported size alone: read one byte past the cap.
    data = uploaded.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise _reject("file_too_large", limit_mb=limit_mb)
    return data


def _decode(data: bytes, *, max_pixels: int, max_side: int) -> Image.Image:
    """Open, check and fully decode the first frame; every failure is an ImageRejected."""
    limit_megapixels = f"{max_pixels / 1_000_000:g}"
    # catch_warnings() swaps process-wide filters, so a thread may briefly run without this one; with the
    # default caps our own (40 megapixels, below Pillow's 89) still refuses those images.
    with warnings.catch_warnings():
        # Between MAX_IMAGE_PIXELS and twice that, Pillow only warns and decodes.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=_PARSERS)
            if image.format not in ACCEPTED_FORMATS:
                raise _reject("unsupported_format")
            width, height = image.size
            if width * height > max_pixels:
                raise _reject("too_many_pixels", limit_megapixels=limit_megapixels)
            # verify() checks what it can (PNG chunk checksums) without decoding, and leaves the
            # image unusable: decode from a fresh parse.
            image.verify()
            image = Image.open(io.BytesIO(data), formats=_PARSERS)
            # A JPEG far larger than needed is decoded at 1/2, 1/4 or 1/8 scale: less memory, less time.
            scale = max_side / max(width, height)
            if scale < 1:
                image.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
            image.load()
        except ImageRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _reject("too_many_pixels", limit_megapixels=limit_megapixels) from None
        except UnidentifiedImageError:
            raise _reject("unsupported_format") from None
        except Exception:  # Pillow raises many types on hostile bytes; all of them mean damaged
            raise _reject("damaged") from None
    return image


def _flatten_to_rgb(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I;16"):
        # Pillow clips 16-bit greyscale when converting it to RGB (most of it turns white): scale it to 8 bits.
        image = image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if not image.has_transparency_data:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    flattened = Image.new("RGB", rgba.size, (255, 255, 255))
    flattened.paste(rgba, mask=rgba.getchannel("A"))
    return flattened
