"""NOT_GIVEN semantics and ServiceSettings deltas."""

from __future__ import annotations

import copy
import pickle

import pytest

from voxpipe.errors import ConfigurationError
from voxpipe.services.settings import (
    NOT_GIVEN,
    LLMSettings,
    NotGiven,
    ServiceSettings,
    STTSettings,
    TTSSettings,
    is_given,
)


def test_not_given_is_a_falsy_singleton():
    assert NotGiven() is NOT_GIVEN
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN
    assert is_given(None) and not is_given(NOT_GIVEN)


def test_given_fields_omit_not_given_but_keep_none():
    s = LLMSettings(model="gpt", temperature=None)
    assert s.given_fields() == {"model": "gpt", "temperature": None}


def test_apply_delta_reports_changes_only():
    s = LLMSettings(model="gpt", temperature=0.5)
    assert s.apply_delta(LLMSettings(temperature=0.5, seed=1)) == {"seed"}
    assert s.apply_delta(ServiceSettings(model="other")) == {"model"}
    assert s.temperature == 0.5 and s.model == "other"


def test_none_overrides_but_not_given_does_not():
    s = TTSSettings(voice="a", language="en")
    s.apply_delta(TTSSettings(language=None))
    assert s.voice == "a" and s.language is None


def test_dict_delta_routes_unknown_keys_to_extra():
    s = STTSettings(language="en")
    assert s.apply_delta({"language": "fr", "punctuate": True, "extra": {"k": 1}}) == {"language", "punctuate", "k"}
    assert s.extra == {"k": 1, "punctuate": True}


def test_unrelated_delta_is_rejected_with_advice():
    with pytest.raises(ConfigurationError, match="own Settings class"):
        STTSettings().apply_delta(TTSSettings(voice="x"))


def test_copy_is_independent():
    s = TTSSettings(extra={"a": 1})
    c = s.copy()
    c.extra["a"] = 2
    assert s.extra == {"a": 1}
