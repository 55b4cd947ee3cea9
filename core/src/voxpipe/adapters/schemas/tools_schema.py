"""``ToolsSchema``: the tools an LLM may use, provider-neutral plus per-provider extras.

``standard_tools`` are :class:`~voxpipe.adapters.schemas.function_schema.FunctionSchema`
objects every adapter translates. ``custom_tools`` carries provider-only tools
(a search grounding tool, a code interpreter ...) keyed by :class:`AdapterType`;
each adapter passes through only its own entry, verbatim.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

from voxpipe.adapters.schemas.function_schema import FunctionSchema

__all__ = ["AdapterType", "ToolsSchema"]


class AdapterType(str, Enum):
    """Which provider adapter a custom tool is meant for.

    A ``str`` enum, so ``custom_tools`` may be keyed by the member or by its
    value (``AdapterType.GEMINI`` and ``"gemini"`` find the same entry).
    Third-party adapters may use any other string.
    """

    OPENAI = "openai"
    ANTHROPIC = "anthropic"
    GEMINI = "gemini"
    AWS_BEDROCK = "aws_bedrock"
    AWS_NOVA_SONIC = "aws_nova_sonic"


class ToolsSchema:
    """The tools offered to the LLM.

    Args:
        standard_tools: Provider-neutral function definitions.
        custom_tools: Provider-specific tool definitions, by adapter.

    Raises:
        ValueError: Two standard tools share a name (providers reject that).
        TypeError: A standard tool is not a ``FunctionSchema``.
    """

    __slots__ = ("_custom_tools", "_standard_tools")

    def __init__(
        self,
        standard_tools: Iterable[FunctionSchema],
        custom_tools: Mapping[AdapterType | str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self._standard_tools: list[FunctionSchema] = []
        self._custom_tools: dict[AdapterType | str, list[dict[str, Any]]] = {}
        self.standard_tools = list(standard_tools)
        self.custom_tools = dict(custom_tools or {})

    @property
    def standard_tools(self) -> list[FunctionSchema]:
        """The provider-neutral function definitions."""
        return self._standard_tools

    @standard_tools.setter
    def standard_tools(self, tools: list[FunctionSchema]) -> None:
        seen: set[str] = set()
        tools = [_as_schema(tool) for tool in tools]
        for tool in tools:
            if not isinstance(tool, FunctionSchema):
                raise TypeError(
                    f"standard_tools takes FunctionSchema objects or direct functions, got {type(tool).__name__}; "
                    "use FunctionSchema.from_dict() for provider-format dicts"
                )
            if tool.name in seen:
                raise ValueError(f"two tools are named {tool.name!r}; tool names must be unique")
            seen.add(tool.name)
        self._standard_tools = list(tools)

    @property
    def custom_tools(self) -> dict[AdapterType | str, list[dict[str, Any]]]:
        """Provider-specific tool definitions, by adapter."""
        return self._custom_tools

    @custom_tools.setter
    def custom_tools(self, tools: dict[AdapterType | str, list[dict[str, Any]]]) -> None:
        self._custom_tools = tools

    @property
    def function_names(self) -> list[str]:
        """Names of the standard tools, in order."""
        return [tool.name for tool in self._standard_tools]

    def get_custom_tools(self, adapter: AdapterType | str) -> list[dict[str, Any]]:
        """The custom tools for ``adapter`` (an empty list when there are none)."""
        key = adapter.value if isinstance(adapter, AdapterType) else adapter
        return list(self._custom_tools.get(key, []))

    def __len__(self) -> int:
        return len(self._standard_tools) + sum(len(v) for v in self._custom_tools.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ToolsSchema):
            return NotImplemented
        return self._standard_tools == other._standard_tools and {
            _key(k): v for k, v in self._custom_tools.items()
        } == {_key(k): v for k, v in other._custom_tools.items()}

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"ToolsSchema(standard_tools={self._standard_tools!r}, custom_tools={self._custom_tools!r})"


def _key(adapter: AdapterType | str) -> str:
    return adapter.value if isinstance(adapter, AdapterType) else adapter


def _as_schema(tool: Any) -> Any:
    """A direct function becomes its derived schema; anything else is checked by the caller."""
    if callable(tool) and not isinstance(tool, FunctionSchema):
        from voxpipe.adapters.schemas.direct_function import direct_function_schema, is_direct_function

        if is_direct_function(tool):
            return direct_function_schema(tool)
    return tool
