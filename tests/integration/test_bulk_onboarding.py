"""County onboarding in bulk (the 600 shops of the story): a CSV becomes pre-approved vendors with
one-time invitation links; bad rows are reported by line, good rows kept, a second import adds nothing.
"""

import hashlib
import re
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

from tests.faults.backends import RecordingSmsBackend
from vendors.models import Vendor, VendorEvent, VendorInvitation
from vendors.notifications.models import Message
from vendors.notifications.sending import message_send
from vendors.notifications.services import message_retry
from vendors.onboarding.county import ImportFileInvalid, ImportReport, vendor_csv_import
from vendors.onboarding.selectors import seller_vendor_for_user

HEADER = "店铺名称,联系人,手机号,县区,村\n"
WORKBOOK = "这是 Excel 或 WPS 表格文件，不是 CSV 文件。请另存为“CSV（逗号分隔）”后再上传。"
UNREADABLE = (
    "无法读取文件内容（既不是 UTF-8，也不是 GBK/GB18030 编码的文本）。请在 Excel 或 WPS 中另存为"
    "“CSV UTF-8（逗号分隔）”或“CSV（逗号分隔）”，或下载下方的模板填写。"
)


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
        (b"\x80\x80\xff,\x81\n", UNREADABLE),
        ((HEADER + "王家庄,王大山,13812345678,临县,\n").encode("utf-16"), UNREADABLE),
        ("店铺名称,联系人\x00,手机号,县区\n".encode(), UNREADABLE),
        (
            b"PK\x03\x04\x14\x00\x06\x00",
            "这是 Excel 或 WPS 表格文件，不是 CSV 文件。请另存为“CSV（逗号分隔）”后再上传。",
        ),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
            "这是 Excel 或 WPS 表格文件，不是 CSV 文件。请另存为“CSV（逗号分隔）”后再上传。",
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
    assert response.content.decode().count('<code class="invitation-link"') == 600
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
    links = [code.get_text() for code in page.html.select("#import_invitations .invitation-link")]
    assert len(links) == 1
    assert links[0].startswith("http://testserver/vendors/invitation/")
    invitation_page = django_app.get(links[0].removeprefix("http://testserver"))
    assert invitation_page.status_code == 200
    assert "王家庄村红枣合作社" in invitation_page.html.select_one("#invitation_shop").get_text()


def test_a_file_that_is_no_text_is_an_error_on_the_page(django_app, admin):
    # given
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    form["file"] = Upload("linxian.csv", b"\x80\x80\xff" + HEADER.encode("utf-16"), "text/csv")
    # when
    page = form.submit()
    # then
    assert page.status_code == 200
    error = page.html.select_one("#vendor_import_form .error-block").get_text(strip=True)
    assert error == UNREADABLE
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
    new_link = page.html.select_one("#new_invitation .invitation-link").get_text()
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


# What Excel saves in China, and the template to start from


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_a_csv_saved_by_excel_on_a_chinese_windows_is_read(admin, encoding):
    # given: Excel's plain "CSV (comma delimited)" on a Chinese Windows writes GBK; 䶮 exists in GB18030 only
    name = "王家庄村红枣合作社" if encoding == "gbk" else "王家庄村䶮记红枣合作社"
    text = HEADER + f"{name},王大山,13812345678,临县,王家庄村\n"
    # when
    report = _import(admin, text, encoding=encoding)
    # then
    assert report.encoding == "gb18030"
    assert [(row.vendor.name, row.vendor.contact_name, row.vendor.county) for row in report.imported] == [
        (name, "王大山", "临县")
    ]
    assert Vendor.objects.get().name == name


