"""The deprecated RTVI services/actions API, kept so documented code keeps working.

Register with ``rtvi.register_service(RTVIService(...))`` and
``rtvi.register_action(RTVIAction(...))``; clients then use ``describe-config``,
``get-config``, ``update-config``, ``describe-actions`` and ``action``. Newer
clients use ``client-message`` instead (see ``docs/rtvi.md``).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import msgspec

if TYPE_CHECKING:
    from voxpipe.processors.frameworks.rtvi.models import RTVIMessage

__all__ = [
    "RTVIAction",
    "RTVIActionArgument",
    "RTVIConfig",
    "RTVIService",
    "RTVIServiceConfig",
    "RTVIServiceOption",
    "RTVIServiceOptionConfig",
]

ActionResult = Literal["bool", "number", "string", "array", "object"]


@dataclass
class RTVIServiceOptionConfig:
    """A configured value of one service option."""

    name: str
    value: Any


@dataclass
class RTVIServiceConfig:
    """The configured options of one service."""

    service: str
    options: list[RTVIServiceOptionConfig] = field(default_factory=list)


@dataclass
class RTVIConfig:
    """Deprecated: the full client configuration."""

    config: list[RTVIServiceConfig] = field(default_factory=list)


@dataclass
class RTVIServiceOption:
    """A configurable option; ``handler(processor, service_name, option_config)`` applies it."""

    name: str
    type: ActionResult
    handler: Callable[[Any, str, RTVIServiceOptionConfig], Awaitable[None]]


@dataclass
class RTVIService:
    """A configurable service with its options."""

    name: str
    options: list[RTVIServiceOption] = field(default_factory=list)


@dataclass
class RTVIActionArgument:
    """One named, typed action argument."""

    name: str
    type: ActionResult


@dataclass
class RTVIAction:
    """A server function clients call; ``handler(processor, service, arguments_dict)`` returns the result."""

    service: str
    action: str
    result: ActionResult
    handler: Callable[[Any, str, dict[str, Any]], Awaitable[Any]]
    arguments: list[RTVIActionArgument] = field(default_factory=list)

    @property
    def id(self) -> str:
        """``"service:action"``."""
        return f"{self.service}:{self.action}"


class _NameValue(msgspec.Struct):
    name: str
    value: Any = None


class _ActionData(msgspec.Struct):
    service: str
    action: str
    arguments: list[_NameValue] = []


class _ServiceConfigData(msgspec.Struct):
    service: str
    options: list[_NameValue] = []


class _UpdateConfigData(msgspec.Struct):
    config: list[_ServiceConfigData]
    interrupt: bool = False


def function_call_data(function_name: Any, tool_call_id: Any, arguments: Any) -> Any:
    """Data of the deprecated ``llm-function-call`` message."""
    from voxpipe.processors.frameworks.rtvi.models import _LegacyFunctionCallData

    return _LegacyFunctionCallData(
        function_name=str(function_name), tool_call_id=str(tool_call_id), args=arguments or {}
    )


class LegacyRegistry:
    """Mixin for ``RTVIProcessor``: the deprecated services/actions registries and handlers."""

    def __init__(self) -> None:
        self._services: dict[str, RTVIService] = {}
        self._actions: dict[str, RTVIAction] = {}
        self._config: dict[str, dict[str, Any]] = {}

    def register_service(self, service: RTVIService) -> None:
        """Deprecated: make ``service``'s options configurable by the client."""
        warnings.warn(
            "RTVI services are deprecated; use client-message", DeprecationWarning, stacklevel=2
        )
        self._services[service.name] = service

    def register_action(self, action: RTVIAction) -> None:
        """Deprecated: let the client call ``action``."""
        warnings.warn(
            "RTVI actions are deprecated; use client-message", DeprecationWarning, stacklevel=2
        )
        self._actions[action.id] = action

    def _legacy_handlers(self) -> dict[str, Callable[[RTVIMessage], Awaitable[None]]]:
        return {
            "action": self._on_action,
            "describe-actions": self._on_describe_actions,
            "describe-config": self._on_describe_config,
            "get-config": self._on_get_config,
            "update-config": self._on_update_config,
        }

    def _legacy_config(self) -> list[dict[str, Any]]:
        return [
            {"service": name, "options": [{"name": k, "value": v} for k, v in options.items()]}
            for name, options in self._config.items()
        ]

    async def _legacy_reply(self, kind: str, msg_id: str, data: Any) -> None:
        message = {"label": "rtvi-ai", "type": kind, "id": msg_id, "data": data}
        await self.push_transport_message(message, exclude_none=False)  # type: ignore[attr-defined]

    async def _on_action(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, _ActionData)
        action = self._actions.get(f"{data.service}:{data.action}")
        if action is None:
            await self._send_error_response(  # type: ignore[attr-defined]
                message.id, f"Action {data.service}:{data.action} not registered"
            )
            return
        arguments = {arg.name: arg.value for arg in data.arguments}
        result = await action.handler(self, action.service, arguments)
        await self._legacy_reply("action-response", message.id, {"result": result})

    async def _on_describe_actions(self, message: RTVIMessage) -> None:
        actions = [
            {
                "service": a.service,
                "action": a.action,
                "arguments": [{"name": arg.name, "type": arg.type} for arg in a.arguments],
                "result": a.result,
            }
            for a in self._actions.values()
        ]
        await self._legacy_reply("actions-available", message.id, {"actions": actions})

    async def _on_describe_config(self, message: RTVIMessage) -> None:
        config = [
            {"name": s.name, "options": [{"name": o.name, "type": o.type} for o in s.options]}
            for s in self._services.values()
        ]
        await self._legacy_reply("config-available", message.id, {"config": config})

    async def _on_get_config(self, message: RTVIMessage) -> None:
        await self._legacy_reply("config", message.id, {"config": self._legacy_config()})

    async def _on_update_config(self, message: RTVIMessage) -> None:
        data = msgspec.convert(message.data, _UpdateConfigData)
        for entry in data.config:
            service = self._services.get(entry.service)
            if service is None:
                await self._send_error_response(  # type: ignore[attr-defined]
                    message.id, f"Service {entry.service} not registered"
                )  # type: ignore[attr-defined]
                return
            options = {o.name: o for o in service.options}
            for item in entry.options:
                option = options.get(item.name)
                if option is None:
                    continue
                await option.handler(
                    self, service.name, RTVIServiceOptionConfig(item.name, item.value)
                )
                self._config.setdefault(service.name, {})[item.name] = item.value
        if data.interrupt:
            await self.interrupt_bot()  # type: ignore[attr-defined]
        await self._legacy_reply("config", message.id, {"config": self._legacy_config()})
