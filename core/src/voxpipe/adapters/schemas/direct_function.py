"""Direct functions: a tool described by its own signature and docstring.

A direct function is ``async def name(params: FunctionCallParams, **arguments)``
with a Google-style docstring. Its schema comes from the function itself::

    async def get_weather(params: FunctionCallParams, location: str, unit: str = "celsius"):
        \"\"\"Get the current weather.\"\"\"   # plus a Google-style Args section
        await params.result_callback({"temperature": 21, "unit": unit})

    tools = ToolsSchema(standard_tools=[get_weather])   # the schema is derived
    llm.register_direct_function(get_weather)          # arguments arrive as keywords

Parameter descriptions come from the docstring's ``Args:`` section.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable
from typing import Any

from voxpipe.adapters.schemas.function_schema import FunctionSchema

__all__ = ["direct_function_schema", "is_direct_function"]

_JSON_TYPES: dict[type, str] = {str: "string", int: "integer", float: "number", bool: "boolean"}


def is_direct_function(obj: Any) -> bool:
    """Whether ``obj`` looks like a direct function (a coroutine function with parameters)."""
    return inspect.iscoroutinefunction(obj) and bool(inspect.signature(obj).parameters)


def direct_function_schema(func: Callable[..., Any]) -> FunctionSchema:
    """Build the :class:`FunctionSchema` of a direct function from its signature and docstring.

    The first parameter (the ``FunctionCallParams``) is skipped; every other
    parameter becomes a property, required unless it has a default.

    Raises:
        TypeError: ``func`` is not an ``async def`` taking ``params`` first, has
            no docstring, or uses ``*args``/``**kwargs``.
    """
    if not is_direct_function(func):
        raise TypeError(
            f"{getattr(func, '__name__', func)!r} is not a direct function: it must be an "
            "'async def name(params: FunctionCallParams, ...)'"
        )
    doc = inspect.getdoc(func)
    if not doc:
        raise TypeError(f"direct function {func.__name__!r} needs a docstring: it is the tool's description")
    description, arg_docs = _parse_docstring(doc)
    try:
        hints = typing.get_type_hints(func)
    except Exception:  # unresolvable annotations: fall back to strings
        hints = {}
    params = list(inspect.signature(func).parameters.values())[1:]
    properties: dict[str, Any] = {}
    required: list[str] = []
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"direct function {func.__name__!r}: *args/**kwargs cannot be described to an LLM")
        prop = _json_schema(hints.get(p.name, str))
        if p.name in arg_docs:
            prop["description"] = arg_docs[p.name]
        properties[p.name] = prop
        if p.default is p.empty:
            required.append(p.name)
    return FunctionSchema(name=func.__name__, description=description, properties=properties, required=required)


def _json_schema(annotation: Any) -> dict[str, Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return {"type": _JSON_TYPES.get(type(args[0]), "string"), "enum": list(args)}
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        return _json_schema(rest[0]) if len(rest) == 1 else {}
    if origin in (list, tuple, set, frozenset) or annotation in (list, tuple, set):
        item = _json_schema(args[0]) if args else {}
        return {"type": "array", "items": item} if item else {"type": "array"}
    if origin is dict or annotation is dict:
        return {"type": "object"}
    if isinstance(annotation, type) and annotation in _JSON_TYPES:
        return {"type": _JSON_TYPES[annotation]}
    return {"type": "string"}


_SECTION = re.compile(r"^(Args|Arguments|Parameters|Returns|Raises|Yields|Example|Examples|Note|Notes):\s*$")


def _parse_docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The summary paragraph and the ``Args:`` descriptions of a Google-style docstring."""
    lines = doc.splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip() or _SECTION.match(line.strip()):
            break
        summary.append(line.strip())
    args: dict[str, str] = {}
    in_args = False
    current: str | None = None
    for line in lines:
        stripped = line.strip()
        section = _SECTION.match(stripped)
        if section:
            in_args = section.group(1) in ("Args", "Arguments", "Parameters")
            current = None
            continue
        if not in_args or not stripped:
            continue
        match = re.match(r"^(\w+)(?:\s*\([^)]*\))?:\s*(.*)$", stripped)
        if match and line.startswith((" ", "\t")) and len(line) - len(line.lstrip()) <= 8:
            current = match.group(1)
            args[current] = match.group(2).strip()
        elif current is not None:
            args[current] = f"{args[current]} {stripped}".strip()
    return " ".join(summary), args
