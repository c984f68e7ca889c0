import pytest
from django.core.exceptions import ValidationError

from shop.core.phone import normalise_mainland_mobile


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("13812345678", "+8613812345678"),
        ("138 1234 5678", "+8613812345678"),
        ("138-1234-5678", "+8613812345678"),
        ("+86 199 0000 1111", "+8619900001111"),
        ("008615912345678", "+8615912345678"),
    ],
)
def test_mainland_mobile_numbers_are_normalised(typed, stored):
    assert normalise_mainland_mobile(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "12812345678", "1381234567", "138123456789", "0351-1234567", "abc", "+1 415 555 0100"]
)
def test_other_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        normalise_mainland_mobile(typed)
    assert error.value.code == "invalid_mobile"
