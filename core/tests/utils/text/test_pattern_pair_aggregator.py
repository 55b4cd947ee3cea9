"""PatternPairAggregator: spans are removed, kept or aggregated; everything else comes out as sentences."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.utils.text.base_text_aggregator import AggregationType, BaseTextAggregator
from voxpipe.utils.text.pattern_pair_aggregator import MatchAction, PatternMatch, PatternPairAggregator

pytestmark = pytest.mark.timeout(60)


def run(aggregator, chunks, flush=True):
    """Feed chunks, drain after each, optionally flush; return (type, text) pairs."""
    out = []
    for chunk in chunks:
        unit = aggregator.aggregate(chunk)
        while unit is not None:
            out.append((str(unit.type), unit.text))
            unit = aggregator.aggregate("")
    if flush:
        unit = aggregator.flush()
        if unit is not None:
            out.append((str(unit.type), unit.text))
    return out


def test_remove_drops_span_and_calls_handler_before_following_text():
    agg = PatternPairAggregator()
    matches = []
    agg.add_pattern("voice", "<voice>", "</voice>", MatchAction.REMOVE)
    agg.on_pattern_match("voice", matches.append)
    out = run(agg, ["<voice>nar", "rator</voice>Once upon a time. ", "<voice>male</voice>Hello there. Bye"])
    assert out == [("sentence", "Once upon a time."), ("sentence", "Hello there."), ("sentence", "Bye")]
    assert [(m.type, m.content, m.full_match) for m in matches] == [
        ("voice", "narrator", "<voice>narrator</voice>"),
        ("voice", "male", "<voice>male</voice>"),
    ]
    assert all(isinstance(m, PatternMatch) for m in matches)


def test_remove_is_the_default_action():
    agg = PatternPairAggregator().add_pattern("note", "[[", "]]")
    assert run(agg, ["Keep this [[not this]] part."]) == [("sentence", "Keep this  part.")]


def test_keep_drops_delimiters_only():
    agg = PatternPairAggregator().add_pattern("em", "<em>", "</em>", MatchAction.KEEP)
    seen = []
    agg.on_pattern_match("em", seen.append)
    assert run(agg, ["This is <em>very</em> nice. Next"]) == [
        ("sentence", "This is very nice."),
        ("sentence", "Next"),
    ]
    assert seen[0].text == "very"


def test_aggregate_flushes_preceding_text_then_returns_span_with_its_type():
    agg = PatternPairAggregator().add_pattern("json", "```json", "```", MatchAction.AGGREGATE)
    out = run(agg, ["Hi. Here is the data: ```json\n{\"a\": ", "1}\n``` That was it."])
    assert out == [
        ("sentence", "Hi."),
        ("sentence", "Here is the data:"),
        ("json", '{"a": 1}'),
        ("sentence", "That was it."),
    ]


def test_aggregate_returns_a_pattern_match():
    agg = PatternPairAggregator().add_pattern("card", "<card>", "</card>", MatchAction.AGGREGATE)
    unit = agg.aggregate("<card>4111 1111</card>")
    assert isinstance(unit, PatternMatch)
    assert (unit.type, unit.text, unit.full_match) == ("card", "4111 1111", "<card>4111 1111</card>")


def test_no_sentence_ends_inside_an_open_span():
    agg = PatternPairAggregator().add_pattern("card", "<card>", "</card>", MatchAction.AGGREGATE)
    assert agg.aggregate("<card>4111. 2222. ") is None
    assert str(agg.aggregate("3333</card>").type) == "card"


def test_start_pattern_split_across_chunks():
    agg = PatternPairAggregator().add_pattern("voice", "<voice>", "</voice>")
    assert run(agg, ["Hello <vo", "ice>x</vo", "ice>world. Ok"]) == [("sentence", "Hello world."), ("sentence", "Ok")]


def test_without_patterns_it_aggregates_sentences():
    agg = PatternPairAggregator()
    assert isinstance(agg, BaseTextAggregator)
    assert run(agg, ["One. Two", "! Three"]) == [("sentence", "One."), ("sentence", "Two!"), ("sentence", "Three")]
    assert agg.aggregate("x. Y") is not None and agg.aggregate("").__class__  # drains cleanly


def test_flush_treats_an_open_span_as_closed():
    agg = PatternPairAggregator().add_pattern("voice", "<voice>", "</voice>")
    assert run(agg, ["Say <voice>male"]) == [("sentence", "Say")]
    agg = PatternPairAggregator().add_pattern("em", "<em>", "</em>", MatchAction.KEEP)
    assert run(agg, ["Say <em>this"]) == [("sentence", "Say this")]
    agg = PatternPairAggregator().add_pattern("card", "<card>", "</card>", MatchAction.AGGREGATE)
    assert run(agg, ["Card <card>12", "34"]) == [("sentence", "Card"), ("card", "1234")]


def test_reset_and_interruption_drop_the_buffer():
    agg = PatternPairAggregator().add_pattern("voice", "<voice>", "</voice>")
    agg.aggregate("half a sentence <voice>ma")
    assert agg.text
    agg.handle_interruption()
    assert agg.text == "" and agg.flush() is None


def test_reserved_types_and_empty_patterns_are_rejected():
    agg = PatternPairAggregator()
    for reserved in ("sentence", "word", AggregationType.SENTENCE):
        with pytest.raises(ValueError):
            agg.add_pattern(reserved, "<a>", "</a>")
    with pytest.raises(ValueError):
        agg.add_pattern("x", "", "</a>")


def test_add_pattern_pair_is_deprecated_and_maps_remove_match():
    agg = PatternPairAggregator()
    with pytest.warns(DeprecationWarning):
        agg.add_pattern_pair("em", "<em>", "</em>", remove_match=False)
    assert run(agg, ["A <em>b</em> c."]) == [("sentence", "A b c.")]


def test_handler_errors_do_not_break_aggregation():
    agg = PatternPairAggregator().add_pattern("voice", "<voice>", "</voice>")

    def broken(match):
        raise RuntimeError("boom")

    agg.on_pattern_match("voice", broken)
    assert run(agg, ["<voice>x</voice>Fine."]) == [("sentence", "Fine.")]


async def test_async_handlers_are_scheduled():
    agg = PatternPairAggregator().add_pattern("voice", "<voice>", "</voice>")
    seen = []

    async def handler(match):
        seen.append(match.content)

    agg.on_pattern_match("voice", handler)
    run(agg, ["<voice>female</voice>Hi."])
    await asyncio.sleep(0.01)
    assert seen == ["female"]
