"""``AIService``: the base of every STT, TTS, LLM and other AI service.

It adds to :class:`FrameProcessor`:

* its own lane (``own_lane = True``): a service waits on the network, and the
  processors before it must keep flowing meanwhile;
* lifecycle hooks :meth:`AIService.start`, :meth:`AIService.stop` and
  :meth:`AIService.cancel`, called from ``process_frame`` for ``StartFrame``,
  ``EndFrame`` and ``CancelFrame`` (before the subclass pushes them on);
* typed settings (:mod:`voxpipe.services.settings`) and runtime updates from
  ``ServiceUpdateSettingsFrame``: a frame aimed at this service
  (``frame.service is self``), or an untargeted frame of this service's kind
  (``settings_frame_type``), is applied here and **not** pushed on, so an
  untargeted update reaches the first matching service only. Targeted frames
  for another service pass through.

Subclass pattern::

    async def process_frame(self, frame, direction):
        await super().process_frame(frame, direction)
        if self.consumes_settings_frame(frame):
            return
        ...
        await self.push_frame(frame, direction)
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Mapping
from typing import Any, ClassVar

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    EndFrame,
    ServiceUpdateSettingsFrame,
    StartFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.services.settings import NOT_GIVEN, ServiceSettings

__all__ = ["AIService"]

logger = logging.getLogger("voxpipe")


class AIService(FrameProcessor):
    """Base class of AI services; see the module docstring for the contract.

    Args:
        settings: Initial settings, applied over ``defaults``: an instance of
            the service's ``Settings`` class (or a base of it). A plain dict
            is accepted for backwards compatibility and warns.
        params: Deprecated ``InputParams`` object (pydantic model, dataclass,
            msgspec struct or dict); its non-None fields are applied as a
            settings delta after ``settings``. Warns with ``DeprecationWarning``.
        defaults: The service's default settings (subclasses pass these).
        **kwargs: Passed to :class:`FrameProcessor`.
    """

    own_lane: ClassVar[bool] = True

    #: The service's settings class; subclasses alias their own.
    Settings: ClassVar[type[ServiceSettings]] = ServiceSettings

    #: The untargeted settings frames this service consumes.
    settings_frame_type: ClassVar[type[ServiceUpdateSettingsFrame]] = ServiceUpdateSettingsFrame

    def __init__(
        self,
        *,
        settings: ServiceSettings | Mapping[str, Any] | None = None,
        params: Any = None,
        defaults: ServiceSettings | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        base = defaults.copy() if defaults is not None else type(self).Settings()
        if settings is not None:
            if isinstance(settings, Mapping):
                warnings.warn(
                    f"{type(self).__name__}(settings={{...}}) with a dict is deprecated; pass "
                    f"settings={type(self).__name__}.Settings(...)",
                    DeprecationWarning,
                    stacklevel=3,
                )
            base.apply_delta(settings)
        if params is not None:
            warnings.warn(
                f"{type(self).__name__}(params=InputParams(...)) is deprecated since v0.0.105; "
                f"pass settings={type(self).__name__}.Settings(...) instead",
                DeprecationWarning,
                stacklevel=3,
            )
            base.apply_delta(_params_to_dict(params))
        self._settings: ServiceSettings = base
        self._model_name = ""
        if isinstance(base.model, str):
            self.set_model_name(base.model)

    # -- settings -----------------------------------------------------------------

    @property
    def settings(self) -> ServiceSettings:
        """The current settings (mutate only through updates)."""
        return self._settings

    @property
    def model_name(self) -> str:
        """The model in use, as reported in metrics."""
        return self._model_name

    def set_model_name(self, model: str) -> None:
        """Record ``model`` as the model in use (labels metrics)."""
        self._model_name = model
        self._fp_metrics.set_model_name(model)

    def consumes_settings_frame(self, frame: Frame) -> bool:
        """Whether ``frame`` is a settings update this service applies and swallows.

        True for a ``ServiceUpdateSettingsFrame`` aimed at this service, or an
        untargeted one that is an instance of :attr:`settings_frame_type`.
        """
        if not isinstance(frame, ServiceUpdateSettingsFrame):
            return False
        if frame.service is not None:
            return frame.service is self
        return isinstance(frame, self.settings_frame_type)

    async def _update_settings(self, delta: ServiceSettings | Mapping[str, Any]) -> set[str]:
        """Apply ``delta`` and return the names of the settings that changed.

        Subclasses override to react (send the change in-band, reconnect ...)
        and must call ``super()._update_settings(delta)`` first.
        """
        changed = self._settings.apply_delta(delta)
        if "model" in changed and isinstance(self._settings.model, str):
            self.set_model_name(self._settings.model)
        if changed:
            logger.debug("%s: settings changed: %s", self, sorted(changed))
        return changed

    async def _apply_settings_frame(self, frame: ServiceUpdateSettingsFrame) -> None:
        delta: ServiceSettings | Mapping[str, Any] | None = frame.delta
        if delta is None:
            delta = frame.settings
        try:
            await self._update_settings(delta)
        except Exception as exc:  # a bad delta must not take the service down
            await self.push_error(f"{self}: could not apply settings update: {exc}", exception=exc)

    # -- lifecycle ------------------------------------------------------------------

    async def start(self, frame: StartFrame) -> None:
        """Called on ``StartFrame``; open connections here. Call ``super()``."""

    async def stop(self, frame: EndFrame) -> None:
        """Called on ``EndFrame``; finish work and close cleanly. Call ``super()``."""

    async def cancel(self, frame: CancelFrame) -> None:
        """Called on ``CancelFrame``; drop work and close at once. Call ``super()``."""

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Run lifecycle hooks and settings updates; pushes nothing (subclasses do)."""
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            await self.start(frame)
        elif isinstance(frame, CancelFrame):
            await self.cancel(frame)
        elif isinstance(frame, EndFrame):
            await self.stop(frame)
        elif self.consumes_settings_frame(frame):
            await self._apply_settings_frame(frame)  # type: ignore[arg-type]

    def can_generate_metrics(self) -> bool:
        """Services report TTFB, processing and usage metrics."""
        return True


def _params_to_dict(params: Any) -> dict[str, Any]:
    """Non-None fields of a deprecated ``InputParams`` object, by name."""
    if isinstance(params, Mapping):
        data = dict(params)
    elif hasattr(params, "model_dump"):
        data = params.model_dump()
    elif dataclasses.is_dataclass(params) and not isinstance(params, type):
        data = {f.name: getattr(params, f.name) for f in dataclasses.fields(params)}
    elif hasattr(params, "__struct_fields__"):
        data = {name: getattr(params, name) for name in params.__struct_fields__}
    else:
        data = {k: v for k, v in vars(params).items() if not k.startswith("_")}
    return {k: v for k, v in data.items() if v is not None and v is not NOT_GIVEN}
