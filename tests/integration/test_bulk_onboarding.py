"""County onboarding in bulk (the 600 shops of the story): a CSV becomes pre-approved vendors with
one-time invitation links; bad rows are reported by line, good rows kept, a second import adds nothing.
"""

import hashlib
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from oscar.apps.partner.models import Partner
from oscar.test.factories import UserFactory
from webtest import Upload

from vendors.models import Vendor, VendorEvent, VendorInvitation
from vendors.onboarding.county import ImportFileInvalid, ImportReport, vendor_csv_import
from vendors.onboarding.selectors import seller_vendor_for_user

HEADER = "店铺名称,联系人,手机号,县区,村\n"


def _csv(text: str, *, bom: bool = False, encoding: str = "utf-8") -> SimpleUploadedFile:
    data = text.encode(encoding)
    if bom:
        data = b"\xef\xbb\xbf" + data
    return SimpleUploadedFile("linxian.csv", data, content_type="text/csv")


def _import(admin, text: str, **kwargs) -> ImportReport:
    with translation.override("zh-hans"):
        return vendor_csv_import(file=_csv(text, **kwargs), imported_by=admin)


def _counts() -> tuple[int, int, int, int]:
    return (
        Vendor.objects.count(),
        Partner.objects.count(),
        VendorEvent.objects.count(),
        VendorInvitation.objects.count(),
    )


@pytest.fixture
def admin(db):
    return UserFactory(username="xianban", is_staff=True)


def test_a_csv_with_chinese_headers_and_a_bom_becomes_approved_vendors_with_invitations(admin):
    # given
    text = (
        HEADER
        + "王家庄村红枣合作社,王大山,138 1234 5678,临县,王家庄村\n李家沟小米家庭农场,李秀英,+86 139-0000-0001,临县,\n"
    )
    before = timezone.now()
    # when
    report = _import(admin, text, bom=True)
    # then
    assert [(row.line, row.vendor.name) for row in report.imported] == [
        (2, "王家庄村红枣合作社"),
        (3, "李家沟小米家庭农场"),
    ]
    assert (report.already_present, report.problems) == ([], [])
    vendors = list(Vendor.objects.order_by("pk").select_related("partner"))
    assert [(v.name, v.status, v.contact_name, v.contact_phone, v.province, v.county, v.village) for v in vendors] == [
        ("王家庄村红枣合作社", "approved", "王大山", "+8613812345678", "山西省", "临县", "王家庄村"),
        ("李家沟小米家庭农场", "approved", "李秀英", "+8613900000001", "山西省", "临县", ""),
    ]
    assert [v.partner.name for v in vendors] == ["王家庄村红枣合作社", "李家沟小米家庭农场"]
    assert all(v.partner.users.count() == 0 and v.applicant is None for v in vendors)
    assert [(e.vendor.name, e.action, e.actor) for e in VendorEvent.objects.order_by("pk")] == [
        ("王家庄村红枣合作社", "imported", admin),
        ("李家沟小米家庭农场", "imported", admin),
    ]
    for row in report.imported:
        invitation = VendorInvitation.objects.get(vendor=row.vendor)
        assert invitation.token_hash == hashlib.sha256(row.token.encode()).hexdigest()
        assert invitation.accepted_at is None
        assert before + timedelta(days=30) <= invitation.expires_at <= timezone.now() + timedelta(days=30)
    assert len({row.token for row in report.imported}) == 2


def test_english_headers_in_any_order_are_accepted(admin):
    # given
    text = "Village,County,Mobile,Contact,Shop name\n前进村,沁源县,13700000002,赵四,沁源前进村党参合作社\n"
    # when
    report = _import(admin, text)
    # then
    assert [(row.line, row.vendor.name) for row in report.imported] == [(2, "沁源前进村党参合作社")]
    vendor = Vendor.objects.get()
    assert (vendor.contact_name, vendor.contact_phone, vendor.county, vendor.village) == (
        "赵四",
        "+8613700000002",
        "沁源县",
        "前进村",
    )


