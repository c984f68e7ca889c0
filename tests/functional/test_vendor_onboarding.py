"""Applying to sell: apply, be rejected with a reason, correct, be approved, reach the seller center.

The licence photo is private: only staff see it, through an authorised view; no /media/ URL serves it.
"""

import io
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.http import Http404
from django.test import RequestFactory
from django.views.static import serve
from oscar.test.factories import UserFactory
from PIL import Image
from webtest import Upload

from tests.factories import FarmCategoryFactory
from vendors.models import Vendor, VendorEvent
from vendors.onboarding.selectors import seller_vendor_for_user
from vendors.onboarding.services import ShopNameTaken, vendor_apply, vendor_approve

APPLICATION = {
    "name": "临县王家庄村红枣合作社",
    "contact_name": "王大山",
    "contact_phone": "138 1234 5678",
    "province": "山西省",
    "county": "临县",
    "village": "王家庄村",
    "story": "<p>我们村种枣三百年。</p><script>alert(1)</script>",
}


def _jpeg(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def categories(db):
    return [FarmCategoryFactory(name="干果"), FarmCategoryFactory(name="杂粮"), FarmCategoryFactory(name="药材")]


@pytest.fixture
def farmer(db):
    return UserFactory(username="wangdashan", email="wang@example.com")


@pytest.fixture
def admin(db):
    return UserFactory(username="shenhe", email="admin@example.com", is_staff=True)


def _messages(page) -> list[str]:
    return [" ".join(alert.stripped_strings) for alert in page.html.select("#messages .alert .alertinner")]


def _apply(app, user, *, values=APPLICATION, category_indexes=(0,), licence=True):
    form = app.get("/vendors/apply/", user=user).forms["vendor_apply_form"]
    for name, value in values.items():
        form[name] = value
    for index in category_indexes:
        form.get("main_categories", index=index).checked = True
    if licence:
        form["licence"] = Upload("营业执照.jpg", _jpeg(), "image/jpeg")
    return form.submit()


def _field_errors(page) -> dict[str, str]:
    """{label: error} of the application form's fields that show an error."""
    return {
        (group.legend or group.label).get_text(strip=True): group.select_one(".error-block").get_text(strip=True)
        for group in page.html.select("#vendor_apply_form .form-group")
        if group.select_one(".error-block")
    }


def _status(page) -> str:
    return page.html.select_one("#application_status .vendor-status").get_text(strip=True)


def _decide(app, admin, vendor, action, reason=None):
    page = app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    form = page.forms[f"{action}_form"]
    if reason is not None:
        form[f"{action}-reason"] = reason
    return form.submit(expect_errors=True)


def _events(vendor) -> list[tuple[str, str | None, str]]:
    return [
        (event.action, event.actor.username if event.actor else None, event.reason)
        for event in VendorEvent.objects.filter(vendor=vendor).order_by("created_at", "pk")
    ]


def test_a_new_application_is_pending_and_shows_its_status(django_app, farmer, categories):
    # when
    page = _apply(django_app, farmer, category_indexes=(0, 2)).follow()
    # then
    vendor = Vendor.objects.get(applicant=farmer)
    assert page.request.path == "/vendors/apply/status/"
    assert _messages(page) == ["谢谢！您的申请已提交，我们会尽快审核。"]
    assert _status(page) == "待审核"
    assert (vendor.status, vendor.name, vendor.contact_phone, vendor.county, vendor.village) == (
        "pending",
        "临县王家庄村红枣合作社",
        "+8613812345678",
        "临县",
        "王家庄村",
    )
    assert vendor.story == "<p>我们村种枣三百年。</p>"
    assert sorted(c.name for c in vendor.main_categories.all()) == ["干果", "药材"]
    assert vendor.partner is None
    assert _events(vendor) == [("applied", "wangdashan", "")]


def test_the_application_form_refuses_bad_input_and_saves_nothing(django_app, farmer, categories):
    # when
    page = _apply(
        django_app,
        farmer,
        values={**APPLICATION, "contact_phone": "12345", "name": ""},
        category_indexes=(),
        licence=False,
    )
    # then
    assert page.status_code == 200
    errors = _field_errors(page)
    assert errors == {
        "店铺名称": "这个字段是必填项。",
        "手机号码": "请输入有效的中国大陆手机号码（以1开头的11位数字）。",
        "主营类目": "这个字段是必填项。",
        "营业执照或身份证照片": "这个字段是必填项。",
    }
    assert Vendor.objects.count() == 0


@pytest.mark.parametrize("typed", ["+8613٨٠٠١٣٨٠٠٠", "१३८००१३८०००"])
def test_the_application_form_refuses_digits_other_than_ascii(django_app, farmer, categories, typed):
    # when
    page = _apply(django_app, farmer, values={**APPLICATION, "contact_phone": typed})
    # then
    assert page.status_code == 200
    assert _field_errors(page) == {"手机号码": "请输入有效的中国大陆手机号码（以1开头的11位数字）。"}
    assert Vendor.objects.count() == 0


def test_the_application_form_folds_a_full_width_number_to_ascii(django_app, farmer, categories):
    # when
    _apply(django_app, farmer, values={**APPLICATION, "contact_phone": "＋８６ １３８１２３４５６７８"})
    # then
    assert Vendor.objects.get(applicant=farmer).contact_phone == "+8613812345678"


def test_a_licence_that_is_not_an_image_is_refused(django_app, farmer, categories):
    # given
    form = django_app.get("/vendors/apply/", user=farmer).forms["vendor_apply_form"]
    for name, value in APPLICATION.items():
        form[name] = value
    form.get("main_categories", index=0).checked = True
    form["licence"] = Upload("licence.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg")
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    error = page.html.select_one("#id_licence").find_parent(class_="form-group").select_one(".error-block")
    assert error.get_text(strip=True) == "请上传 JPEG、PNG、WEBP 或 GIF 格式的图片，不接受其他文件。"
    assert Vendor.objects.count() == 0


def test_apply_rejected_resubmit_approved_opens_the_seller_center(django_app, farmer, admin, categories):
    # given: applied, and the seller center is closed while pending
    _apply(django_app, farmer)
    vendor = Vendor.objects.get(applicant=farmer)
    pending_seller = django_app.get("/seller/", user=farmer)
    # when: rejected with a reason
    rejected_page = _decide(django_app, admin, vendor, "reject", "营业执照照片看不清，请重新拍摄").follow()
    status_rejected = django_app.get("/vendors/apply/status/", user=farmer)
    rejected_seller = django_app.get("/seller/", user=farmer)
    # when: the farmer corrects the application (the licence photo kept unless replaced)
    form_page = django_app.get("/vendors/apply/", user=farmer)
    form = form_page.forms["vendor_apply_form"]
    form["story"] = "<p>我们村种枣三百年，新拍了执照照片。</p>"
    form["licence"] = Upload("执照2.jpg", _jpeg("blue"), "image/jpeg")
    resubmitted = form.submit().follow()
    # when: approved
    approved_page = _decide(django_app, admin, vendor, "approve").follow()
    status_approved = django_app.get("/vendors/apply/status/", user=farmer)
    seller = django_app.get("/seller/", user=farmer)
    # then
    vendor.refresh_from_db()
    assert pending_seller.status_code == 302
    assert pending_seller.location == "/vendors/apply/status/"
    assert _messages(rejected_page) == ["临县王家庄村红枣合作社 的申请已驳回，申请人可以看到原因并重新申请。"]
    assert _status(status_rejected) == "未通过"
    assert (
        status_rejected.html.select_one("#decision_reason").get_text(strip=True)
        == "原因: 营业执照照片看不清，请重新拍摄"
    )
    assert rejected_seller.status_code == 302
    assert rejected_seller.location == "/vendors/apply/status/"
    assert form_page.html.select_one("#rejection_reason").get_text(" ", strip=True).startswith("您的申请未通过审核。")
    assert form_page.forms["vendor_apply_form"]["contact_phone"].value == "13812345678"
    assert _status(resubmitted) == "待审核"
    assert _messages(approved_page) == ["临县王家庄村红枣合作社 已通过审核，卖家中心已开通。"]
    assert _status(status_approved) == "已通过"
    assert status_approved.html.select_one("#seller_center_link")["href"] == "/seller/"
    assert seller.status_code == 200
    assert vendor.status == "approved"
    assert vendor.partner is not None
    assert list(vendor.partner.users.all()) == [farmer]
    assert seller_vendor_for_user(farmer) == vendor
    assert vendor.story == "<p>我们村种枣三百年，新拍了执照照片。</p>"
    assert _events(vendor) == [
        ("applied", "wangdashan", ""),
        ("rejected", "shenhe", "营业执照照片看不清，请重新拍摄"),
        ("resubmitted", "wangdashan", ""),
        ("approved", "shenhe", ""),
    ]


def test_every_decision_is_on_the_dashboard_page_with_who_and_when(django_app, farmer, admin, categories):
    # given
    _apply(django_app, farmer)
    vendor = Vendor.objects.get(applicant=farmer)
    _decide(django_app, admin, vendor, "approve")
    _decide(django_app, admin, vendor, "suspend", "多名顾客投诉发错货")
    # when
    page = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    status = django_app.get("/vendors/apply/status/", user=farmer)
    # then
    assert _status(status) == "已暂停"
    assert status.html.select_one("#decision_reason").get_text(strip=True) == "原因: 多名顾客投诉发错货"
    assert status.html.select_one("#seller_center_link") is None
    rows = [
        [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.html.select("#vendor_events tr.vendor-event")
    ]
    events = list(VendorEvent.objects.filter(vendor=vendor))  # newest first, as on the page
    # people by name and e-mail (tests.functional.test_vendor_dashboard), never by username
    admin_label, farmer_label = "joseph winterbottom · admin@example.com", "joseph winterbottom · wang@example.com"
    assert [row[1:] for row in rows] == [
        ["已暂停", admin_label, "多名顾客投诉发错货"],
        ["通过审核", admin_label, "—"],
        ["提交申请", farmer_label, "—"],
    ]
    assert [row[0] for row in rows] == [
        event.created_at.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S") for event in events
    ]


def test_an_approved_vendor_cannot_apply_again(django_app, farmer, admin, categories):
    # given
    _apply(django_app, farmer)
    vendor = Vendor.objects.get(applicant=farmer)
    _decide(django_app, admin, vendor, "approve")
    # when
    page = django_app.get("/vendors/apply/", user=farmer)
    # then
    assert page.status_code == 302
    assert page.location == "/vendors/apply/status/"
    assert Vendor.objects.count() == 1


def test_a_shop_name_taken_by_another_vendor_is_refused(django_app, farmer, categories):
    # given
    Vendor.objects.create(name=APPLICATION["name"], slug="taken", contact_name="李", contact_phone="+8613900000000")
    # when
    page = _apply(django_app, farmer)
    # then
    assert page.status_code == 200
    error = page.html.select_one("#id_name").find_parent(class_="form-group").select_one(".error-block")
    assert error.get_text(strip=True) == "已有店铺使用这个名称，请换一个。"
    assert Vendor.objects.filter(applicant=farmer).count() == 0


# The private licence


@pytest.fixture
def applied(django_app, farmer, categories):
    _apply(django_app, farmer)
    return Vendor.objects.get(applicant=farmer)


def test_staff_see_the_licence_through_the_authorised_view(django_app, applied, admin):
    # when
    response = django_app.get(f"/dashboard/vendors/{applied.pk}/licence/", user=admin)
    # then
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    with applied.licence.open("rb") as stored:
        assert response.body == stored.read()
    assert Image.open(io.BytesIO(response.body)).format == "JPEG"
    detail = django_app.get(f"/dashboard/vendors/{applied.pk}/", user=admin)
    assert detail.html.select_one("#vendor_licence")["src"] == f"/dashboard/vendors/{applied.pk}/licence/"


def test_nobody_but_staff_gets_the_licence(django_app, applied, farmer):
    # given: the applicant, a consumer, a vendor of another shop, and an anonymous visitor
    consumer = UserFactory(username="guke")
    other_vendor_user = UserFactory(username="lishop")
    other = Vendor.objects.create(
        name="沁源县党参合作社", slug="qinyuan", contact_name="李", contact_phone="+8613900000001", county="沁源县"
    )
    vendor_approve(vendor=other, approved_by=None)
    other.refresh_from_db()
    other.partner.users.add(other_vendor_user)
    url = f"/dashboard/vendors/{applied.pk}/licence/"
    # when
    django_app.reset()  # forget the applicant's session from applying
    responses = {"anonymous": django_app.get(url, expect_errors=True)}
    for who, user in (("applicant", farmer), ("consumer", consumer), ("vendor", other_vendor_user)):
        responses[who] = django_app.get(url, user=user, expect_errors=True)
    # then
    assert {who: r.status_code for who, r in responses.items()} == {
        "applicant": 403,
        "consumer": 403,
        "vendor": 403,
        "anonymous": 302,
    }
    assert responses["anonymous"].location == f"/accounts/login/?next={url}"
    assert all(b"JFIF" not in r.body for r in responses.values())


def test_no_media_url_serves_the_licence(django_app, applied):
    # given
    stored = Path(applied.licence.path)
    # when: the site's /media/ URL, and Django's static view the development server mounts on MEDIA_ROOT
    response = django_app.get(f"{settings.MEDIA_URL}{applied.licence.name}", expect_errors=True)
    request = RequestFactory().get(f"{settings.MEDIA_URL}{applied.licence.name}")
    # then
    assert stored.is_file()
    assert stored.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert response.status_code == 404
    with pytest.raises(Http404):
        serve(request, applied.licence.name, document_root=settings.MEDIA_ROOT)


def test_two_applications_for_one_name_at_the_same_moment_give_a_message_not_an_error(farmer, categories):
    # given: the form's check passed for both; the other application was saved first
    vendor_apply(user=UserFactory(), data=dict(_FIRST_RACE, name="临县枣乡合作社"), categories=[])
    # when / then
    with pytest.raises(ShopNameTaken):
        vendor_apply(user=farmer, data=dict(_FIRST_RACE, name="临县枣乡合作社"), categories=[])
    assert Vendor.objects.filter(applicant=farmer).count() == 0


_FIRST_RACE = {
    "contact_name": "王大山",
    "contact_phone": "+8613912345678",
    "province": "山西省",
    "county": "临县",
    "village": "王家庄村",
    "story": "",
}
