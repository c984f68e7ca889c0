"""The demo catalogue's product photos, drawn with Pillow: produce, its pack and its fields, with no text.

No words at all on the pictures: a caption would need a CJK font the machine may not have, and an
English one would be English on a Chinese page. Each picture is a stable function of its key, so
running the seed again draws the same files.
"""

import colorsys
import hashlib
import io

from PIL import Image, ImageDraw

SIZE = 600
INK = (70, 45, 25)

# The produce's look, by the CSV's English sub-category: (shape, colour).
STYLES = {
    "Red dates": ("ovals", (150, 28, 30)),
    "Walnuts": ("nuts", (160, 120, 75)),
    "Codonopsis": ("roots", (205, 170, 120)),
    "Astragalus": ("roots", (225, 200, 140)),
    "Yuba": ("sticks", (235, 205, 120)),
    "Tofu": ("blocks", (60, 55, 55)),
    "Moxa sticks": ("sticks", (150, 160, 110)),
    "Moxa floss": ("tufts", (190, 190, 150)),
    "Apples": ("fruit", (200, 35, 40)),
    "Pears": ("fruit", (205, 205, 90)),
    "Millet": ("grains", (235, 185, 40)),
    "Quinoa": ("grains", (225, 200, 160)),
    "Beans": ("beans", (150, 30, 40)),
    "Daylily": ("strips", (230, 140, 40)),
    "Vinegar": ("bottle", (50, 30, 20)),
    "Cooked": ("blocks", (130, 50, 40)),
    "Traditional": ("cakes", (215, 160, 80)),
}
DEFAULT_STYLE = ("ovals", (180, 90, 60))


def _n(key: str, *parts, modulo: int) -> int:
    digest = hashlib.sha256("|".join(str(p) for p in (key, *parts)).encode()).hexdigest()
    return int(digest[:8], 16) % modulo


def _hsv(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue % 1, saturation, value)
    return int(r * 255), int(g * 255), int(b * 255)


def _shade(colour, factor: float) -> tuple[int, int, int]:
    return tuple(max(0, min(255, int(c * factor))) for c in colour)