def test_bad_rows_are_reported_by_line_and_the_good_rows_are_kept(admin):
    # given
    text = (
        HEADER
        + "好店一号,王大山,13812345678,临县,王家庄村\n"  # 2 good
        + ",李四,13812345679,临县,东坡村\n"  # 3 no shop name
        + "好店三号,张三,12345,临县,西河村\n"  # 4 bad mobile
        + "好店一号,王五,13812345680,临县,西河村\n"  # 5 same name as line 2
        + "好店五号,赵六,138 1234 5678,临县,西河村\n"  # 6 same mobile as line 2
        + "\n"  # 7 blank: skipped
        + "好店七号,,,,\n"  # 8 three fields missing
        + f"{'长' * 61},钱七,13812345681,临县,\n"  # 9 name too long
        + "好店九号,孙八,13812345682,临县,前进村\n"  # 10 good
        + '"好店,十号",周九,13812345683,临县,"李家沟村"\n'  # 11 good (a quoted comma)
    )
    # when
    report = _import(admin, text)
    # then
    assert [(row.line, row.vendor.name) for row in report.imported] == [
        (2, "好店一号"),
        (10, "好店九号"),
        (11, "好店,十号"),
    ]
    assert [(p.line, p.reason) for p in report.problems] == [
        (3, "缺少店铺名称。"),
        (4, "“12345”不是有效的中国大陆手机号码。"),
        (5, "店铺名称与第 2 行重复。"),
        (6, "手机号码与第 2 行重复。"),
        (8, "缺少联系人。"),
        (8, "缺少手机号码。"),
        (8, "缺少县区。"),
        (9, "店铺名称太长：最多 60 个字。"),
    ]
    assert sorted(Vendor.objects.values_list("name", flat=True)) == ["好店,十号", "好店一号", "好店九号"]


def test_importing_the_same_file_twice_creates_no_duplicates(admin):
    # given
    text = HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n李家沟小米家庭农场,李秀英,13900000001,临县,\n"
    _import(admin, text)
    before = _counts()
    # when: the same file, then a file naming the same shops differently or with another mobile
    again = _import(admin, text, bom=True)
    renamed = _import(
        admin, HEADER + "王家庄红枣社,王大山,13812345678,临县,王家庄村\n李家沟小米家庭农场,李秀英,13900000009,临县,\n"
    )
    # then
    assert _counts() == before == (2, 2, 2, 2)
    assert (again.imported, again.problems, renamed.imported, renamed.problems) == ([], [], [], [])
    assert [(row.line, row.name, row.existing_name) for row in again.already_present] == [
        (2, "王家庄村红枣合作社", "王家庄村红枣合作社"),
        (3, "李家沟小米家庭农场", "李家沟小米家庭农场"),
    ]
    assert [(row.line, row.name, row.existing_name) for row in renamed.already_present] == [
        (2, "王家庄红枣社", "王家庄村红枣合作社"),
        (3, "李家沟小米家庭农场", "李家沟小米家庭农场"),
    ]


