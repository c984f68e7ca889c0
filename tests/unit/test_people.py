"""How admins read a person: name and mobile number or e-mail, never Oscar's made-up username."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from vendors.templatetags.people_tags import person

User = get_user_model()


@pytest.mark.parametrize(
    "fields, label",
    [
        (
            {"username": "a5f3c0e29b7d4e1f", "first_name": "大山", "last_name": "王", "email": "wang@example.com"},
            "王大山 · wang@example.com",
        ),
        ({"username": "13812345678", "first_name": "", "last_name": "", "email": ""}, "138 1234 5678"),
        (
            {"username": "13812345678", "first_name": "秀英", "last_name": "", "email": "x@example.com"},
            "秀英 · 138 1234 5678",
        ),
        (
            {"username": "f0e1d2c3b4a59687", "first_name": "Hua", "last_name": "Li", "email": "li@example.com"},
            "Hua Li · li@example.com",
        ),
        (
            {"username": "f0e1d2c3b4a59687", "first_name": "", "last_name": "", "email": "li@example.com"},
            "li@example.com",
        ),
        ({"username": "f0e1d2c3b4a59687", "first_name": "", "last_name": "", "email": ""}, "用户 #7"),
    ],
)
def test_a_person_is_named_by_name_and_mobile_or_email(fields, label):
    # given
    user = User(pk=7, **fields)
    # when
    with translation.override("zh-hans"):
        shown = person(user)
    # then
    assert shown == label
    assert fields["username"] not in shown or fields["username"].isdigit()


def test_nobody_is_a_dash():
    assert person(None) == "—"
