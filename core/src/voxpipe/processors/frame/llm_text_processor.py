"""``LLMTextProcessor``: LLM tokens in, whole sentences (and tagged spans) out.

Place it right after the LLM and before the TTS. It feeds each
``LLMTextFrame`` to a text aggregator and pushes one ``AggregatedTextFrame``
per unit the aggregator completes, with ``aggregated_by`` set to the unit's
type (``"sentence"``, or a pattern type such as ``"code"``). Downstream, the
TTS speaks these units as they are (its own ``text_aggregator`` is not used
for them) and can skip or transform them by type.

Contract:

* other frames pass through unchanged and in order;
* ``LLMFullResponseEndFrame``, ``EndFrame`` and ``StopFrame`` first flush what
  is buffered (pushed before them), so nothing said is lost;
* an ``InterruptionFrame`` drops the buffer (the aggregator's
  ``handle_interruption``);
* an ``LLMTextFrame`` with ``skip_tts`` set bypasses aggregation and is
  pushed on unchanged, after what was buffered before it.

The documented import path is
``voxpipe.processors.aggregators.llm_text_processor``.
"""

from __future__ import annotations

from typing import Any

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    AggregatedTextFrame,
    EndFrame,
    InterruptionFrame,
    LLMFullResponseEndFrame,
    LLMTextFrame,
    StopFrame,
)
from voxpipe.processors.frame_processor import FrameDirection, FrameProcessor
from voxpipe.utils.text.base_text_aggregator import Aggregation, BaseTextAggregator
from voxpipe.utils.text.simple_text_aggregator import SimpleTextAggregator

__all__ = ["LLMTextProcessor"]

_FLUSH_BEFORE = (LLMFullResponseEndFrame, EndFrame, StopFrame)


class LLMTextProcessor(FrameProcessor):
    """Aggregates LLM text frames into ``AggregatedTextFrame`` units; see the module docstring.

    Args:
        text_aggregator: The aggregator to use; None means a
            :class:`~voxpipe.utils.text.simple_text_aggregator.SimpleTextAggregator`
            (sentences).
        **kwargs: Passed to :class:`FrameProcessor`.

    Example::

        aggregator = PatternPairAggregator()
        aggregator.add_pattern("code", "<code>", "</code>", MatchAction.AGGREGATE)
        pipeline = Pipeline([..., llm, LLMTextProcessor(text_aggregator=aggregator), tts, ...])
    """

    def __init__(self, text_aggregator: BaseTextAggregator | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._aggregator = text_aggregator if text_aggregator is not None else SimpleTextAggregator()

    @property
    def text_aggregator(self) -> BaseTextAggregator:
        """The aggregator in use."""
        return self._aggregator

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Aggregate LLM text, flush on response end, reset on interruption; pass the rest on."""
        await super().process_frame(frame, direction)
        if isinstance(frame, LLMTextFrame) and direction is FrameDirection.DOWNSTREAM:
            if frame.skip_tts:
                await self._flush()
                await self.push_frame(frame, direction)
                return
            unit = self._aggregator.aggregate(frame.text)
            while unit is not None:
                await self._push_unit(unit)
                unit = self._aggregator.aggregate("")
            return
        if isinstance(frame, InterruptionFrame):
            self._aggregator.handle_interruption()
        elif isinstance(frame, _FLUSH_BEFORE):
            await self._flush()
        await self.push_frame(frame, direction)

    async def _flush(self) -> None:
        unit = self._aggregator.aggregate("")
        while unit is not None:
            await self._push_unit(unit)
            unit = self._aggregator.aggregate("")
        unit = self._aggregator.flush()
        if unit is not None:
            await self._push_unit(unit)

    async def _push_unit(self, unit: Aggregation) -> None:
        if unit.text:
            await self.push_frame(AggregatedTextFrame(text=unit.text, aggregated_by=unit.type))