def test_a_utf8_file_is_read_as_utf8(admin):
    # when
    report = _import(admin, HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n")
    # then
    assert (report.encoding, len(report.imported)) == ("utf-8", 1)


def test_the_import_page_says_when_it_read_a_gbk_file(django_app, admin):
    # given
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    form["file"] = Upload("linxian.csv", (HEADER + "王家庄,王大山,13812345678,临县,\n").encode("gbk"), "text/csv")
    # when
    page = form.submit()
    # then
    assert page.html.select_one("#import_summary").get_text(" ", strip=True) == (
        "新建店铺 1 家，已存在 0 家，问题 0 处。 已按 GBK/GB18030 编码（中文版 Windows 默认）读取文件。"
    )
    assert Vendor.objects.get().name == "王家庄"


def test_the_csv_template_opens_in_excel_and_imports_as_it_is(django_app, admin):
    # given
    page = django_app.get("/dashboard/vendors/import/", user=admin)
    # when
    template = page.click(href="/dashboard/vendors/import/template.csv")
    # then
    assert template.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert template.headers["Content-Disposition"] == 'attachment; filename="vendor-import-template.csv"'
    assert template.body.startswith(b"\xef\xbb\xbf")
    assert template.body.decode("utf-8-sig").splitlines() == [
        "店铺名称,联系人,手机号,县区,村,省份",
        "临县王家庄村红枣合作社,王大山,13812345678,临县,王家庄村,山西省",
    ]
    # the template as downloaded, and as Excel saves it again in GBK, both import
    with translation.override("zh-hans"):
        as_downloaded = vendor_csv_import(file=SimpleUploadedFile("t.csv", template.body), imported_by=admin)
    resaved = template.body.decode("utf-8-sig").encode("gbk")
    with translation.override("zh-hans"):
        as_resaved = vendor_csv_import(file=SimpleUploadedFile("t.csv", resaved), imported_by=admin)
    assert [row.vendor.name for row in as_downloaded.imported] == ["临县王家庄村红枣合作社"]
    assert [row.name for row in as_resaved.already_present] == ["临县王家庄村红枣合作社"]
    assert Vendor.objects.get().province == "山西省"


def test_only_staff_download_the_template(db, django_app):
    # when
    consumer = django_app.get(
        "/dashboard/vendors/import/template.csv", user=UserFactory(username="guke"), expect_errors=True
    )
    # then
    assert consumer.status_code == 403


# Invitations by SMS


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = "tests.faults.backends.RecordingSmsBackend"
    settings.SITE_URL = "https://jishi.example.cn"
    RecordingSmsBackend.sent = []
    return RecordingSmsBackend


def _sms_link(text: str) -> str:
    return re.search(r"https://jishi\.example\.cn(/vendors/invitation/[\w-]+/)", text).group(1)


def test_every_imported_shop_gets_its_invitation_by_sms(django_app, admin, sms, django_capture_on_commit_callbacks):
    # given
    form = django_app.get("/dashboard/vendors/import/", user=admin).forms["vendor_import_form"]
    rows = "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n李家沟小米,李秀英,139 0000 1111,临县,李家沟村\n"
    form["file"] = Upload("linxian.csv", (HEADER + rows).encode(), "text/csv")
    # when
    with django_capture_on_commit_callbacks(execute=True):
        page = form.submit()
    # then: one SMS per contact, with the same link the page shows, whole
    shown = {
        item.select_one("a").get_text(): item.select_one(".invitation-link").get_text()
        for item in page.html.select("#import_invitations .import-invitation")
    }
    assert sorted(phone for phone, _text in sms.sent) == ["+8613812345678", "+8613900001111"]
    texts = dict(sms.sent)
    assert texts["+8613812345678"].startswith(
        "【乡村集市】王大山您好，您的店铺“王家庄村红枣合作社”已在本集市开好。"
        "请在 30 天内打开链接，设置密码后即可管理店铺：https://jishi.example.cn/vendors/invitation/"
    )
    assert shown["王家庄村红枣合作社"] == "http://testserver" + _sms_link(texts["+8613812345678"])
    assert shown["李家沟小米"] == "http://testserver" + _sms_link(texts["+8613900001111"])
    # the outbox keeps no token once the SMS is sent
    assert list(Message.objects.values_list("kind", "status", "secret")) == [("vendor_invitation", "sent", "")] * 2
    django_app.reset()
    assert "王家庄村红枣合作社" in django_app.get(_sms_link(texts["+8613812345678"])).text


def test_an_admin_re_sends_an_invitation_as_a_new_link_by_sms(
    django_app, admin, sms, django_capture_on_commit_callbacks
):
    # given: an imported shop whose SMS never arrived
    with django_capture_on_commit_callbacks(execute=True):
        vendor = _import(admin, HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n").imported[0].vendor
    first_link = _sms_link(sms.sent[0][1])
    detail = django_app.get(f"/dashboard/vendors/{vendor.pk}/", user=admin)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        page = detail.forms["invitation_form"].submit()
    # then
    assert page.html.select_one("#new_invitation p").get_text(strip=True) == (
        "新的邀请链接已通过短信发给 王大山（138 1234 5678）。链接只显示这一次，可复制后再通过微信发送。"
    )
    new_link = page.html.select_one("#new_invitation .invitation-link").get_text()
    copy = page.html.select_one("#new_invitation button.invitation-copy")
    assert (copy["data-copy-link"], copy.get_text(), copy.has_attr("hidden")) == (new_link, "复制链接", True)
    assert [phone for phone, _text in sms.sent] == ["+8613812345678", "+8613812345678"]
    assert new_link == "http://testserver" + _sms_link(sms.sent[1][1]) != "http://testserver" + first_link
    sms_rows = page.html.select("#invitation_sms .invitation-sms")
    assert [(li.get_text(" ", strip=True).split(" · ")[1], li.select_one(".badge").get_text()) for li in sms_rows] == [
        ("138 1234 5678", "待发送"),  # the page is drawn before the commit that sends it
        ("138 1234 5678", "已发送"),
    ]
    assert len(page.html.select(".vendor-invitation")) == 2
    # both links work until one of them is used
    django_app.reset()
    assert django_app.get(first_link).status_code == 200
    assert django_app.get(new_link.removeprefix("http://testserver")).status_code == 200


def test_a_failed_invitation_sms_is_not_retried_without_its_token(
    django_app, admin, settings, django_capture_on_commit_callbacks
):
    # given: the SMS gateway is down until the message fails for good
    settings.SMS_BACKEND = "tests.faults.backends.DownSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _import(admin, HEADER + "王家庄村红枣合作社,王大山,13812345678,临县,王家庄村\n")
    message = Message.objects.get()
    for _attempt in range(settings.NOTIFICATION_MAX_ATTEMPTS):
        Message.objects.filter(pk=message.pk, status="pending").update(next_attempt_at=None)
        message_send(message_pk=message.pk)
    message.refresh_from_db()
    # when
    retried = message_retry(message_pk=message.pk)
    outbox = django_app.get("/dashboard/notifications/?status=failed", user=admin)
    # then: the admin re-sends the invitation from the shop's page instead
    assert (message.status, message.secret, retried) == ("failed", "", False)
    assert outbox.html.select(f"#retry_form_{message.pk}") == []
    resend = outbox.html.select_one(f"#resend_link_{message.pk}")
    assert (resend.get_text(strip=True), resend["href"]) == (
        "重新发送邀请短信",
        f"/dashboard/vendors/{message.vendor_id}/#vendor_invitations",
    )
