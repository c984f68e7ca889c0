"""Accounts by mobile number: signing in or up with an SMS code, registering without an e-mail, resetting a
password by SMS, the throttle on wrong passwords; the same answers for numbers with and without an account."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from shop.customer.models import PhoneCode
from vendors.notifications.models import Message

User = get_user_model()
KNOWN, UNKNOWN = "13912345678", "13700001111"


@pytest.fixture
def farmer(db):
    return User.objects.create_user(username=KNOWN, email="", password="s3cret-枣园-2026")


def _messages(page) -> list[str]:
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


def _errors(page) -> list[str]:
    return [
        " ".join(e.stripped_strings)
        for e in page.html.select("#phone_code_form .error-block, #phone_code_form .invalid-feedback")
    ]


def _code(phone: str) -> str:
    """The clear code of the number's latest SMS, as the outbox holds it until it is sent."""
    return Message.objects.filter(kind="verification_code", recipient="+86" + phone).latest("pk").secret


def _ask_code(app, url: str, phone: str, **fields):
    form = app.get(url).forms["phone_code_form"]
    form["phone"] = phone
    for name, value in fields.items():
        form[name] = value
    return form.submit("send_code")


def _submit(page, **fields):
    form = page.forms["phone_code_form"]
    for name, value in fields.items():
        form[name] = value
    return form.submit("submit")


def _signed_in(app):
    return app.get("/accounts/profile/", expect_errors=True).context["user"] if "_auth_user_id" in app.session else None


def test_a_new_number_signs_up_with_an_sms_code_and_no_email(django_app, db):
    # given
    page = _ask_code(django_app, "/accounts/login/sms/?next=/vendors/apply/", "137 0000 1111")
    # when
    response = _submit(page, code=_code(UNKNOWN))
    # then
    assert response.status_code == 302
    assert response.location == "/vendors/apply/"
    user = User.objects.get(username=UNKNOWN)
    assert (user.email, user.has_usable_password()) == ("", False)
    assert _signed_in(django_app) == user


def test_a_known_number_signs_in_with_an_sms_code(django_app, farmer):
    # given
    page = _ask_code(django_app, "/accounts/login/sms/", KNOWN)
    # when
    response = _submit(page, code=_code(KNOWN))
    # then
    assert (response.status_code, response.location) == (302, str(settings.LOGIN_REDIRECT_URL))
    assert _signed_in(django_app) == farmer
    assert User.objects.count() == 1


def test_asking_for_a_code_answers_alike_for_known_and_unknown_numbers(django_app, farmer):
    # when
    known = _ask_code(django_app, "/accounts/login/sms/", KNOWN)
    unknown = _ask_code(django_app, "/accounts/login/sms/", UNKNOWN)
    known_reset = _ask_code(django_app, "/accounts/password-reset/sms/", "139 0000 2222")
    # then
    assert _messages(known) == ["验证码已发送到 139 1234 5678，5分钟内有效。"]
    assert _messages(unknown) == ["验证码已发送到 137 0000 1111，5分钟内有效。"]
    assert _messages(known_reset) == ["验证码已发送到 139 0000 2222，5分钟内有效。"]
    assert (known.status_code, unknown.status_code, known_reset.status_code) == (200, 200, 200)
    assert sorted(PhoneCode.objects.values_list("phone", "purpose")) == [
        ("+8613700001111", "sign_in"),
        ("+8613900002222", "reset"),
        ("+8613912345678", "sign_in"),
    ]


def test_a_wrong_code_signs_nobody_in(django_app, farmer):
    # given
    page = _ask_code(django_app, "/accounts/login/sms/", KNOWN)
    wrong = f"{(int(_code(KNOWN)) + 1) % 10**6:06d}"
    # when
    response = _submit(page, code=wrong)
    # then
    assert response.status_code == 200
    assert _errors(response) == ["验证码不正确或已过期，请重新获取。"]
    assert _signed_in(django_app) is None


def test_asking_again_within_a_minute_is_refused_with_the_wait(django_app, db):
    # given
    _ask_code(django_app, "/accounts/login/sms/", UNKNOWN)
    # when
    page = _ask_code(django_app, "/accounts/login/sms/", UNKNOWN)
    # then
    assert page.status_code == 200
    assert len(_errors(page)) == 1
    assert _errors(page)[0].startswith("请") and _errors(page)[0].endswith("秒后再获取验证码。")
    assert PhoneCode.objects.count() == 1


def test_a_farmer_registers_with_a_mobile_number_and_a_password_and_no_email(django_app, db):
    # given
    page = _ask_code(django_app, "/accounts/register/", UNKNOWN)
    # when
    response = _submit(page, code=_code(UNKNOWN), password1="红枣-2026-好吃", password2="红枣-2026-好吃")
    # then
    assert (response.status_code, response.location) == (302, str(settings.LOGIN_REDIRECT_URL))
    user = User.objects.get(username=UNKNOWN)
    assert user.email == ""
    assert user.check_password("红枣-2026-好吃")
    assert _messages(response.maybe_follow()) == ["欢迎！您的账号已开通。"]


