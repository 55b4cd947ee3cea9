"""MarkdownTextFilter: the markup goes, the words (and numbered lists, and spacing) stay."""

from __future__ import annotations

import pytest

from voxpipe.utils.text.base_text_filter import BaseTextFilter, apply_text_filter
from voxpipe.utils.text.markdown_text_filter import MarkdownTextFilter

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("markdown", "spoken"),
    [
        ("**important**", "important"),
        ("*emphasized*", "emphasized"),
        ("***both***", "both"),
        ("__bold__ and _italic_", "bold and italic"),
        ("a ~~struck~~ word", "a struck word"),
        ("## Section", "Section"),
        ("# Title\nBody", "Title\nBody"),
        ("`code`", "code"),
        ("<b>text</b>", "text"),
        ("Fish &amp; chips &lt;3", "Fish & chips <3"),
        ("Wow!!!!!!!", "Wow!"),
        ("Wait... what?", "Wait... what?"),
        ("See [the docs](https://example.com).", "See the docs."),
        ("![a cat](cat.png)", "a cat"),
        ("> quoted", "quoted"),
        ("- apple\n- pear", "apple\npear"),
        ("Above\n---\nBelow", "Above\n\nBelow"),
    ],
)
def test_documented_removals(markdown, spoken):
    assert MarkdownTextFilter().filter(markdown) == spoken


@pytest.mark.parametrize(
    "plain",
    [
        "1. First step\n2. Second step",
        "snake_case_name stays",
        "2 * 3 = 6 and 2*3 too",
        "It costs $5.",
    ],
)
def test_text_that_only_looks_like_markdown_is_kept(plain):
    assert MarkdownTextFilter().filter(plain) == plain


def test_chunk_spacing_is_preserved():
    f = MarkdownTextFilter()
    assert f.filter(" **Hello** ") == " Hello "
    assert f.filter("world ") == "world "


def test_emphasis_split_across_chunks():
    f = MarkdownTextFilter()
    assert f.filter("This is **very") == "This is very"
    assert f.filter(" important** indeed.") == " important indeed."


def test_code_blocks_keep_content_but_lose_fences_by_default():
    f = MarkdownTextFilter()
    assert f.filter("Run:\n```python\nprint(1)\n```\nDone") == "Run:\nprint(1)\n\nDone"
    # markdown-looking text inside code is left as written
    assert f.filter("```\na * b_c_d\n```") == "a * b_c_d\n"


def test_filter_code_removes_blocks_also_across_chunks():
    f = MarkdownTextFilter(params=MarkdownTextFilter.InputParams(filter_code=True))
    assert f.filter("Here:```python\nprint(1)\n```Done") == "Here: Done"
    assert f.filter("Start ```py").strip() == "Start"
    assert f.filter("\nsecret = 1\n") == ""
    assert f.filter("``` end") == " end"


def test_filter_tables_removes_rows_also_across_chunks():
    f = MarkdownTextFilter(params=MarkdownTextFilter.InputParams(filter_tables=True))
    assert f.filter("| A | B |\n|---|---|\n| 1 | 2 |\nAfter the table") == "After the table"
    assert f.filter("| Name | Ag") == ""
    assert f.filter("e |\n") == ""
    assert f.filter("Next line") == "Next line"


def test_tables_stay_unless_enabled():
    assert "| 1 | 2 |" in MarkdownTextFilter().filter("| 1 | 2 |")


def test_disabled_filter_passes_text_through_and_settings_update():
    f = MarkdownTextFilter(params=MarkdownTextFilter.InputParams(enable_text_filter=False))
    assert f.filter("**x**") == "**x**"
    f.update_settings({"enable_text_filter": True, "unknown": 1})
    assert f.filter("**x**") == "x"
    assert f.params.enable_text_filter is True


def test_interruption_forgets_an_open_code_block():
    f = MarkdownTextFilter(params=MarkdownTextFilter.InputParams(filter_code=True))
    f.filter("```python\nx = 1")
    f.handle_interruption()
    f.reset_interruption()
    assert f.filter("Hello there") == "Hello there"


def test_defaults():
    p = MarkdownTextFilter.InputParams()
    assert (p.enable_text_filter, p.filter_code, p.filter_tables) == (True, False, False)
    assert isinstance(MarkdownTextFilter(), BaseTextFilter)


async def test_apply_text_filter_accepts_sync_and_async_filters():
    class AsyncUpper:
        async def filter(self, text):
            return text.upper()

    assert await apply_text_filter(AsyncUpper(), "hi") == "HI"
    assert await apply_text_filter(MarkdownTextFilter(), "**hi**") == "hi"
