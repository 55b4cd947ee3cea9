"""``SmallWebRTCRequestHandler``: the signalling endpoint's logic, free of any web framework.

The documented wire format:

=====================  ==========================================================  ===============================
request                body                                                        response
=====================  ==========================================================  ===============================
``POST /api/offer``    ``{"sdp", "type": "offer", "pc_id"?, "restart_pc"?,         ``{"sdp", "type": "answer",
                       "request_data"? | "requestData"?}``                          "pc_id"}``
``PATCH /api/offer``   ``{"pc_id", "candidates": [{"candidate", "sdp_mid",          ``{"status": "success"}``
                       "sdp_mline_index"}]}``
=====================  ==========================================================  ===============================

A web framework parses the JSON body, builds the request with
``SmallWebRTCRequest.from_dict`` / ``SmallWebRTCPatchRequest.from_dict`` and
returns what the handler returns; a :class:`SmallWebRTCRequestError` carries the
HTTP status and a message for the client. With FastAPI::

    handler = SmallWebRTCRequestHandler()

    @app.post("/api/offer")
    async def offer(body: dict, background_tasks: BackgroundTasks):
        async def start_bot(connection):
            background_tasks.add_task(run_bot, connection, body.get("request_data"))
        try:
            return await handler.handle_web_request(SmallWebRTCRequest.from_dict(body), start_bot)
        except SmallWebRTCRequestError as exc:
            raise HTTPException(exc.status_code, exc.detail)

    @app.patch("/api/offer")
    async def candidates(body: dict):
        try:
            return await handler.handle_patch_request(SmallWebRTCPatchRequest.from_dict(body))
        except SmallWebRTCRequestError as exc:
            raise HTTPException(exc.status_code, exc.detail)

A known ``pc_id`` renegotiates that connection (``restart_pc`` replaces its peer
connection); any other offer makes a new connection and runs the callback with
it. In ``ConnectionMode.SINGLE`` only one connection may exist at a time.

Errors: 400 for a malformed request, a bad SDP offer or candidate (the message
says what is wrong), 400 ``"PC ID mismatch with existing connection"`` and
``"Cannot create new connection with existing connection active"`` in SINGLE
mode, 404 ``"Peer connection not found"`` for candidates of an unknown
``pc_id``, 413 for an SDP or a candidate list over its limit, 503 when
``max_connections`` are open, 504 when an answer could not be made in
``request_timeout_secs``, 500 when the bot callback failed. A failed request
leaves no connection behind and the handler keeps serving.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from aiortc import RTCIceCandidate
from aiortc.sdp import candidate_from_sdp

from voxpipe.errors import VoxpipeError
from voxpipe.transports.smallwebrtc.connection import IceServer, SmallWebRTCConnection

__all__ = [
    "ConnectionMode",
    "IceCandidate",
    "SmallWebRTCPatchRequest",
    "SmallWebRTCRequest",
    "SmallWebRTCRequestError",
    "SmallWebRTCRequestHandler",
    "smallwebrtc_sdp_munging",
]

logger = logging.getLogger("voxpipe")

#: Largest SDP offer accepted, in characters (a browser offer is a few KiB).
MAX_SDP_CHARS = 64 * 1024
#: Most candidates accepted in one PATCH request.
MAX_CANDIDATES = 64
#: Longest ICE candidate line accepted.
MAX_CANDIDATE_CHARS = 1024
#: Longest ``pc_id`` accepted.
MAX_PC_ID_CHARS = 256


class SmallWebRTCRequestError(VoxpipeError):
    """A signalling request the handler refuses: an HTTP status and a message for the client.

    Attributes:
        status_code: The HTTP status to answer with (400, 404, 413, 500, 503, 504).
        detail: A message saying what was wrong.
    """

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(f"{status_code}: {detail}")
        self.status_code = status_code
        self.detail = detail


def _bad(detail: str) -> SmallWebRTCRequestError:
    return SmallWebRTCRequestError(400, detail)


class ConnectionMode(Enum):
    """How many connections the handler allows at once."""

    #: One client at a time (a second offer is refused while one is connected).
    SINGLE = "single"
    #: Any number of clients, each with its own connection and bot.
    MULTIPLE = "multiple"


def _check_pc_id(value: Any, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise _bad("pc_id must be a non-empty string")
    if len(value) > MAX_PC_ID_CHARS:
        raise _bad(f"pc_id is longer than {MAX_PC_ID_CHARS} characters")
    return value


@dataclass
class SmallWebRTCRequest:
    """A ``POST /api/offer`` body.

    Attributes:
        sdp: The client's SDP offer.
        type: ``"offer"``.
        pc_id: The connection to renegotiate, or None for a new one.
        restart_pc: Replace the peer connection of ``pc_id`` with a new one.
        request_data: Whatever the client attached (``requestData`` in JS);
            the development runner hands it to the bot as ``runner_args.body``.
    """

    sdp: str
    type: str
    pc_id: str | None = None
    restart_pc: bool | None = None
    request_data: Any | None = None

    @classmethod
    def from_dict(cls, data: Any) -> SmallWebRTCRequest:
        """Build from a parsed JSON body (``requestData`` is accepted for ``request_data``).

        Raises:
            SmallWebRTCRequestError: 400 naming the field that is missing or wrong.
        """
        if not isinstance(data, Mapping):
            raise _bad("the offer body must be a JSON object")
        sdp, type_ = data.get("sdp"), data.get("type")
        if not isinstance(sdp, str) or not sdp:
            raise _bad("sdp is required and must be a string")
        if not isinstance(type_, str):
            raise _bad("type is required and must be a string")
        restart = data.get("restart_pc")
        if restart is not None and not isinstance(restart, bool):
            raise _bad("restart_pc must be true, false or null")
        request_data = data.get("request_data")
        if request_data is None:
            request_data = data.get("requestData")
        return cls(
            sdp=sdp,
            type=type_,
            pc_id=_check_pc_id(data.get("pc_id"), required=False),
            restart_pc=restart,
            request_data=request_data,
        )


@dataclass
class IceCandidate:
    """One trickled ICE candidate.

    Attributes:
        candidate: The ``candidate:...`` line (an empty string ends the candidates).
        sdp_mid: The media section's id.
        sdp_mline_index: The media section's index.
    """

    candidate: str
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None


@dataclass
class SmallWebRTCPatchRequest:
    """A ``PATCH /api/offer`` body: candidates for an existing connection.

    Attributes:
        pc_id: The connection they belong to.
        candidates: The candidates.
    """

    pc_id: str
    candidates: list[IceCandidate] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Any) -> SmallWebRTCPatchRequest:
        """Build from a parsed JSON body.

        Raises:
            SmallWebRTCRequestError: 400 for a malformed body, 413 for too many candidates.
        """
        if not isinstance(data, Mapping):
            raise _bad("the candidates body must be a JSON object")
        pc_id = _check_pc_id(data.get("pc_id"), required=True)
        raw = data.get("candidates")
        if not isinstance(raw, list):
            raise _bad("candidates must be a list")
        if len(raw) > MAX_CANDIDATES:
            raise SmallWebRTCRequestError(
                413, f"too many candidates in one request ({len(raw)} > {MAX_CANDIDATES})"
            )
        candidates = []
        for item in raw:
            if not isinstance(item, Mapping) or not isinstance(item.get("candidate"), str):
                raise _bad("each candidate must be an object with a 'candidate' string")
            mid = item.get("sdp_mid", item.get("sdpMid"))
            index = item.get("sdp_mline_index", item.get("sdpMLineIndex"))
            if mid is not None and not isinstance(mid, str):
                raise _bad("sdp_mid must be a string")
            if index is not None and (not isinstance(index, int) or isinstance(index, bool)):
                raise _bad("sdp_mline_index must be an integer")
            candidates.append(IceCandidate(item["candidate"], mid, index))
        return cls(pc_id=pc_id, candidates=candidates)  # type: ignore[arg-type]


def _to_rtc_candidate(candidate: IceCandidate) -> RTCIceCandidate | None:
    line = candidate.candidate.strip()
    if not line:
        return None  # end of candidates
    if len(line) > MAX_CANDIDATE_CHARS:
        raise SmallWebRTCRequestError(413, f"ICE candidate longer than {MAX_CANDIDATE_CHARS} characters")
    if candidate.sdp_mid is None and candidate.sdp_mline_index is None:
        raise _bad("a candidate needs sdp_mid or sdp_mline_index")
    if line.startswith("candidate:"):
        line = line[len("candidate:") :]
    try:
        rtc = candidate_from_sdp(line)
    except (AssertionError, ValueError, IndexError) as exc:
        raise _bad(f"invalid ICE candidate {candidate.candidate[:80]!r}") from exc
    rtc.sdpMid = candidate.sdp_mid
    rtc.sdpMLineIndex = candidate.sdp_mline_index
    return rtc


_FINGERPRINT = re.compile(r"^a=fingerprint:sha-(384|512) ", re.IGNORECASE)


def smallwebrtc_sdp_munging(sdp: str, host: str | None) -> str:
    """Adapt an answer for ESP32 clients (``esp32_mode``).

    Removes ``sha-384``/``sha-512`` fingerprints (the device only checks
    ``sha-256``) and keeps only host candidates without ``raddr``; with ``host``
    set, only candidates on that address (when there are any).
    """
    lines = sdp.splitlines()
    candidates = [ln for ln in lines if ln.startswith("a=candidate:")]
    kept = [c for c in candidates if " typ host" in c and " raddr " not in c]
    if host:
        on_host = [c for c in kept if c.split()[4:5] == [host]]
        kept = on_host or kept
    out = [
        ln
        for ln in lines
        if not _FINGERPRINT.match(ln) and (not ln.startswith("a=candidate:") or ln in kept)
    ]
    return "\r\n".join(out) + "\r\n"


ConnectionCallback = Callable[[SmallWebRTCConnection], Awaitable[None] | None]


class SmallWebRTCRequestHandler:
    """Answers offers and trickled candidates; keeps the open connections by ``pc_id``.

    Args:
        ice_servers: STUN/TURN servers for new connections (none by default:
            host candidates only).
        esp32_mode: Munge answers for ESP32 clients (:func:`smallwebrtc_sdp_munging`).
        host: The address ESP32 clients reach this server on.
        connection_mode: ``MULTIPLE`` (default) or ``SINGLE``.
        connection_timeout_secs: Seconds a new client has to connect.
        keepalive_timeout_secs: Seconds of data-channel silence (once the
            client pings) after which a client counts as gone; None: never.
        request_timeout_secs: Seconds an offer may take to answer (504 after).
        max_connections: Connections open at once (503 beyond); None: no limit.
        max_sdp_chars: Largest SDP offer accepted (413 beyond).
    """

    def __init__(
        self,
        ice_servers: Sequence[str | IceServer] | None = None,
        esp32_mode: bool = False,
        host: str | None = None,
        connection_mode: ConnectionMode = ConnectionMode.MULTIPLE,
        *,
        connection_timeout_secs: float = 60,
        keepalive_timeout_secs: float | None = 10.0,
        request_timeout_secs: float = 15.0,
        max_connections: int | None = 100,
        max_sdp_chars: int = MAX_SDP_CHARS,
    ) -> None:
        self._ice_servers = list(ice_servers or [])
        self._esp32_mode = esp32_mode
        self._host = host
        self._mode = ConnectionMode(connection_mode)
        self._connection_timeout_secs = connection_timeout_secs
        self._keepalive_timeout_secs = keepalive_timeout_secs
        self._request_timeout_secs = request_timeout_secs
        self._max_connections = max_connections
        self._max_sdp_chars = max_sdp_chars
        self._connections: dict[str, SmallWebRTCConnection] = {}
        self._new_lock = asyncio.Lock()
        self._closing = False

    @property
    def connections(self) -> dict[str, SmallWebRTCConnection]:
        """Open connections by ``pc_id`` (a copy)."""
        return dict(self._connections)

    async def handle_web_request(
        self, request: SmallWebRTCRequest, webrtc_connection_callback: ConnectionCallback
    ) -> dict[str, str]:
        """Answer an offer: renegotiate a known ``pc_id`` or make a new connection.

        ``webrtc_connection_callback(connection)`` (may be ``async``) runs for a
        new connection before the answer is returned; start the bot from it
        (in the background: the client is waiting for the answer).

        Returns:
            ``{"sdp", "type": "answer", "pc_id"}``.

        Raises:
            SmallWebRTCRequestError: See the module docstring for the cases.
        """
        if self._closing:
            raise SmallWebRTCRequestError(503, "the signalling server is shutting down")
        if request.type != "offer":
            raise _bad(f"type must be 'offer', got {request.type!r}")
        if not isinstance(request.sdp, str) or not request.sdp.strip():
            raise _bad("sdp must be a non-empty string")
        if len(request.sdp) > self._max_sdp_chars:
            raise SmallWebRTCRequestError(
                413, f"SDP offer too large ({len(request.sdp)} > {self._max_sdp_chars} characters)"
            )
        existing = self._connections.get(request.pc_id) if request.pc_id else None
        if self._mode is ConnectionMode.SINGLE:
            self._check_single(request)
        if existing is not None:
            return await self._renegotiate(existing, request)
        async with self._new_lock:  # one new connection at a time keeps SINGLE and the limit exact
            if self._mode is ConnectionMode.SINGLE:
                self._check_single(request)
            if self._max_connections is not None and len(self._connections) >= self._max_connections:
                raise SmallWebRTCRequestError(
                    503, f"too many connections ({self._max_connections} open); try again later"
                )
            return await self._new_connection(request, webrtc_connection_callback)

    def _check_single(self, request: SmallWebRTCRequest) -> None:
        if not self._connections:
            return
        (current,) = list(self._connections)[:1]
        if request.pc_id and request.pc_id != current:
            raise _bad("PC ID mismatch with existing connection")
        if not request.pc_id:
            raise _bad("Cannot create new connection with existing connection active")

    async def _renegotiate(
        self, connection: SmallWebRTCConnection, request: SmallWebRTCRequest
    ) -> dict[str, str]:
        logger.debug("renegotiating %s (restart_pc=%s)", connection.pc_id, bool(request.restart_pc))
        try:
            await asyncio.wait_for(
                connection.renegotiate(request.sdp, request.type, bool(request.restart_pc)),
                self._request_timeout_secs,
            )
        except asyncio.TimeoutError:
            raise SmallWebRTCRequestError(504, "timed out answering the offer") from None
        except ValueError as exc:
            raise _bad(str(exc)) from exc
        except RuntimeError as exc:  # the connection closed meanwhile
            raise SmallWebRTCRequestError(404, f"Peer connection not found ({exc})") from exc
        return self._answer(connection)

    async def _new_connection(
        self, request: SmallWebRTCRequest, callback: ConnectionCallback
    ) -> dict[str, str]:
        connection = SmallWebRTCConnection(
            self._ice_servers,
            connection_timeout_secs=self._connection_timeout_secs,
            keepalive_timeout_secs=self._keepalive_timeout_secs,
        )
        try:
            await asyncio.wait_for(
                connection.initialize(sdp=request.sdp, type=request.type),
                self._request_timeout_secs,
            )
        except asyncio.TimeoutError:
            await connection.disconnect()
            raise SmallWebRTCRequestError(504, "timed out answering the offer") from None
        except ValueError as exc:
            await connection.disconnect()
            raise _bad(str(exc)) from exc
        pc_id = connection.pc_id
        self._connections[pc_id] = connection

        def _forget(conn: SmallWebRTCConnection) -> None:
            if self._connections.get(conn.pc_id) is conn:
                del self._connections[conn.pc_id]
                logger.debug("connection %s closed and forgotten", conn.pc_id)

        connection.add_event_handler("closed", _forget)
        try:
            result = callback(connection)
            if inspect.isawaitable(result):
                await result
        except Exception as exc:
            logger.exception("the connection callback failed for %s", pc_id)
            self._connections.pop(pc_id, None)
            await connection.disconnect()
            raise SmallWebRTCRequestError(
                500, f"could not start the bot: {type(exc).__name__}"
            ) from exc
        if connection.closed:  # closed while the callback ran
            self._connections.pop(pc_id, None)
        logger.info("new WebRTC connection %s", pc_id)
        return self._answer(connection)

    def _answer(self, connection: SmallWebRTCConnection) -> dict[str, str]:
        answer = connection.get_answer()
        assert answer is not None
        if self._esp32_mode:
            answer = {**answer, "sdp": smallwebrtc_sdp_munging(answer["sdp"], self._host)}
        return answer

    async def handle_patch_request(self, request: SmallWebRTCPatchRequest) -> dict[str, str]:
        """Add trickled candidates to a connection.

        Returns:
            ``{"status": "success"}``.

        Raises:
            SmallWebRTCRequestError: 404 ``"Peer connection not found"`` for an
                unknown ``pc_id``; 400 for a malformed candidate; 413 for too many.
        """
        if len(request.candidates) > MAX_CANDIDATES:
            raise SmallWebRTCRequestError(
                413, f"too many candidates in one request ({len(request.candidates)} > {MAX_CANDIDATES})"
            )
        connection = self._connections.get(request.pc_id)
        if connection is None or connection.closed:
            raise SmallWebRTCRequestError(404, "Peer connection not found")
        parsed = [_to_rtc_candidate(c) for c in request.candidates]
        for candidate in parsed:
            if candidate is None:
                continue
            try:
                await asyncio.wait_for(connection.add_ice_candidate(candidate), self._request_timeout_secs)
            except asyncio.TimeoutError:
                raise SmallWebRTCRequestError(504, "timed out adding ICE candidates") from None
            except RuntimeError as exc:
                raise SmallWebRTCRequestError(404, "Peer connection not found") from exc
            except Exception as exc:  # aiortc refusing a candidate (e.g. an unresolvable address)
                raise _bad(f"could not add ICE candidate: {exc}") from exc
        return {"status": "success"}

    async def close(self) -> None:
        """Disconnect every connection (bounded) and refuse new offers."""
        self._closing = True
        connections = list(self._connections.values())
        self._connections.clear()
        if connections:
            await asyncio.gather(*(c.disconnect() for c in connections), return_exceptions=True)
