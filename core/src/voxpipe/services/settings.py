"""Typed service settings and the ``NOT_GIVEN`` sentinel.

Every AI service keeps its runtime configuration in a :class:`ServiceSettings`
dataclass (exposed on the service as the nested ``Settings`` alias)::

    llm = OpenAILLMService(settings=OpenAILLMService.Settings(temperature=0.1))
    await task.queue_frame(LLMUpdateSettingsFrame(delta=OpenAILLMService.Settings(top_p=0.9)))

Contract:

* A field left at :data:`NOT_GIVEN` is *omitted* from the provider request so
  the provider's own default applies; ``None`` is a real value and is sent.
* A settings object used as a *delta* only carries the fields to change:
  :meth:`ServiceSettings.apply_delta` copies its given fields and reports
  which values actually changed, so a service can react (e.g. reconnect when
  ``voice`` changes).
* ``extra`` holds provider-specific keys that have no typed field; deltas
  merge into it key by key.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Final, TypeVar

from voxpipe.errors import ConfigurationError

__all__ = [
    "NOT_GIVEN",
    "LLMSettings",
    "NotGiven",
    "STTSettings",
    "ServiceSettings",
    "TTSSettings",
    "is_given",
]


class NotGiven:
    """Type of :data:`NOT_GIVEN`: "no value", distinct from ``None``.

    There is exactly one instance; it is falsy, prints as ``NOT_GIVEN`` and
    survives ``copy``/``deepcopy``/pickling as the same object, so
    ``value is NOT_GIVEN`` is always the right test.
    """

    _instance: ClassVar[NotGiven | None] = None

    def __new__(cls) -> NotGiven:
        """Return the single instance."""
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> NotGiven:
        return self

    def __reduce__(self) -> str:
        return "NOT_GIVEN"


#: The "leave it to the provider" marker; see :class:`NotGiven`.
NOT_GIVEN: Final[NotGiven] = NotGiven()


def is_given(value: Any) -> bool:
    """Return True unless ``value`` is :data:`NOT_GIVEN` (``None`` counts as given)."""
    return value is not NOT_GIVEN


_S = TypeVar("_S", bound="ServiceSettings")


@dataclass
class ServiceSettings:
    """Base of every service's settings; subclasses are ``@dataclass`` too.

    Every field defaults to :data:`NOT_GIVEN`, so ``XSettings(temperature=0.1)``
    is a delta that changes only the temperature.

    Attributes:
        model: Provider model identifier.
        extra: Provider-specific settings without a typed field.
    """

    model: str | None | NotGiven = NOT_GIVEN
    extra: dict[str, Any] = field(default_factory=dict)

    def given_fields(self) -> dict[str, Any]:
        """Return the typed fields that are not :data:`NOT_GIVEN`, by name.

        ``extra`` is not included; read it directly.
        """
        return {
            f.name: value
            for f in fields(self)
            if f.name != "extra" and (value := getattr(self, f.name)) is not NOT_GIVEN
        }

    def field_names(self) -> set[str]:
        """Return the names of the typed fields (``extra`` excluded)."""
        return {f.name for f in fields(self) if f.name != "extra"}

    def copy(self: _S) -> _S:
        """Return an independent copy (``extra`` is copied too)."""
        return copy.deepcopy(self)

    def apply_delta(self, delta: ServiceSettings | Mapping[str, Any]) -> set[str]:
        """Copy the given values of ``delta`` into these settings.

        Args:
            delta: A settings object of this class or one of its bases (only
                its given fields are applied), or — the deprecated
                ``settings={...}`` form — a mapping of field names to values;
                unknown keys of a mapping go to ``extra``.

        Returns:
            The names whose value changed: typed field names, plus the keys
            of ``extra`` that changed.

        Raises:
            ConfigurationError: ``delta`` is a settings class these settings
                do not derive from (e.g. TTS settings sent to an STT service).
        """
        if isinstance(delta, ServiceSettings):
            if not isinstance(self, type(delta)):
                raise ConfigurationError(
                    f"cannot apply {type(delta).__name__} to {type(self).__name__}: build the "
                    f"delta with the service's own Settings class (e.g. service.Settings(...))"
                )
            values = delta.given_fields()
            extra: Mapping[str, Any] = delta.extra
        elif isinstance(delta, Mapping):
            known = self.field_names()
            values = {k: v for k, v in delta.items() if k in known}
            extra = {k: v for k, v in delta.items() if k not in known and k != "extra"}
            nested = delta.get("extra")
            if isinstance(nested, Mapping):
                extra = {**nested, **extra}
        else:
            raise ConfigurationError(
                f"settings delta must be a ServiceSettings or a dict, not {type(delta).__name__}"
            )
        changed: set[str] = set()
        for name, value in values.items():
            if value is NOT_GIVEN:
                continue
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed.add(name)
        for key, value in extra.items():
            if key not in self.extra or self.extra[key] != value:
                self.extra[key] = value
                changed.add(key)
        return changed


@dataclass
class STTSettings(ServiceSettings):
    """Settings shared by speech-to-text services.

    Attributes:
        language: Language to transcribe (a ``Language`` or provider code);
            ``None`` asks providers that support it to auto-detect.
    """

    language: Any = NOT_GIVEN


@dataclass
class TTSSettings(ServiceSettings):
    """Settings shared by text-to-speech services.

    Attributes:
        voice: Provider voice identifier.
        language: Language to speak (a ``Language`` or provider code).
    """

    voice: str | None | NotGiven = NOT_GIVEN
    language: Any = NOT_GIVEN


@dataclass
class LLMSettings(ServiceSettings):
    """Settings shared by LLM services.

    Attributes:
        system_instruction: System prompt for the model.
        temperature: Sampling temperature.
        max_tokens: Maximum tokens to generate.
        top_p: Nucleus sampling probability mass.
        top_k: Top-k sampling.
        frequency_penalty: Penalty for frequent tokens.
        presence_penalty: Penalty for tokens already present.
        seed: Random seed for deterministic outputs.
        filter_incomplete_user_turns: Let the LLM mark incomplete user turns.
        user_turn_completion_config: Configuration for that turn-completion mode.
    """

    system_instruction: str | None | NotGiven = NOT_GIVEN
    temperature: float | None | NotGiven = NOT_GIVEN
    max_tokens: int | None | NotGiven = NOT_GIVEN
    top_p: float | None | NotGiven = NOT_GIVEN
    top_k: int | None | NotGiven = NOT_GIVEN
    frequency_penalty: float | None | NotGiven = NOT_GIVEN
    presence_penalty: float | None | NotGiven = NOT_GIVEN
    seed: int | None | NotGiven = NOT_GIVEN
    filter_incomplete_user_turns: bool | None | NotGiven = NOT_GIVEN
    user_turn_completion_config: Any = NOT_GIVEN
