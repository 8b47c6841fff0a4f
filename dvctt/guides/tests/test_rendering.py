"""The sanitiser: Markdown becomes HTML with only the allow-list left, whatever the writer typed."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from dvctt.guides.rendering import TAGS, render_markdown, sanitise


def parsed(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every element of ``html`` with its attributes, as a browser's parser reads them."""
    found: list[tuple[str, list[tuple[str, str]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, [(k, v or "") for k, v in attrs]))

    Collect().feed(html)
    return found


def test_markdown_renders_headings_one_level_down_lists_links_and_tables() -> None:
    html = render_markdown(
        "# Bước 1\n\n**Đăng nhập**, *rồi* `chọn thủ tục`.\n\n1. Một\n2. Hai\n\n"
        "[Cổng DVCQG](https://dichvucong.gov.vn) · [Thủ tục](/thu-tuc/1.001193/) · [thư](mailto:a@b.vn)\n\n"
        "| Phí | Mức |\n|---|---|\n| Khai sinh | 0 |\n"
    )
    assert "<h2>Bước 1</h2>" in html
    assert (
        "<strong>Đăng nhập</strong>" in html
        and "<em>rồi</em>" in html
        and "<code>chọn thủ tục</code>" in html
    )
    assert "<ol>" in html and "<li>Hai</li>" in html
    assert '<a href="https://dichvucong.gov.vn" rel="noopener noreferrer">Cổng DVCQG</a>' in html
    assert '<a href="/thu-tuc/1.001193/" rel="noopener noreferrer">' in html
    assert 'href="mailto:a@b.vn"' in html
    assert "<table>" in html and "<td>Khai sinh</td>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Xin chào <script>alert('x')</script>",
        '<img src="x" onerror="alert(1)">',
        "[bấm](javascript:alert(1))",
        "[bấm](JaVaScRiPt:alert(1))",
        "[bấm](javascript&#58;alert(1))",
        "![ảnh](javascript:alert(1))",
        "[bấm](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[bấm](vbscript:msgbox(1))",
        '<a href="javascript:alert(1)" style="color:red" onclick="x()">a</a>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
    ],
)
def test_no_script_handler_javascript_url_or_style_survives(source: str) -> None:
    elements = parsed(render_markdown(source))
    for tag, attributes in elements:
        assert tag in TAGS, tag
        for name, value in attributes:
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src"):
                assert value.startswith(("https://", "http://", "mailto:", "/")) and not value.startswith(
                    "//"
                )


def test_the_check_sees_a_handler() -> None:
    # the helper itself: an element with a handler is reported
    assert parsed('<img src="x" onerror="alert(1)">') == [("img", [("src", "x"), ("onerror", "alert(1)")])]


def test_raw_html_is_shown_as_text_not_run() -> None:
    html = render_markdown("Gõ <b>đậm</b> và <script>alert(1)</script>")
    assert "&lt;b&gt;" in html and "&lt;script&gt;" in html and "<b>" not in html


def test_the_sanitiser_alone_keeps_only_the_allow_list() -> None:
    # the second layer, as if markdown-it had let raw HTML through
    html = sanitise(
        '<h2 onclick="x()">T</h2><div><a href="javascript:alert(1)">j</a><a href="//evil.example/">p</a>'
        '<a href="https://ok.vn" target="_blank">ok</a><img src="https://evil.example/x.png" alt="e">'
        '<img src="/huong-dan/anh/7/" alt="bước 1"><script>alert(1)</script><p style="color:red">s</p></div>'
    )
    assert html.startswith("<h2>T</h2>")
    assert "<div" not in html and "<script" not in html and "alert(1)" not in html
    assert "javascript" not in html and "//evil.example" not in html and "target=" not in html
    assert '<a href="https://ok.vn" rel="noopener noreferrer">ok</a>' in html
    # only our own stored pictures are shown
    assert '<img src="/huong-dan/anh/7/" alt="bước 1">' in html
    assert 'src="https://evil.example' not in html
    assert "<p>s</p>" in html


def test_a_picture_from_another_host_loses_its_address() -> None:
    assert "evil" not in render_markdown("![x](https://evil.example/track.png)")
    assert '<img src="/huong-dan/anh/12/" alt="Bước 2">' in render_markdown("![Bước 2](/huong-dan/anh/12/)")
