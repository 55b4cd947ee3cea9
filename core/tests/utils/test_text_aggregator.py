"""SimpleTextAggregator: sentence splitting on streamed text."""

from __future__ import annotations

import pytest

from voxpipe.utils.text.base_text_aggregator import AggregationType
from voxpipe.utils.text.simple_text_aggregator import SimpleTextAggregator


def split(chunks: list[str]) -> list[str]:
    agg = SimpleTextAggregator()
    out = []
    for chunk in chunks:
        result = agg.aggregate(chunk)
        while result is not None:
            assert result.type == AggregationType.SENTENCE == "sentence"
            out.append(result.text)
            result = agg.aggregate("")
    rest = agg.flush()
    if rest:
        out.append(rest.text)
    return out


def tokens(text: str) -> list[str]:
    """Stream ``text`` one character at a time: the hardest case for boundaries."""
    return list(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello there. How are you? Fine!", ["Hello there.", "How are you?", "Fine!"]),
        ("Ask Dr. Smith. He knows.", ["Ask Dr. Smith.", "He knows."]),
        ("Use fruit, e.g. apples. Or not.", ["Use fruit, e.g. apples.", "Or not."]),
        ("I live in the U.S. today. Yes.", ["I live in the U.S. today.", "Yes."]),
        ("Pi is 3.14 exactly. Ok.", ["Pi is 3.14 exactly.", "Ok."]),
        ("We sold 1,000 units. Great.", ["We sold 1,000 units.", "Great."]),
        ("Wait... what? Well... Okay.", ["Wait... what?", "Well...", "Okay."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("Call `obj.run()` now. Done.", ["Call `obj.run()` now.", "Done."]),
        ("Code:\n```\nx = 1. Y = 2. Z?\n```\nAfter. End.", ["Code:\n```\nx = 1. Y = 2. Z?\n```\nAfter.", "End."]),
        ("1. First\n2. Second", ["1. First\n2. Second"]),
        ("Title\n\nBody text. More.", ["Title", "Body text.", "More."]),
        ("你好。再见！", ["你好。", "再见！"]),
        ("No terminator at all", ["No terminator at all"]),
    ],
)
@pytest.mark.parametrize("chunking", ["whole", "chars"])
def test_sentences(text: str, expected: list[str], chunking: str):
    chunks = [text] if chunking == "whole" else tokens(text)
    assert split(chunks) == expected


def test_waits_for_text_after_a_period():
    agg = SimpleTextAggregator()
    assert agg.aggregate("It costs 3.") is None  # could be 3.50
    assert agg.aggregate(" ") is None
    result = agg.aggregate("Next")
    assert result is not None and result.text == "It costs 3."
    assert agg.text == "Next"


def test_flush_and_interruption_clear_the_buffer():
    agg = SimpleTextAggregator()
    agg.aggregate("half a sent")
    agg.handle_interruption()
    assert agg.text == "" and agg.flush() is None
    agg.aggregate("  tail  ")
    assert agg.flush().text == "tail" and agg.text == ""
