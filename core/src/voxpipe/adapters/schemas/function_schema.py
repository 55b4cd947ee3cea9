"""``FunctionSchema``: one function the LLM may call, in a provider-neutral form.

The parameters are plain JSON Schema (the dialect every major provider
accepts), so a schema written once works with every LLM service; adapters
(:mod:`voxpipe.adapters`) translate it to each provider's request format::

    weather = FunctionSchema(
        name="get_weather",
        description="Get the current weather",
        properties={"location": {"type": "string", "description": "City and state"}},
        required=["location"],
    )
    weather.to_default_dict()
    # {"name": "get_weather", "description": "...",
    #  "parameters": {"type": "object", "properties": {...}, "required": ["location"]}}
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["FunctionSchema"]


class FunctionSchema:
    """A function the LLM may call: name, description and JSON-Schema parameters.

    Args:
        name: Function name; what the LLM puts in its tool call and what
            ``LLMService.register_function`` is keyed by.
        description: What the function does, for the model.
        properties: JSON-Schema property definitions of the parameters, by name.
        required: Names of the mandatory parameters; each must be a key of
            ``properties``.

    Raises:
        ValueError: ``name`` is empty or ``required`` names an unknown property.
    """

    __slots__ = ("_description", "_name", "_properties", "_required")

    def __init__(
        self,
        name: str,
        description: str,
        properties: Mapping[str, Any],
        required: Sequence[str],
    ) -> None:
        if not name:
            raise ValueError("FunctionSchema needs a non-empty name")
        unknown = [r for r in required if r not in properties]
        if unknown:
            raise ValueError(
                f"FunctionSchema {name!r}: required parameters {unknown} are not in properties"
            )
        self._name = name
        self._description = description
        self._properties: dict[str, Any] = dict(properties)
        self._required: list[str] = list(required)

    @property
    def name(self) -> str:
        """The function name."""
        return self._name

    @property
    def description(self) -> str:
        """What the function does."""
        return self._description

    @property
    def properties(self) -> dict[str, Any]:
        """JSON-Schema definitions of the parameters, by name."""
        return self._properties

    @property
    def required(self) -> list[str]:
        """Names of the mandatory parameters."""
        return self._required

    def to_default_dict(self) -> dict[str, Any]:
        """The OpenAI-style function definition: ``name``, ``description``, ``parameters``.

        The result is a fresh deep copy: mutating it does not change the schema.
        """
        return {
            "name": self._name,
            "description": self._description,
            "parameters": {
                "type": "object",
                "properties": copy.deepcopy(self._properties),
                "required": list(self._required),
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FunctionSchema:
        """Build a schema from an OpenAI-style definition.

        Accepts a bare function object (``{"name", "description", "parameters"}``)
        or a tool wrapper (``{"type": "function", "function": {...}}``).

        Raises:
            ValueError: ``data`` is not a function definition.
        """
        if data.get("type") == "function" and isinstance(data.get("function"), Mapping):
            data = data["function"]
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise ValueError(f"not a function definition (no name): {dict(data)!r}")
        parameters = data.get("parameters") or {}
        return cls(
            name=name,
            description=data.get("description", "") or "",
            properties=parameters.get("properties") or {},
            required=parameters.get("required") or [],
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, FunctionSchema):
            return NotImplemented
        return self.to_default_dict() == other.to_default_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable properties: not hashable

    def __repr__(self) -> str:
        return (
            f"FunctionSchema(name={self._name!r}, description={self._description!r}, "
            f"properties={self._properties!r}, required={self._required!r})"
        )