def _produce(draw: ImageDraw.ImageDraw, key: str, shape: str, colour, box: tuple[int, int, int, int]) -> None:
    """A heap of the produce inside ``box`` (left, top, right, bottom)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    dark, light = _shade(colour, 0.7), _shade(colour, 1.25)
    if shape == "grains":
        for i in range(900):
            x = left + _n(key, i, "gx", modulo=width)
            y = top + _n(key, i, "gy", modulo=height)
            r = 4 + _n(key, i, "gr", modulo=4)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=light if i % 5 == 0 else colour)
        return
    if shape == "bottle":
        cx = left + width // 2
        draw.rounded_rectangle((cx - 70, top + 120, cx + 70, bottom), radius=30, fill=colour, outline=INK, width=4)
        draw.rectangle((cx - 25, top + 30, cx + 25, top + 125), fill=colour, outline=INK, width=4)
        draw.rectangle((cx - 30, top, cx + 30, top + 35), fill=(180, 30, 30), outline=INK, width=3)
        draw.rectangle((cx - 55, top + 200, cx + 55, top + 290), fill=(240, 225, 190))
        draw.ellipse((cx - 25, top + 220, cx + 25, top + 270), fill=(180, 30, 30))
        return
    count = {"blocks": 5, "cakes": 6, "fruit": 6, "tufts": 8}.get(shape, 11)
    for i in range(count):
        x = left + 60 + _n(key, i, "x", modulo=max(1, width - 120))
        y = top + 60 + _n(key, i, "y", modulo=max(1, height - 120))
        size = 38 + _n(key, i, "s", modulo=22)
        if shape == "ovals":
            draw.ellipse((x - size, y - size * 0.7, x + size, y + size * 0.7), fill=colour, outline=dark, width=3)
            draw.arc((x - size * 0.6, y - size * 0.4, x + size * 0.2, y + size * 0.3), 200, 300, fill=light, width=4)
        elif shape == "nuts":
            draw.ellipse((x - size, y - size, x + size, y + size), fill=colour, outline=dark, width=3)
            draw.line((x, y - size, x - 8, y, x + 6, y + size), fill=dark, width=4)
        elif shape == "roots":
            angle = _n(key, i, "a", modulo=60) - 30
            draw.line((x - size * 1.6, y - angle, x + size * 1.6, y + angle), fill=colour, width=22, joint="curve")
            draw.line((x - size * 1.6, y - angle, x + size * 1.6, y + angle), fill=dark, width=3)
        elif shape == "sticks":
            draw.rounded_rectangle(
                (x - size * 1.8, y - 12, x + size * 1.8, y + 12), radius=12, fill=colour, outline=dark
            )
        elif shape == "blocks":
            draw.rounded_rectangle(
                (x - size, y - size * 0.8, x + size, y + size * 0.8), radius=10, fill=colour, outline=INK
            )
            draw.line((x - size + 10, y - size * 0.8 + 12, x + size - 10, y - size * 0.8 + 12), fill=light, width=4)
        elif shape == "tufts":
            draw.ellipse((x - size, y - size * 0.8, x + size, y + size * 0.8), fill=colour)
            draw.ellipse((x - size * 0.5, y - size, x + size * 0.7, y + size * 0.5), fill=light)
        elif shape == "fruit":
            size += 20
            draw.ellipse((x - size, y - size, x + size, y + size), fill=colour, outline=dark, width=3)
            draw.ellipse((x - size * 0.55, y - size * 0.6, x - size * 0.15, y - size * 0.2), fill=light)
            draw.line((x, y - size, x + 6, y - size - 22), fill=INK, width=6)
            draw.ellipse((x + 6, y - size - 30, x + 40, y - size - 12), fill=(70, 140, 50))
        elif shape == "beans":
            draw.ellipse(
                (x - size * 0.8, y - size * 0.5, x + size * 0.8, y + size * 0.5), fill=colour, outline=dark, width=2
            )
            draw.ellipse((x - 6, y - size * 0.5, x + 6, y - size * 0.3), fill=(240, 235, 220))
        elif shape == "strips":
            draw.line((x - size * 1.5, y, x + size * 1.5, y + 10), fill=colour, width=10)
            draw.line((x - size * 1.5, y + 12, x + size * 1.2, y + 26), fill=dark, width=8)
        elif shape == "cakes":
            size += 12
            draw.ellipse((x - size, y - size, x + size, y + size), fill=colour, outline=dark, width=3)
            draw.ellipse((x - size * 0.6, y - size * 0.6, x + size * 0.6, y + size * 0.6), outline=dark, width=3)
            draw.ellipse((x - 8, y - 8, x + 8, y + 8), fill=(180, 30, 30))


def _background(key: str, saturation: float = 0.18) -> Image.Image:
    return Image.new("RGB", (SIZE, SIZE), _hsv(_n(key, "bg", modulo=360) / 360, saturation, 0.97))


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def render_produce(key: str, subcategory: str) -> bytes:
    """The produce itself on a woven tray."""
    shape, colour = STYLES.get(subcategory, DEFAULT_STYLE)
    image = _background(key)
    draw = ImageDraw.Draw(image)
    draw.ellipse((40, 70, 560, 560), fill=(222, 196, 150), outline=(170, 130, 80), width=8)
    for ring in range(60, 260, 40):
        draw.ellipse((300 - ring, 315 - ring, 300 + ring, 315 + ring), outline=(200, 170, 120), width=3)
    _produce(draw, key, shape, colour, (120, 150, 480, 480))
    return _jpeg(image)


def render_pack(key: str, subcategory: str, variant: int) -> bytes:
    """The pack it comes in: a bag (0), a bigger sack (1) or a gift box with a ribbon (2)."""
    shape, colour = STYLES.get(subcategory, DEFAULT_STYLE)
    image = _background(key, saturation=0.1)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 470, SIZE, SIZE), fill=(200, 170, 130))
    if variant == 2:
        draw.rectangle((110, 220, 490, 500), fill=(190, 30, 35), outline=INK, width=4)
        draw.rectangle((90, 180, 510, 250), fill=(210, 40, 45), outline=INK, width=4)
        draw.rectangle((285, 180, 315, 500), fill=(240, 200, 60))
        draw.ellipse((230, 120, 300, 185), outline=(240, 200, 60), width=14)
        draw.ellipse((300, 120, 370, 185), outline=(240, 200, 60), width=14)
    else:
        half = 150 if variant == 0 else 200
        top = 200 if variant == 0 else 130
        bag = (245, 240, 225) if variant == 0 else (215, 190, 140)
        draw.rounded_rectangle((300 - half, top, 300 + half, 510), radius=40, fill=bag, outline=INK, width=4)
        draw.rectangle(
            (300 - half + 10, top - 20, 300 + half - 10, top + 10), fill=_shade(bag, 0.85), outline=INK, width=3
        )
        window = (300 - half + 40, top + 70, 300 + half - 40, 470)
        draw.rounded_rectangle(window, radius=20, fill=(250, 250, 245))
        _produce(draw, key + "pack", shape, colour, window)
        draw.rounded_rectangle(window, radius=20, outline=(150, 150, 150), width=3)
    return _jpeg(image)


def render_fields(key: str) -> bytes:
    """Where it grows: loess hills in terraces under the sun."""
    image = Image.new("RGB", (SIZE, SIZE), (170, 210, 240))
    draw = ImageDraw.Draw(image)
    draw.ellipse((420, 60, 520, 160), fill=(250, 210, 80))
    for layer in range(4):
        base = 260 + layer * 85
        hue = (0.22 - layer * 0.04 + _n(key, layer, modulo=10) / 200) % 1
        points = [(0, SIZE)]
        for x in range(0, SIZE + 60, 60):
            points.append((x, base - _n(key, layer, x, modulo=60)))
        points.append((SIZE, SIZE))
        draw.polygon(points, fill=_hsv(hue, 0.45, 0.75 - layer * 0.08))
        for terrace in range(base + 20, SIZE, 22):
            draw.line((0, terrace, SIZE, terrace + 6), fill=_hsv(hue, 0.5, 0.6 - layer * 0.08), width=2)
    return _jpeg(image)