def test_shops_with_the_same_pinyin_get_distinct_slugs_and_partner_codes(admin):
    # given: 红枣 and 洪早 both read "hong zao"
    text = HEADER + "红枣店,王一,13800000001,临县,\n洪早店,王二,13800000002,临县,\n"
    # when
    _import(admin, text)
    # then
    vendors = list(Vendor.objects.order_by("pk").select_related("partner"))
    assert [(v.slug, v.partner.code) for v in vendors] == [
        ("hong-zao-dian", "v-hong-zao-dian"),
        ("hong-zao-dian-2", "v-hong-zao-dian-2"),
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        (
            (HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n").encode("gbk"),
            "文件不是 UTF-8 编码的文本。请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”。",
        ),
        ("店铺名称,联系人,县区\n王家庄,王大山,临县\n".encode(), "第一行必须是列名；缺少：手机号码。"),
        (b"", "文件是空的。"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_whole(admin, data, message):
    # when
    with translation.override("zh-hans"), pytest.raises(ImportFileInvalid) as refused:
        vendor_csv_import(file=SimpleUploadedFile("x.csv", data), imported_by=admin)
    # then
    assert refused.value.message == message
    assert _counts() == (0, 0, 0, 0)


def _county_csv(count: int) -> str:
    villages = ["王家庄村", "李家沟村", "张家坪村", "刘家峪村", "赵家湾村", "前进村", "东坡村", "西河村"]
    rows = [
        f"临县{villages[n % 8]}农民专业合作社{n + 1}号,村长{n + 1},{13600000000 + n},临县,{villages[n % 8]}"
        for n in range(count)
    ]
    return HEADER + "\n".join(rows) + "\n"


def test_600_shops_are_imported_in_one_request_quickly(admin):
    # given
    client = Client()
    client.force_login(admin)
    upload = _csv(_county_csv(600), bom=True)
    # when
    started = time.monotonic()
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/dashboard/vendors/import/", {"file": upload})
    elapsed = time.monotonic() - started
    # then
    assert response.status_code == 200
    assert len(response.context["report"].imported) == 600
    assert response.content.decode().count('class="form-control form-control-sm invitation-link"') == 600
    assert _counts() == (600, 600, 600, 600)
    assert Vendor.objects.filter(status="approved", partner__isnull=False).count() == 600
    # Bulk inserts: 37 statements on SQLite (its inserts go in batches of ~50 rows), 20 on PostgreSQL;
    # never one per row.
    assert len(queries) <= 40, len(queries)
    assert elapsed < 5, elapsed


def test_the_import_page_reports_problems_and_shows_working_invitation_links(django_app, admin):
    # given
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    form["file"] = Upload(
        "linxian.csv",
        (HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n坏行,李四,123,临县,\n").encode(),
        "text/csv",
    )
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    assert page.html.select_one("#import_summary").get_text(strip=True) == "新建店铺 1 家，已存在 0 家，问题 1 处。"
    assert [li.get_text(strip=True) for li in page.html.select("#import_problems .import-problem")] == [
        "第 3 行：“123”不是有效的中国大陆手机号码。"
    ]
    links = [i["value"] for i in page.html.select("#import_invitations .invitation-link")]
    assert len(links) == 1
    assert links[0].startswith("http://testserver/vendors/invitation/")
    invitation_page = django_app.get(links[0].removeprefix("http://testserver"))
    assert invitation_page.status_code == 200
    assert "王家庄村红枣合作社" in invitation_page.html.select_one("#invitation_shop").get_text()


def test_a_file_in_the_wrong_encoding_is_an_error_on_the_page(django_app, admin):
    # given
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    form["file"] = Upload("linxian.csv", (HEADER + "王家庄,王大山,13812345678,临县,\n").encode("gbk"), "text/csv")
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    error = page.html.select_one("#vendor_import_form .error-block").get_text(strip=True)
    assert error == "文件不是 UTF-8 编码的文本。请在 Excel 或 WPS 中另存为“CSV UTF-8（逗号分隔）”。"
    assert _counts() == (0, 0, 0, 0)


# Taking the shop over from the invitation


@pytest.fixture
def invited(admin):
    report = _import(admin, HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n")
    return report.imported[0]


def _accept(app, token, *, password="zaoshu-2026-hong", confirm=None, email="wang@example.com"):
    form = app.get(f"/vendors/invitation/{token}/").forms["invitation_form"]
    form["email"] = email
    form["password1"] = password
    form["password2"] = confirm or password
    return form.submit()


def test_the_contact_sets_a_password_and_takes_the_shop_over(django_app, admin, invited):
    # given
    page = django_app.get(f"/vendors/invitation/{invited.token}/")
    # when
    response = _accept(django_app, invited.token)
    seller = response.follow()
    # then
    vendor = Vendor.objects.get(pk=invited.vendor.pk)
    invitation = VendorInvitation.objects.get(vendor=vendor)
    user = vendor.partner.users.get()
    assert "13812345678" in page.html.select_one("#content_inner").get_text()
    assert response.status_code == 302
    assert response.location == "/seller/"
    assert seller.status_code == 200
    assert (user.username, user.email, user.first_name) == ("13812345678", "wang@example.com", "王大山")
    assert user.check_password("zaoshu-2026-hong")
    assert vendor.applicant == user
    assert (invitation.accepted_by, invitation.accepted_at is not None) == (user, True)
    assert seller_vendor_for_user(user) == vendor
    assert [(e.action, e.actor) for e in VendorEvent.objects.filter(vendor=vendor).order_by("pk")] == [
        ("imported", admin),
        ("invitation_accepted", user),
    ]


def test_a_used_invitation_link_shows_a_clear_message_and_changes_nothing(django_app, invited):
    # given
    _accept(django_app, invited.token)
    django_app.reset()
    before = (_counts(), list(Vendor.objects.get().partner.users.values_list("username", flat=True)))
    # when
    page = django_app.get(f"/vendors/invitation/{invited.token}/", expect_errors=True)
    posted = Client().post(
        f"/vendors/invitation/{invited.token}/", {"password1": "another-pass-2026", "password2": "another-pass-2026"}
    )
    # then
    assert (page.status_code, posted.status_code) == (410, 410)
    assert page.html.select_one("#invitation_problem").get_text(strip=True) == (
        "该邀请链接已被使用，店铺已被认领。请直接登录。"
    )
    assert (_counts(), list(Vendor.objects.get().partner.users.values_list("username", flat=True))) == before


def test_an_expired_invitation_link_shows_a_clear_message_and_creates_no_account(django_app, invited):
    # given
    VendorInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    # when
    page = django_app.get(f"/vendors/invitation/{invited.token}/", expect_errors=True)
    # then
    assert page.status_code == 410
    assert page.html.select_one("#invitation_problem").get_text(strip=True) == (
        "该邀请链接已过期，请联系集市工作人员获取新的链接。"
    )
    assert not get_user_model().objects.filter(username="13812345678").exists()
    assert Vendor.objects.get().partner.users.count() == 0


def test_an_unknown_invitation_link_is_not_found(django_app, invited):
    # when
    page = django_app.get(f"/vendors/invitation/{invited.token[:-2]}xx/", expect_errors=True)
    # then
    assert page.status_code == 404
    assert page.html.select_one("#invitation_problem").get_text(strip=True) == "邀请链接无效，请检查是否完整复制。"


@pytest.mark.parametrize(
    "password, confirm, field, error",
    [
        ("zaoshu-2026-hong", "zaoshu-2026-hon", "password2", "两次密码不匹配"),
        ("13812345", None, "password1", "密码不能全是数字。"),
    ],
)
def test_a_bad_password_is_refused_and_the_link_stays_open(django_app, invited, password, confirm, field, error):
    # when
    page = _accept(django_app, invited.token, password=password, confirm=confirm)
    # then
    assert page.status_code == 200
    errors = [e.get_text(strip=True) for e in page.html.select(f"#id_{field} ~ .error-block")]
    assert error in errors
    assert not get_user_model().objects.filter(username="13812345678").exists()
    assert VendorInvitation.objects.get().accepted_at is None


def test_an_admin_makes_a_new_link_and_taking_the_shop_over_closes_the_old_one(django_app, admin, invited):
    # given
    detail = django_app.get(f"/dashboard/vendors/{invited.vendor.pk}/", user=admin)
    page = detail.forms["invitation_form"].submit()
    new_link = page.html.select_one("#new_invitation input")["value"]
    django_app.reset()
    # when
    _accept(django_app, new_link.removeprefix("http://testserver/vendors/invitation/").rstrip("/"))
    django_app.reset()
    old = django_app.get(f"/vendors/invitation/{invited.token}/", expect_errors=True)
    # then
    assert new_link.startswith("http://testserver/vendors/invitation/")
    assert VendorInvitation.objects.filter(vendor=invited.vendor).count() == 2
    assert old.status_code == 410
    assert Vendor.objects.get().partner.users.get().username == "13812345678"
