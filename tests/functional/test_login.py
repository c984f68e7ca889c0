"""Signing in with a mobile number (invited farmers) or an e-mail address."""

import pytest
from django.contrib.auth import get_user_model

User = get_user_model()


@pytest.fixture
def farmer(db):
    return User.objects.create_user(username="13912345678", email="", password="s3cret-枣园-2026")


@pytest.fixture
def shopper(db):
    return User.objects.create_user(username="shopper", email="li@example.com", password="s3cret-2026")


def _login(django_app, username, password):
    form = django_app.get("/accounts/login/").forms["login_form"]
    form["login-username"] = username
    form["login-password"] = password
    return form.submit(name="login_submit")


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "+86 139-1234-5678"])
def test_a_farmer_signs_in_with_the_mobile_number(django_app, farmer, typed):
    # when
    response = _login(django_app, typed, "s3cret-枣园-2026")
    # then
    assert response.status_code == 302
    assert django_app.get("/accounts/profile/").context["user"] == farmer


def test_a_shopper_signs_in_with_the_email(django_app, shopper):
    # when
    response = _login(django_app, "li@example.com", "s3cret-2026")
    # then
    assert response.status_code == 302


def test_something_that_is_neither_is_refused_with_a_chinese_message(django_app, farmer):
    # when
    page = _login(django_app, "1391234", "s3cret-枣园-2026")
    # then
    assert page.status_code == 200
    assert "请输入邮箱地址或11位手机号码。" in page.text
    assert "_auth_user_id" not in django_app.session
