"""Every hostile file is made here, in the test: no binary fixture is committed."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageDraw, ImageFile

from vendors.listings.uploads import ImageRejected, SafeImageField, clean_image_upload

TOO_BIG_FILE = "文件太大：图片不能超过 10 MB。"
TOO_MANY_PIXELS = "图片尺寸太大：最多 40 百万像素。"
NOT_AN_IMAGE = "请上传 JPEG、PNG、WEBP 或 GIF 格式的图片，不接受其他文件。"
DAMAGED = "图片已损坏或不完整，请重新上传。"
WHITE = (255, 255, 255)
# Segment markers a bare baseline JPEG needs; APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM must not appear.
BARE_JPEG_MARKERS = {"APP0", "DQT", "SOF0", "DHT"}
SCRIPT = b"<script>alert(1)</script>"


def _upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _encoded(image: Image.Image, format: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def _photo(size: tuple[int, int] = (800, 600)) -> Image.Image:
    """A photo-like picture: noise compresses badly, as real photos do."""
    return Image.merge("RGB", [Image.effect_noise(size, 40)] * 3)


def _drawing(size: tuple[int, int]) -> Image.Image:
    """A large picture that is cheap to make and encode."""
    image = Image.new("RGB", size, (0, 0, 255))
    ImageDraw.Draw(image).ellipse((0, 0, size[0] - 1, size[1] - 1), fill=(255, 200, 0))
    return image


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _black_bilevel_png(width: int, height: int, *, rows_of_pixels: int | None = None) -> bytes:
    """A 1-bit PNG built by hand (cheaper than Pillow's encoder at 20000x20000).

    ``rows_of_pixels`` smaller than ``height`` gives a header that claims more than the file holds.
    """
    rows = height if rows_of_pixels is None else rows_of_pixels
    pixels = bytes((1 + (width + 7) // 8) * rows)  # each row: filter type 0, then all-black bits
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(pixels, 9))
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_markers(data: bytes) -> set[str]:
    """The names of a JPEG's segments before its image data."""
    names = {0xE0: "APP0", 0xDB: "DQT", 0xC0: "SOF0", 0xC2: "SOF2", 0xC4: "DHT", 0xDD: "DRI", 0xFE: "COM"}
    markers, offset = set(), 2
    while data[offset] == 0xFF and data[offset + 1] != 0xDA:
        marker = data[offset + 1]
        markers.add(names.get(marker, f"APP{marker - 0xE0}" if 0xE1 <= marker <= 0xEF else hex(marker)))
        offset += 2 + int.from_bytes(data[offset + 2 : offset + 4], "big")
    return markers


def _opened(cleaned: ContentFile) -> Image.Image:
    cleaned.seek(0)
    return Image.open(io.BytesIO(cleaned.read()))


def _rejection(uploaded, **limits) -> ImageRejected:
    with pytest.raises(ImageRejected) as rejected:
        clean_image_upload(uploaded, **limits)
    return rejected.value


# Refusals


def test_a_png_whose_header_claims_10_gigapixels_is_refused_by_pillows_bomb_error():
    # given a 100 kB PNG whose header claims 100000x100000 pixels (one row of data follows)
    uploaded = _upload(_black_bilevel_png(100_000, 100_000, rows_of_pixels=1), "bomb.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused as too large, not decoded
    assert rejection.messages == [TOO_MANY_PIXELS]
    assert rejection.code == "too_many_pixels"


def test_a_header_over_our_pixel_cap_is_refused_before_any_decoding():
    # given a PNG claiming 6400x6400 (41 megapixels: under Pillow's own limit) with one row of data
    uploaded = _upload(_black_bilevel_png(6400, 6400, rows_of_pixels=1), "big.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then our cap refuses it from the header (decoding would have found it truncated: "damaged")
    assert rejection.messages == [TOO_MANY_PIXELS]


def test_a_highly_compressible_20000x20000_png_is_refused():
    # given a real, complete 20000x20000 PNG of 49 kB (400 megapixels once decoded)
    data = _black_bilevel_png(20_000, 20_000)
    uploaded = _upload(data, "black.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused
    assert len(data) < 50_000
    assert rejection.messages == [TOO_MANY_PIXELS]


def test_pillows_decompression_bomb_warning_is_a_refusal(monkeypatch):
    # given Pillow's bomb limit below the image (it then only warns) and our own cap above it
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 6000)
    uploaded = _upload(_encoded(_photo((100, 100)), "PNG"), "photo.png", "image/png")

    # when it is cleaned with a pixel cap that would accept it
    rejection = _rejection(uploaded, max_pixels=1_000_000)

    # then the warning alone refuses it
    assert rejection.messages == ["图片尺寸太大：最多 1 百万像素。"]


def test_a_picture_over_a_lower_pixel_cap_is_refused():
    # given a 1200x900 photo
    uploaded = _upload(_encoded(_photo((1200, 900)), "JPEG"))

    # when it is cleaned with a 1-megapixel cap
    rejection = _rejection(uploaded, max_pixels=1_000_000)

    # then it is refused, the message stating that cap
    assert rejection.messages == ["图片尺寸太大：最多 1 百万像素。"]


def test_a_truncated_jpeg_is_refused_not_padded():
    # given the first half of a JPEG
    data = _encoded(_photo(), "JPEG")
    uploaded = _upload(data[: len(data) // 2])

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused as damaged
    assert rejection.messages == [DAMAGED]
    assert rejection.code == "damaged"


def test_a_truncated_large_jpeg_is_refused_when_decoded_at_reduced_scale():
    # given the first 90% of a 4000x3000 JPEG (decoded at half size for a 2000px result)
    data = _encoded(_drawing((4000, 3000)), "JPEG")
    uploaded = _upload(data[: len(data) * 9 // 10])

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused as damaged
    assert rejection.messages == [DAMAGED]


def test_a_truncated_png_is_refused():
    # given a PNG cut off inside its image data
    data = _encoded(_photo(), "PNG")
    uploaded = _upload(data[: len(data) // 2], "photo.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused as damaged
    assert rejection.messages == [DAMAGED]


def test_a_png_with_a_wrong_checksum_is_refused():
    # given a PNG whose image data is intact but whose chunk checksum is wrong (decoding ignores it)
    data = bytearray(_encoded(_photo((64, 64)), "PNG"))
    idat = data.index(b"IDAT")
    data[idat + 4 + int.from_bytes(data[idat - 4 : idat], "big")] ^= 0xFF
    uploaded = _upload(bytes(data), "photo.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then verify() refuses it as damaged
    assert rejection.messages == [DAMAGED]


def test_a_png_with_flipped_image_data_is_refused():
    # given a PNG with one flipped byte inside its compressed image data
    data = bytearray(_encoded(_photo((64, 64)), "PNG"))
    data[data.index(b"IDAT") + 20] ^= 0xFF
    uploaded = _upload(bytes(data), "photo.png", "image/png")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused as damaged
    assert rejection.messages == [DAMAGED]


def test_truncated_images_cannot_be_accepted_even_if_someone_switches_pillow_to_allow_them(monkeypatch):
    # given Pillow told to pad truncated images (a process-wide switch)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = _encoded(_photo(), "JPEG")

    # when a truncated JPEG is cleaned
    with pytest.raises(ImproperlyConfigured) as error:
        clean_image_upload(_upload(data[: len(data) // 2]))

    # then uploads stop instead of accepting it
    assert str(error.value) == "PIL.ImageFile.LOAD_TRUNCATED_IMAGES must stay False for uploads."


@pytest.mark.parametrize(
    "name, content_type, data",
    [
        (
            "logo.svg",
            "image/svg+xml",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>',
        ),
        ("photo.jpg", "image/jpeg", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("photo.jpg", "image/jpeg", b"\xff\xd8\xff" + b"<html><script>alert(1)</script></html>"),
        ("photo.jpg", "image/jpeg", b""),
        ("price-list.jpg", "image/jpeg", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"),
        ("run.jpg", "image/jpeg", b"#!/bin/sh\nrm -rf /\n"),
    ],
    ids=["svg", "html-renamed-jpg", "html-behind-jpeg-magic", "empty", "pdf-renamed-jpg", "script-renamed-jpg"],
)
def test_files_that_are_not_images_are_refused(name, content_type, data):
    # given a file that is not a picture, whatever its name and content type say
    uploaded = _upload(data, name, content_type)

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused with the list of accepted formats
    assert rejection.messages == [NOT_AN_IMAGE]
    assert rejection.code == "unsupported_format"


@pytest.mark.parametrize("format", ["PDF", "BMP", "TIFF", "ICO", "PPM"])
def test_real_pictures_in_other_formats_are_refused(format):
    # given a picture Pillow itself can write, in a format we do not accept
    uploaded = _upload(_encoded(_photo((64, 64)), format), "photo.jpg")

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused with the list of accepted formats
    assert rejection.messages == [NOT_AN_IMAGE]


def test_a_30_mb_file_is_refused_without_being_read():
    # given a 30 MB upload
    uploaded = _upload(b"\xff\xd8\xff\xe0" + bytes(30 * 1024 * 1024))

    # when it is cleaned
    rejection = _rejection(uploaded)

    # then it is refused from its size alone: nothing was read
    assert rejection.messages == [TOO_BIG_FILE]
    assert rejection.code == "file_too_large"
    assert uploaded.tell() == 0


def test_a_file_that_lies_about_its_size_is_refused_once_the_cap_is_read():
    # given a 2 MB file that claims to be 10 bytes long
    uploaded = File(io.BytesIO(bytes(2 * 1024 * 1024)), name="photo.jpg")
    uploaded.size = 10

    # when it is cleaned with a 1 MB cap
    rejection = _rejection(uploaded, max_bytes=1024 * 1024)

    # then it is refused after reading one byte past the cap
    assert rejection.messages == ["文件太大：图片不能超过 1 MB。"]
    assert uploaded.tell() == 1024 * 1024 + 1


def test_the_size_limit_in_the_message_follows_the_cap():
    # given a 600 kB file
    uploaded = _upload(bytes(600 * 1024))

    # when it is cleaned with a 0.5 MB cap
    rejection = _rejection(uploaded, max_bytes=512 * 1024)

    # then the message states 0.5 MB
    assert rejection.messages == ["文件太大：图片不能超过 0.5 MB。"]


# Accepted files, re-encoded


def test_a_png_with_trailing_html_is_accepted_and_loses_the_payload():
    # given a valid PNG followed by an HTML page (a polyglot that sniffs as HTML)
    data = _encoded(_photo((64, 48)), "PNG") + b"<html><script>alert(1)</script></html>"
    uploaded = _upload(data, "photo.png", "image/png")

    # when it is cleaned
    cleaned = clean_image_upload(uploaded)

    # then the output is a fresh JPEG without the payload
    output = cleaned.read()
    assert b"<script" in data
    assert b"<script" not in output
    assert b"<html" not in output
    assert output[:3] == b"\xff\xd8\xff"
    assert output.endswith(b"\xff\xd9")
    assert _opened(cleaned).size == (64, 48)


def test_a_jpeg_with_gps_exif_and_a_script_comment_loses_all_its_metadata():
    # given a phone photo with a GPS position, a camera model and a comment holding a script
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi Note 12"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (37.0, 57.0, 12.5),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (110.0, 59.0, 45.25),
        }
    )
    data = _encoded(_photo((640, 480)), "JPEG", exif=exif.tobytes(), comment=SCRIPT)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"

    # when it is cleaned
    cleaned = clean_image_upload(_upload(data))

    # then no EXIF, GPS, comment or script is left
    output = cleaned.read()
    reopened = _opened(cleaned)
    assert _jpeg_markers(output) == BARE_JPEG_MARKERS
    assert b"<script" not in output
    assert b"Xiaomi" not in output
    assert b"Exif" not in output
    assert dict(reopened.getexif()) == {}
    assert reopened.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert "comment" not in reopened.info
    assert "exif" not in reopened.info


def test_a_jpeg_with_an_icc_profile_and_xmp_loses_them():
    # given a JPEG carrying an ICC profile and an XMP packet
    data = _encoded(_photo((64, 48)), "JPEG", icc_profile=b"\0" * 128 + b"<script>", xmp=b"<x:xmpmeta>" + SCRIPT)

    # when it is cleaned
    output = clean_image_upload(_upload(data)).read()

    # then only the segments a bare JPEG needs remain
    assert _jpeg_markers(data) == BARE_JPEG_MARKERS | {"APP1", "APP2"}
    assert _jpeg_markers(output) == BARE_JPEG_MARKERS
    assert b"<script" not in output


def test_a_gif_with_a_comment_is_accepted_and_loses_the_comment():
    # given a two-frame GIF with a comment holding a script
    first, second = Image.new("P", (40, 30), 1), Image.new("P", (40, 30), 2)
    first.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0] * 759)
    second.putpalette([0, 0, 0, 255, 0, 0, 0, 0, 255] + [0] * 759)
    data = _encoded(first, "GIF", save_all=True, append_images=[second], comment=SCRIPT)
    assert Image.open(io.BytesIO(data)).info["comment"] == SCRIPT

    # when it is cleaned
    cleaned = clean_image_upload(_upload(data, "hello.gif", "image/gif"))

    # then the first frame is kept as a JPEG without the comment
    output = cleaned.read()
    reopened = _opened(cleaned)
    assert b"<script" not in output
    assert _jpeg_markers(output) == BARE_JPEG_MARKERS
    assert "comment" not in reopened.info
    assert reopened.format == "JPEG"
    red, green, blue = reopened.getpixel((20, 15))
    assert red > 240 and green < 15 and blue < 15


def test_a_transparent_png_is_flattened_onto_white():
    # given an RGBA PNG, transparent but for a black square in the middle
    image = Image.new("RGBA", (64, 64), (255, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill=(0, 0, 0, 255))
    uploaded = _upload(_encoded(image, "PNG"), "logo.png", "image/png")

    # when it is cleaned
    reopened = _opened(clean_image_upload(uploaded))

    # then the transparent part is white (not the hidden red, not black) and the square stays black
    assert reopened.mode == "RGB"
    assert reopened.getpixel((0, 0)) == WHITE
    assert reopened.getpixel((63, 63)) == WHITE
    assert max(reopened.getpixel((32, 32))) < 10


def test_a_gif_with_a_transparent_colour_is_flattened_onto_white():
    # given a palette GIF whose background colour is marked transparent
    image = Image.new("P", (64, 64), 0)
    image.putpalette([0, 0, 0, 0, 128, 0] + [0] * 762)
    ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill=1)
    data = _encoded(image, "GIF", transparency=0)

    # when it is cleaned
    reopened = _opened(clean_image_upload(_upload(data, "logo.gif", "image/gif")))

    # then the transparent background is white
    assert reopened.getpixel((0, 0)) == WHITE


def test_a_4000x3000_phone_photo_with_exif_orientation_6_is_rotated_and_downscaled():
    # given a landscape 4000x3000 sensor image, red in its top-left corner, tagged "rotate 90° clockwise"
    image = Image.new("RGB", (4000, 3000), (0, 0, 255))
    ImageDraw.Draw(image).rectangle((0, 0, 999, 749), fill=(255, 0, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    uploaded = _upload(_encoded(image, "JPEG", exif=exif.tobytes()), "IMG_20260501_101500.jpg")

    # when it is cleaned
    cleaned = clean_image_upload(uploaded)

    # then it stands upright (portrait, red now top-right), at most 2000px, with no orientation tag left
    reopened = _opened(cleaned)
    assert reopened.size == (1500, 2000)
    red, green, blue = reopened.getpixel((1400, 100))
    assert red > 240 and green < 15 and blue < 15
    red, green, blue = reopened.getpixel((100, 100))
    assert red < 15 and green < 15 and blue > 240
    assert dict(reopened.getexif()) == {}


def test_a_16_bit_greyscale_png_keeps_its_brightness():
    # given a 16-bit greyscale PNG at 61% grey (40000 of 65535)
    uploaded = _upload(_encoded(Image.new("I;16", (64, 48), 40000), "PNG"), "scan.png", "image/png")

    # when it is cleaned
    reopened = _opened(clean_image_upload(uploaded))

    # then it is the same grey in 8 bits, not clipped to white
    assert reopened.getpixel((0, 0)) == (156, 156, 156)


@pytest.mark.parametrize("size, expected", [((3000, 600), (2000, 400)), ((600, 2400), (500, 2000))])
def test_the_longest_side_is_brought_down_to_2000px(size, expected):
    # given a panorama or a tall picture
    uploaded = _upload(_encoded(_drawing(size), "PNG"), "wide.png", "image/png")

    # when it is cleaned
    reopened = _opened(clean_image_upload(uploaded))

    # then its longest side is 2000px and its proportions are kept
    assert reopened.size == expected


def test_a_small_picture_is_not_enlarged():
    # given a 300x200 picture
    uploaded = _upload(_encoded(_photo((300, 200)), "JPEG"))

    # when it is cleaned
    reopened = _opened(clean_image_upload(uploaded))

    # then it keeps its size
    assert reopened.size == (300, 200)


@pytest.mark.parametrize(
    "format, options",
    [
        ("JPEG", {}),
        ("PNG", {}),
        ("WEBP", {}),
        ("GIF", {}),
        ("MPO", {"save_all": True, "append_images": [Image.new("RGB", (32, 24))]}),
    ],
)
def test_accepted_formats_come_out_as_a_named_jpeg_and_nothing_is_stored(format, options, settings):
    # given a picture in an accepted format (MPO: how Pillow sees many phones' JPEGs)
    uploaded = _upload(_encoded(Image.new("RGB", (64, 48), (0, 128, 0)), format, **options), "photo")

    # when it is cleaned
    cleaned = clean_image_upload(uploaded)

    # then it is a JPEG named <uuid4 hex>.jpg, and storage was not touched
    assert isinstance(cleaned, ContentFile)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", cleaned.name)
    reopened = _opened(cleaned)
    assert reopened.format == "JPEG"
    assert reopened.size == (64, 48)
    assert not Path(settings.MEDIA_ROOT).exists()


def test_every_cleaned_file_gets_its_own_name():
    # given the same picture uploaded twice
    data = _encoded(_photo((64, 48)), "JPEG")

    # when both are cleaned
    names = {clean_image_upload(_upload(data)).name, clean_image_upload(_upload(data)).name}

    # then their names differ
    assert len(names) == 2


# The form field


class PhotoForm(forms.Form):
    photo = SafeImageField()


class OptionalPhotoForm(forms.Form):
    photo = SafeImageField(required=False, max_bytes=1024 * 1024)


def test_the_field_cleans_to_the_re_encoded_jpeg():
    # given a form with a PNG upload
    form = PhotoForm(files={"photo": _upload(_encoded(_photo((64, 48)), "PNG"), "photo.png", "image/png")})

    # when it is validated
    valid = form.is_valid()

    # then the cleaned value is the JPEG, not the upload
    assert valid is True
    cleaned = form.cleaned_data["photo"]
    assert isinstance(cleaned, ContentFile)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", cleaned.name)
    assert _opened(cleaned).format == "JPEG"


def test_the_field_refuses_a_hostile_file_with_the_chinese_message():
    # given a form with an HTML page renamed to .jpg
    form = PhotoForm(files={"photo": _upload(b"<html><script>alert(1)</script></html>")})

    # when it is validated
    valid = form.is_valid()

    # then the field carries the message
    assert valid is False
    assert form.errors == {"photo": [NOT_AN_IMAGE]}
    assert form.errors.as_data()["photo"][0].code == "unsupported_format"


def test_the_field_passes_its_limits_on():
    # given an optional field capped at 1 MB and a 2 MB upload
    form = OptionalPhotoForm(files={"photo": _upload(bytes(2 * 1024 * 1024))})

    # when it is validated
    valid = form.is_valid()

    # then the message states the field's cap
    assert valid is False
    assert form.errors == {"photo": ["文件太大：图片不能超过 1 MB。"]}


def test_an_empty_optional_field_cleans_to_none():
    # given an optional field and no file
    form = OptionalPhotoForm(data={}, files={})

    # when it is validated
    valid = form.is_valid()

    # then the value is None
    assert valid is True
    assert form.cleaned_data == {"photo": None}


def test_an_empty_required_field_is_refused():
    # given a required field and no file
    form = PhotoForm(data={}, files={})

    # when it is validated
    valid = form.is_valid()

    # then Django's own message is shown
    assert valid is False
    assert form.errors == {"photo": ["这个字段是必填项。"]}


def test_a_form_can_override_a_message():
    # given a field with its own wording for an unsupported file
    class LogoForm(forms.Form):
        logo = SafeImageField(error_messages={"unsupported_format": "请上传店铺标志的照片"})

    form = LogoForm(files={"logo": _upload(b"%PDF-1.4\n", "logo.pdf", "application/pdf")})

    # when it is validated
    valid = form.is_valid()

    # then that wording is used
    assert valid is False
    assert form.errors == {"logo": ["请上传店铺标志的照片"]}


def test_the_widget_lets_phones_open_the_camera_or_gallery():
    # given the form field
    # when it is rendered
    html = str(PhotoForm()["photo"])

    # then the input accepts images
    assert html == '<input type="file" name="photo" accept="image/*" required id="id_photo">'