def test_registering_a_known_number_is_refused_after_its_code(django_app, farmer):
    # given
    page = _ask_code(django_app, "/accounts/register/", KNOWN)
    # when
    response = _submit(page, code=_code(KNOWN), password1="红枣-2026-好吃", password2="红枣-2026-好吃")
    # then
    assert response.status_code == 200
    assert _errors(response) == ["这个手机号已经注册过了，请直接登录。"]
    farmer.refresh_from_db()
    assert farmer.check_password("s3cret-枣园-2026")


def test_a_farmer_who_forgot_her_password_sets_a_new_one_by_sms(django_app, farmer):
    # given
    page = _ask_code(django_app, "/accounts/password-reset/sms/", KNOWN)
    # when
    response = _submit(page, code=_code(KNOWN), password1="新密码-小米-88", password2="新密码-小米-88")
    # then
    assert (response.status_code, response.location) == (302, str(settings.LOGIN_REDIRECT_URL))
    farmer.refresh_from_db()
    assert farmer.check_password("新密码-小米-88")
    assert _signed_in(django_app) == farmer


def test_a_reset_for_a_number_with_no_account_changes_nothing(django_app, farmer):
    # given
    page = _ask_code(django_app, "/accounts/password-reset/sms/", UNKNOWN)
    # when
    response = _submit(page, code=_code(UNKNOWN), password1="新密码-小米-88", password2="新密码-小米-88")
    # then
    assert response.status_code == 200
    assert _errors(response) == ["这个手机号还没有注册，用短信验证码登录即可自动注册。"]
    assert User.objects.count() == 1


@pytest.mark.parametrize(
    "phone, code, error",
    [
        ("", "123456", "这个字段是必填项。"),
        ("1" * 5000, "123456", "确保该变量包含不超过 32 字符"),
        ("+1 415 555 0100", "123456", "请输入有效的中国大陆手机号码（以1开头的11位数字）。"),
        ("<script>alert(1)</script>", "123456", "请输入有效的中国大陆手机号码（以1开头的11位数字）。"),
        ("+8613٨٠٠١٣٨٠٠٠", "123456", "请输入有效的中国大陆手机号码（以1开头的11位数字）。"),
        (KNOWN, "12ab56", "请输入短信里的6位验证码。"),
        (KNOWN, "１２３４５６", "请输入短信里的6位验证码。"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_signs_nobody_in(django_app, farmer, phone, code, error):
    # given
    form = django_app.get("/accounts/login/sms/").forms["phone_code_form"]
    form["phone"] = phone
    form["code"] = code
    # when
    page = form.submit("submit")
    # then
    assert page.status_code == 200
    assert [text[: len(error)] for text in _errors(page)] == [error]
    assert _signed_in(django_app) is None
    # asking for a code with it sends none
    assert form.submit("send_code").status_code == 200
    assert PhoneCode.objects.count() == (1 if error.startswith("请输入短信") else 0)


def test_five_wrong_passwords_lock_the_account_name_whoever_it_is(django_app, farmer):
    # given
    def login(username, password):
        form = django_app.get("/accounts/login/").forms["login_form"]
        form["login-username"] = username
        form["login-password"] = password
        return form.submit("login_submit", expect_errors=True)

    for _ in range(5):
        login(KNOWN, "wrong-password")
        login(UNKNOWN, "wrong-password")
    # when
    right = login(KNOWN, "s3cret-枣园-2026")
    stranger = login(UNKNOWN, "s3cret-枣园-2026")
    # then
    expected = "这个账号输错密码的次数太多了。为保护账号安全，密码登录暂停15分钟。您现在可以用短信验证码登录。"
    assert (right.status_code, stranger.status_code) == (429, 429)
    assert right.html.select_one("#login-locked").get_text(strip=True) == expected
    assert stranger.html.select_one("#login-locked").get_text(strip=True) == expected
    assert _signed_in(django_app) is None


def test_an_sms_code_opens_a_locked_account_and_lifts_the_lock(django_app, farmer):
    # given
    for _ in range(5):
        form = django_app.get("/accounts/login/").forms["login_form"]
        form["login-username"], form["login-password"] = KNOWN, "wrong-password"
        form.submit("login_submit", expect_errors=True)
    page = _ask_code(django_app, "/accounts/login/sms/", KNOWN)
    # when
    _submit(page, code=_code(KNOWN))
    django_app.get("/accounts/logout/")
    form = django_app.get("/accounts/login/").forms["login_form"]
    form["login-username"], form["login-password"] = KNOWN, "s3cret-枣园-2026"
    response = form.submit("login_submit")
    # then
    assert response.status_code == 302
    assert _signed_in(django_app) == farmer


def test_the_apply_page_tells_a_visitor_why_to_sign_in(django_app, db):
    # when
    page = django_app.get("/vendors/apply/")
    # then
    assert page.status_code == 200
    box = page.html.select_one("#apply_sign_in_first")
    assert box.select_one("p").get_text(strip=True) == (
        "申请开店需要先有一个账号：审核结果会通知到这个账号，以后也用它管理您的店铺。"
    )
    assert box.select_one("#apply-register")["href"] == "/accounts/login/sms/?next=/vendors/apply/"
    assert box.select_one("#apply-login")["href"] == "/accounts/login/?next=/vendors/apply/"
