"""voxpipe-conformance: the contract suite every voxpipe plugin runs.

Importing this package is cheap (``voxpipe`` loads its plugin module on every
command); the names below are imported on first use.

* contracts: :class:`FrameProcessorContract`, :class:`STTContract`, :class:`TTSContract`,
  :class:`LLMContract`, :class:`VADContract`, :class:`TransportContract`,
  :class:`SerializerContract`, their base :class:`Contract`;
* declaring a case: :class:`ConformanceCase`, :func:`skip`, :func:`xfail`, :func:`replace`,
  :class:`Capabilities`, :func:`requires`, :data:`KNOWN_CAPABILITIES`;
* emulators: :class:`WebSocketEmulator`, :class:`HTTPEmulator`, :class:`Fault`, ...;
* running: :func:`run_plugins`, :func:`run_cases`, :func:`run_test`, :func:`bind`, :class:`Session`.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "Capabilities": "capabilities", "KNOWN_CAPABILITIES": "capabilities", "requires": "capabilities",
    "ConformanceCase": "case", "Override": "case", "replace": "case", "skip": "case", "xfail": "case",
    "CONTRACTS": "contracts", "ConformanceProbeFrame": "contracts", "Contract": "contracts",
    "ContractSkip": "contracts", "FrameProcessorContract": "contracts", "LLMContract": "contracts",
    "STTContract": "contracts", "SerializerContract": "contracts", "ServiceContract": "contracts",
    "TTSContract": "contracts", "TransportContract": "contracts", "VADContract": "contracts",
    "assert_in_order": "contracts",
    "Emulator": "emulators", "Fault": "emulators", "HTTPEmulator": "emulators",
    "HTTPRequest": "emulators", "Response": "emulators", "StreamingResponse": "emulators",
    "WSConnection": "emulators", "WebSocketEmulator": "emulators", "sse": "emulators",
    "Report": "report", "Outcome": "runner", "run_test": "runner",
    "run_cases": "run", "run_plugins": "run", "Session": "session",
}

__all__ = sorted([*_EXPORTS, "bind", "bind_all"])


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'voxpipe_conformance' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"voxpipe_conformance.{module}"), name)
    globals()[name] = value
    return value


def bind(case: Any, name: str | None = None) -> type:
    """A ``Test…`` subclass of ``case.contract`` carrying ``case``, for pytest to collect."""
    label = "".join(ch if ch.isalnum() else "_" for ch in (name or case.display_name))
    return type(f"Test{case.contract.__name__}_{label}", (case.contract,), {"case": case})


def bind_all(cases: Any) -> dict[str, type]:
    """:func:`bind` every case; ``globals().update(bind_all(cases))`` in a test module."""
    classes = (bind(c) for c in cases)
    return {cls.__name__: cls for cls in classes}
