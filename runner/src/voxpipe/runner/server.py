"""The development runner's web app: one FastAPI app per ``voxpipe run``.

Routes by transport (``-t``):

==================  ===========================================================================
every transport     ``GET /`` → redirect to ``/client/`` (telephony: ``POST /`` answers the
                    provider's webhook instead); ``GET /client/`` the talk-to-the-bot page;
                    ``GET /files/{path}`` with ``--folder``
``webrtc``          ``POST``/``PATCH /api/offer`` (signalling); ``POST /start`` →
                    ``{"sessionId", "iceConfig"?}``; ``/sessions/{id}/api/offer`` (the
                    start body becomes the offer's ``request_data``)
``websocket``       ``WS /ws`` (Pipecat's WebSocket clients, protobuf frames);
                    ``POST /start`` → ``{"wsUrl": ".../ws?sessionId=..."}`` (the start
                    body reaches the bot as ``runner_args.body``)
telephony           ``POST /`` → provider XML/JSON pointing at ``wss://{proxy}/ws``; ``WS /ws``
==================  ===========================================================================

Every request body is capped (:data:`MAX_BODY_BYTES`, 413 beyond), every
handler bounded in time (504), and signalling errors come back as JSON
``{"detail": ...}`` with the handler's 4xx/5xx status. Bots run as tasks the
app owns; shutting the server down cancels them (bounded).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from voxpipe.runner.types import (
    RunnerArguments,
    SmallWebRTCRunnerArguments,
    WebSocketRunnerArguments,
)

__all__ = ["MAX_BODY_BYTES", "RunnerApp", "create_app"]

logger = logging.getLogger("voxpipe")

#: Largest request body accepted (an SDP offer is a few KiB).
MAX_BODY_BYTES = 256 * 1024
#: Seconds any HTTP handler may take.
REQUEST_TIMEOUT_SECS = 30.0
#: Sessions created by ``POST /start`` and not used yet, at most; oldest dropped first.
MAX_PENDING_SESSIONS = 1000
#: Seconds a ``POST /start`` session stays usable.
SESSION_TTL_SECS = 600.0
#: Seconds bots get to finish when the server stops.
SHUTDOWN_TIMEOUT_SECS = 5.0

#: Origins allowed to call the routes from a browser page (CORS): loopback ones only.
LOOPBACK_ORIGINS = r"https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?"

DEFAULT_ICE_SERVERS = [{"urls": ["stun:stun.l.google.com:19302"]}]

Bot = Callable[[RunnerArguments], Awaitable[Any]]


async def read_json(request: Request, limit: int = MAX_BODY_BYTES) -> Any:
    """The request's JSON body, read with a size cap.

    Raises:
        HTTPException: 413 over ``limit`` bytes, 400 when it is not JSON.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, f"request body larger than {limit} bytes")
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError as exc:
        raise HTTPException(400, f"request body is not JSON: {exc}") from None


