"""The contract classes, one per kind; import them to subclass or bind to a case.

* :class:`FrameProcessorContract` — ``processor``
* :class:`STTContract` — ``stt``
* :class:`TTSContract` — ``tts``
* :class:`LLMContract` — ``llm``
* :class:`VADContract` — ``vad``
* :class:`TransportContract` — ``transport``
* :class:`SerializerContract` — ``serializer``

S2S and turn-analyzer contracts join with their plugins.
"""

from voxpipe_conformance.contracts.base import Contract, ContractSkip, assert_in_order
from voxpipe_conformance.contracts.llm import LLMContract
from voxpipe_conformance.contracts.processor import FrameProcessorContract
from voxpipe_conformance.contracts.serializer import SerializerContract
from voxpipe_conformance.contracts.service import ConformanceProbeFrame, ServiceContract
from voxpipe_conformance.contracts.stt import STTContract
from voxpipe_conformance.contracts.transport import TransportContract
from voxpipe_conformance.contracts.tts import TTSContract
from voxpipe_conformance.contracts.vad import VADContract

CONTRACTS: dict[str, type[Contract]] = {
    "processor": FrameProcessorContract,
    "stt": STTContract,
    "tts": TTSContract,
    "llm": LLMContract,
    "vad": VADContract,
    "transport": TransportContract,
    "serializer": SerializerContract,
}
"""The contract for each service kind that has one."""

__all__ = [
    "CONTRACTS",
    "ConformanceProbeFrame",
    "Contract",
    "ContractSkip",
    "FrameProcessorContract",
    "LLMContract",
    "STTContract",
    "SerializerContract",
    "ServiceContract",
    "TTSContract",
    "TransportContract",
    "VADContract",
    "assert_in_order",
]
