import pytest
from django.core.exceptions import ValidationError

from shop.core.phone import format_mainland_mobile, normalise_mainland_mobile


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 199 0000 1111", "+8619900001111"),
        ("008615912345678", "+8615912345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("＋８６　１３８－１２３４－５６７８", "+8613812345678"),
        ("（138）1234 5678", "+8613812345678"),
    ],
)
def test_mainland_mobile_numbers_are_normalised(typed, stored):
    assert normalise_mainland_mobile(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "12812345678",
        "1381234567",
        "138123456789",
        "0351-1234567",
        "abc",
        "+1 415 555 0100",
        "+8613٨٠٠١٣٨٠٠٠",
        "1380013800٠",
        "१३८००१३८०००",
        "<b>13812345678</b>",
    ],
)
def test_other_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_mainland_mobile(typed)
    assert error.value.code == "invalid_mobile"


@pytest.mark.parametrize(
    "stored, shown",
    [("+8613812345678", "138 1234 5678"), ("13812345678", "138 1234 5678"), ("", ""), ("0351-1234567", "0351-1234567")],
)
def test_mobile_numbers_are_shown_in_groups_of_3_4_4(stored, shown):
    assert format_mainland_mobile(stored) == shown