async def bounded(
    awaitable: Awaitable[Any], what: str, timeout: float = REQUEST_TIMEOUT_SECS
) -> Any:
    """Await with a deadline; 504 naming ``what`` when it passes."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except asyncio.TimeoutError:
        raise HTTPException(504, f"timed out {what}") from None


class RunnerApp:
    """State behind one app: the bot, its sessions, the signalling handler.

    Args:
        bot: The bot's ``async def bot(runner_args)``.
        args: The parsed command line (``transport``, ``host``, ``port``, ``proxy`` ...).
    """

    def __init__(self, bot: Bot, args: Any) -> None:
        self.bot = bot
        self.args = args
        self.transport = "websocket" if args.transport == "ws" else args.transport
        self.sessions: dict[str, tuple[float, Any]] = {}
        self.bot_tasks: set[asyncio.Task[Any]] = set()
        self.webrtc_handler: Any = None
        self.webrtc_errors: tuple[type[BaseException], ...] = ()
        self._webrtc: Any = None

    # -- bots -----------------------------------------------------------------------------------

    def start_bot(self, runner_args: RunnerArguments) -> asyncio.Task[Any]:
        """Run the bot for one session as a task the app owns."""
        runner_args.cli_args = self.args
        task = asyncio.get_running_loop().create_task(
            self.run_bot(runner_args), name=f"voxpipe-runner::bot-{len(self.bot_tasks)}"
        )
        self.bot_tasks.add(task)
        task.add_done_callback(self.bot_tasks.discard)
        return task

    async def run_bot(self, runner_args: RunnerArguments) -> None:
        """Await the bot, logging (never raising) what it raised."""
        kind = type(runner_args).__name__
        logger.info("starting bot (%s)", kind)
        try:
            await self.bot(runner_args)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the bot raised (%s)", kind)
        else:
            logger.info("bot finished (%s)", kind)

    async def shutdown(self) -> None:
        """Close connections and cancel running bots, bounded."""
        if self.webrtc_handler is not None:
            try:
                await asyncio.wait_for(self.webrtc_handler.close(), SHUTDOWN_TIMEOUT_SECS)
            except (asyncio.TimeoutError, Exception):  # noqa: BLE001 - shutting down anyway
                logger.warning("closing WebRTC connections did not finish cleanly")
        tasks = list(self.bot_tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_TIMEOUT_SECS)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=SHUTDOWN_TIMEOUT_SECS)

    # -- sessions (POST /start) ------------------------------------------------------------------

    def new_session(self, body: Any) -> str:
        """Store ``body`` under a new session id (bounded count and lifetime)."""
        self._expire_sessions()
        while len(self.sessions) >= MAX_PENDING_SESSIONS:
            self.sessions.pop(next(iter(self.sessions)))
        session_id = str(uuid.uuid4())
        self.sessions[session_id] = (time.monotonic(), body)
        return session_id

    def session_body(self, session_id: str) -> Any:
        """The body stored for ``session_id``; 404 when unknown or expired."""
        self._expire_sessions()
        if session_id not in self.sessions:
            raise HTTPException(404, f"session {session_id} not found")
        return self.sessions[session_id][1]

    def _expire_sessions(self) -> None:
        cutoff = time.monotonic() - SESSION_TTL_SECS
        for sid in [s for s, (at, _) in self.sessions.items() if at < cutoff]:
            del self.sessions[sid]

    # -- WebRTC signalling -------------------------------------------------------------------------

    def setup_webrtc(self) -> None:
        """Create the signalling handler (needs the voxpipe-webrtc plugin)."""
        from voxpipe.runner.utils import import_plugin_module

        import_plugin_module("webrtc")  # a clear error when the plugin is missing
        from voxpipe.transports.smallwebrtc import request_handler as rh

        self._webrtc = rh
        esp32 = bool(getattr(self.args, "esp32", False))
        self.webrtc_handler = rh.SmallWebRTCRequestHandler(
            esp32_mode=esp32, host=self.args.host if esp32 else None
        )
        self.webrtc_errors = (rh.SmallWebRTCRequestError,)

    async def offer(self, data: Any, request_data: Any = None) -> dict[str, Any]:
        """Answer a ``POST /api/offer`` body; a new connection starts the bot."""
        rh = self._webrtc
        try:
            request = rh.SmallWebRTCRequest.from_dict(data)
            if request_data is not None and request.request_data is None:
                request.request_data = request_data

            def start(connection: Any) -> None:
                body = request.request_data if request.request_data is not None else {}
                self.start_bot(SmallWebRTCRunnerArguments(webrtc_connection=connection, body=body))

            return await self.webrtc_handler.handle_web_request(request, start)
        except self.webrtc_errors as exc:
            raise HTTPException(exc.status_code, exc.detail) from None

    async def patch(self, data: Any) -> dict[str, Any]:
        """Add trickled ICE candidates (``PATCH /api/offer``)."""
        rh = self._webrtc
        try:
            return await self.webrtc_handler.handle_patch_request(
                rh.SmallWebRTCPatchRequest.from_dict(data)
            )
        except self.webrtc_errors as exc:
            raise HTTPException(exc.status_code, exc.detail) from None


def _client_dir() -> Path:
    return Path(str(resources.files("voxpipe.runner") / "client"))


def _ws_url(request: Request) -> str:
    scheme = "wss" if request.url.scheme == "https" else "ws"
    return f"{scheme}://{request.url.netloc}/ws"


def create_app(bot: Bot, args: Any) -> FastAPI:
    """Build the app serving ``bot`` for the transport in ``args.transport``.

    Args:
        bot: The bot's ``async def bot(runner_args)``.
        args: The parsed runner command line.

    Raises:
        ModuleNotFoundError: The transport's plugin is not installed (named in the message).
    """
    from contextlib import asynccontextmanager

    state = RunnerApp(bot, args)
    if state.transport == "webrtc":
        state.setup_webrtc()

    @asynccontextmanager
    async def lifespan(app: FastAPI):  # noqa: ANN202 - FastAPI's lifespan protocol
        yield
        await state.shutdown()

    app = FastAPI(title="voxpipe runner", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runner = state
    # Pages served from other loopback origins (a dev server, a test page) may call the
    # signalling routes; other websites the developer visits may not.
    from fastapi.middleware.cors import CORSMiddleware

    app.add_middleware(
        CORSMiddleware,
        allow_origin_regex=LOOPBACK_ORIGINS,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["*"],
        max_age=600,
    )
    client_dir = _client_dir()

    if state.transport in ("webrtc", "websocket"):

        @app.get("/", include_in_schema=False)
        async def root() -> RedirectResponse:
            return RedirectResponse("/client/")

    @app.get("/client", include_in_schema=False)
    async def client_redirect() -> RedirectResponse:
        return RedirectResponse("/client/")

    @app.get("/client/", include_in_schema=False)
    async def client_page() -> Response:
        page = client_dir / "index.html"
        html = page.read_text(encoding="utf-8").replace("{{TRANSPORT}}", state.transport)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/client/{name}", include_in_schema=False)
    async def client_asset(name: str) -> Response:
        path = client_dir / name
        if "/" in name or name.startswith(".") or not path.is_file():
            raise HTTPException(404, "not found")
        return FileResponse(path, headers={"Cache-Control": "no-store"})

    folder = getattr(args, "folder", None)
    if folder:
        root_dir = Path(folder).resolve()

        @app.get("/files/{path:path}")
        async def files(path: str) -> FileResponse:
            target = (root_dir / path).resolve()
            if not target.is_relative_to(root_dir) or not target.is_file():
                raise HTTPException(404, "file not found")
            return FileResponse(target, filename=target.name)

    if state.transport == "webrtc":
        _webrtc_routes(app, state)
    elif state.transport == "websocket":
        _websocket_routes(app, state)
    else:
        _telephony_routes(app, state)
    return app


def _webrtc_routes(app: FastAPI, state: RunnerApp) -> None:
    @app.post("/api/offer")
    async def offer(request: Request) -> dict[str, Any]:
        data = await read_json(request)
        return await bounded(state.offer(data), "answering the offer")

    @app.patch("/api/offer")
    async def candidates(request: Request) -> dict[str, Any]:
        data = await read_json(request)
        return await bounded(state.patch(data), "adding ICE candidates")

    @app.post("/start")
    async def start(request: Request) -> dict[str, Any]:
        data = await read_json(request)
        if not isinstance(data, dict):
            raise HTTPException(400, "the start body must be a JSON object")
        session_id = state.new_session(data.get("body") or {})
        result: dict[str, Any] = {"sessionId": session_id}
        if data.get("enableDefaultIceServers"):
            result["iceConfig"] = {"iceServers": DEFAULT_ICE_SERVERS}
        return result

    @app.api_route(
        "/sessions/{session_id}/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"]
    )
    async def session_proxy(session_id: str, path: str, request: Request) -> Any:
        body = state.session_body(session_id)
        if path.rstrip("/") != "api/offer":
            raise HTTPException(404, f"no route {path!r} in a session")
        if request.method == "POST":
            data = await read_json(request)
            return await bounded(state.offer(data, request_data=body), "answering the offer")
        if request.method == "PATCH":
            data = await read_json(request)
            return await bounded(state.patch(data), "adding ICE candidates")
        raise HTTPException(405, f"{request.method} is not supported on api/offer")


def _websocket_routes(app: FastAPI, state: RunnerApp) -> None:
    from voxpipe.runner.utils import import_plugin_module

    import_plugin_module("websocket")  # a clear error when the plugin is missing

    @app.post("/start")
    async def start(request: Request) -> dict[str, Any]:
        data = await read_json(request)
        if not isinstance(data, dict):
            raise HTTPException(400, "the start body must be a JSON object")
        # The JS client refuses unknown keys: the session rides in the URL.
        session_id = state.new_session(data.get("body") or {})
        return {"wsUrl": f"{_ws_url(request)}?sessionId={session_id}"}

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await _run_ws_bot(state, websocket, "websocket")


async def _run_ws_bot(state: RunnerApp, websocket: WebSocket, transport_type: str | None) -> None:
    body: Any = {}
    session_id = websocket.query_params.get("sessionId")
    if session_id and session_id in state.sessions:
        body = state.sessions.pop(session_id)[1]
    args = WebSocketRunnerArguments(websocket=websocket, transport_type=transport_type, body=body)
    # The socket lives as long as this handler: wait for the bot here.
    task = state.start_bot(args)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        task.cancel()
        await asyncio.wait({task}, timeout=SHUTDOWN_TIMEOUT_SECS)
        raise


def _telephony_routes(app: FastAPI, state: RunnerApp) -> None:
    from voxpipe.runner.utils import import_plugin_module

    kind = state.transport
    import_plugin_module(kind)
    proxy = state.args.proxy
    stream = f"wss://{proxy}/ws"

    @app.get("/")
    async def status() -> dict[str, str]:
        return {"status": f"Bot started with {kind}"}

    @app.post("/")
    async def webhook(request: Request) -> Response:
        await read_json_or_form(request)
        if kind == "twilio":
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?><Response><Connect>'
                f'<Stream url="{stream}"></Stream></Connect><Pause length="40"/></Response>'
            )
        elif kind == "telnyx":
            xml = (
                f'<?xml version="1.0" encoding="UTF-8"?><Response><Connect>'
                f'<Stream url="{stream}" bidirectionalMode="rtp"></Stream></Connect>'
                f'<Pause length="40"/></Response>'
            )
        elif kind == "plivo":
            xml = (
                '<?xml version="1.0" encoding="UTF-8"?><Response><Stream bidirectional="true" '
                f'keepCallAlive="true" contentType="audio/x-mulaw;rate=8000">{stream}</Stream>'
                "</Response>"
            )
        else:
            return JSONResponse({"websocket_url": stream})
        return Response(xml, media_type="application/xml")

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await _run_ws_bot(state, websocket, None)


async def read_json_or_form(request: Request) -> None:
    """Read (and cap) a webhook body; providers post forms, the content is not needed."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"request body larger than {MAX_BODY_BYTES} bytes")
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"request body larger than {MAX_BODY_BYTES} bytes")
