r"""``SmallWebRTCTransport``: a bot that talks to one WebRTC peer directly (aiortc).

Build it on the :class:`~voxpipe.transports.smallwebrtc.connection.SmallWebRTCConnection`
the signalling endpoint created for the client (see
:class:`~voxpipe.transports.smallwebrtc.request_handler.SmallWebRTCRequestHandler`)::

    transport = SmallWebRTCTransport(
        webrtc_connection=connection,
        params=TransportParams(audio_in_enabled=True, audio_out_enabled=True),
    )

    @transport.event_handler("on_client_disconnected")
    async def on_client_disconnected(transport, webrtc_connection):
        await task.cancel()

    pipeline = Pipeline([transport.input(), stt, user_agg, llm, tts, transport.output(), assistant_agg])

**Events:** ``on_client_connected(transport, webrtc_connection)`` once the peer
connection is up and the pipeline started; ``on_client_disconnected(transport,
webrtc_connection)`` once it is gone (closed, failed, or silent past the
keepalive timeout); ``on_app_message(transport, message, sender)`` for every
app message on the data channel, ``sender`` being the ``pc_id``. App messages
also enter the pipeline as ``InputTransportMessageFrame``\ s, which is how the
RTVI processor gets ``client-ready`` and answers ``bot-ready``.

**Audio in:** the client's Opus track (48 kHz) is decoded by aiortc, mixed down
to ``audio_in_channels`` and resampled (libswresample) to the pipeline's input rate;
``InputAudioRawFrame``\ s of 20 ms go downstream. **Audio out:** the kernel paces
the bot's audio; this transport hands it to an aiortc track that sends 20 ms
frames in real time, silence in between.

**Video:** with ``video_in_enabled`` the camera is captured from the start as
``UserImageRawFrame``\ s (``transport_source="camera"``);
:meth:`SmallWebRTCTransport.capture_participant_video` adds the screen share
(``"screenVideo"``) or limits the frame rate. A ``UserImageRequestFrame``
gets the next frame of the requested source. With ``video_out_enabled``,
``OutputImageRawFrame``\ s (raw RGB) are sent as the bot's video track.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from typing import Any

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from voxpipe.frames._base import Frame
from voxpipe.frames.frames import (
    CancelFrame,
    ClientConnectedFrame,
    EndFrame,
    InputAudioRawFrame,
    OutputAudioRawFrame,
    OutputImageRawFrame,
    OutputTransportMessageFrame,
    OutputTransportMessageUrgentFrame,
    StartFrame,
    UserImageRawFrame,
    UserImageRequestFrame,
)
from voxpipe.processors.frame_processor import FrameDirection
from voxpipe.transports.base_input import BaseInputTransport
from voxpipe.transports.base_output import BaseOutputTransport
from voxpipe.transports.base_transport import BaseTransport, TransportParams
from voxpipe.transports.smallwebrtc._tracks import (
    AudioOutputTrack,
    VideoOutputTrack,
    video_frame_to_rgb,
)
from voxpipe.transports.smallwebrtc.connection import SmallWebRTCConnection

__all__ = [
    "SmallWebRTCInputTransport",
    "SmallWebRTCOutputTransport",
    "SmallWebRTCTransport",
]

logger = logging.getLogger("voxpipe")

_DOWN = FrameDirection.DOWNSTREAM
#: Video sources and the receiver index the client's ``trackStatus`` uses for them.
_VIDEO_SOURCES = {"camera": 1, "screenVideo": 2}
_AUDIO_RECEIVER = 0
#: App messages kept for the pipeline while it is still starting.
_MAX_EARLY_MESSAGES = 50


class SmallWebRTCInputTransport(BaseInputTransport):
    """Input side: reads the client's audio and video tracks; app messages arrive here too."""

    def __init__(
        self, transport: SmallWebRTCTransport, params: TransportParams, **kwargs: Any
    ) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._readers: list[asyncio.Task[Any]] = []
        self._captures: dict[str, float] = {}
        self._image_requests: list[UserImageRequestFrame] = []
        self._resampler: av.AudioResampler | None = None

    @property
    def webrtc_connection(self) -> SmallWebRTCConnection:
        """The connection this input reads from."""
        return self._transport.webrtc_connection

    async def start(self, frame: StartFrame) -> None:
        """Start input, the track readers, and report a client already connected."""
        await super().start(frame)
        if self._params.video_in_enabled:
            self._captures.setdefault("camera", 0.0)
        if not self._readers:
            self._readers = [
                self.create_task(self._read_audio(), "audio-track"),
                *(
                    self.create_task(self._read_video(source), f"{source}-track")
                    for source in _VIDEO_SOURCES
                ),
            ]

    async def stop(self, frame: EndFrame) -> None:
        """Stop reading and close the connection after ``EndFrame``."""
        await super().stop(frame)
        await self._stop_readers()
        await self._transport._close()

    async def cancel(self, frame: CancelFrame) -> None:
        """Stop reading and close the connection at once on ``CancelFrame``."""
        await super().cancel(frame)
        await self._stop_readers()
        await self._transport._close()

    async def cleanup(self) -> None:
        """Make sure the readers stopped and the connection is closed."""
        await self._stop_readers()
        await self._transport._close()
        await super().cleanup()

    async def _stop_readers(self) -> None:
        readers, self._readers = self._readers, []
        for task in readers:
            await self.cancel_task(task, 1.0)

    async def capture_participant_video(self, video_source: str = "camera", framerate: float = 0) -> None:
        """Push ``video_source`` (``"camera"`` or ``"screenVideo"``) frames, at most ``framerate`` per second (0: all)."""
        if video_source not in _VIDEO_SOURCES:
            raise ValueError(f"unknown video source {video_source!r}; use 'camera' or 'screenVideo'")
        self._captures[video_source] = float(framerate)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        """Answer each ``UserImageRequestFrame`` with the next frame of the source; the rest as usual."""
        if isinstance(frame, UserImageRequestFrame):
            await super(BaseInputTransport, self).process_frame(frame, direction)
            self._image_requests.append(frame)
            return
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame):
            # The StartFrame has gone through the pipeline: frames may follow it now.
            await self._transport._input_started()

    # -- readers ------------------------------------------------------------------------

    async def _next_frame(self, track_of: Any) -> Any:
        """The next frame of the current track (following restarts); None when the connection closed."""
        conn = self.webrtc_connection
        while True:
            generation = conn.track_generation
            track: MediaStreamTrack | None = track_of()
            if track is None or track.readyState != "live":
                if conn.closed:
                    return None
                await conn.wait_for_track_change(generation)
                continue
            try:
                return await track.recv()
            except MediaStreamError:
                continue

    async def _read_audio(self) -> None:
        conn = self.webrtc_connection
        channels = self._params.audio_in_channels
        while True:
            frame = await self._next_frame(conn.audio_input_track)
            if frame is None:
                return
            if not self._params.audio_in_enabled or not self.audio_in_streaming:
                continue
            if not conn.receiver_enabled(_AUDIO_RECEIVER):
                continue
            try:
                pcm = self._to_pcm(frame, channels)
            except Exception as exc:  # one undecodable frame must not end the input
                logger.warning("%s: dropped an audio frame: %s", self, exc)
                continue
            if pcm:
                await self.push_audio_frame(
                    InputAudioRawFrame(audio=pcm, sample_rate=self.sample_rate, num_channels=channels)
                )

    def _to_pcm(self, frame: av.AudioFrame, channels: int) -> bytes:
        # libswresample converts format, layout and rate in one step and returns
        # steady 20 ms chunks (a soxr stream at high quality releases audio in bursts).
        try:
            out = self._audio_resampler(channels).resample(frame)
        except ValueError:  # the decoder's format changed (a new peer connection)
            self._resampler = None
            out = self._audio_resampler(channels).resample(frame)
        return b"".join(bytes(f.planes[0])[: f.samples * channels * 2] for f in out)

    def _audio_resampler(self, channels: int) -> av.AudioResampler:
        if self._resampler is None:
            self._resampler = av.AudioResampler(
                format="s16", layout="mono" if channels == 1 else "stereo", rate=self.sample_rate
            )
        return self._resampler

    async def _read_video(self, source: str) -> None:
        conn = self.webrtc_connection
        track_of = conn.video_input_track if source == "camera" else conn.screen_video_input_track
        last_pushed = 0.0
        while True:
            frame = await self._next_frame(track_of)
            if frame is None:
                return
            requests = [r for r in self._image_requests if (r.video_source or "camera") == source]
            framerate = self._captures.get(source)
            now = time.monotonic()
            capture = (
                framerate is not None
                and conn.receiver_enabled(_VIDEO_SOURCES[source])
                and (not framerate or now - last_pushed >= 1 / framerate)
            )
            if not (capture or requests):
                continue  # drained so aiortc's queue cannot grow
            image, size = video_frame_to_rgb(frame)
            for request in requests:
                self._image_requests.remove(request)
                reply = UserImageRawFrame(
                    image=image,
                    size=size,
                    format="RGB",
                    user_id=request.user_id or conn.pc_id,
                    text=request.text,
                    append_to_context=request.append_to_context,
                    request=request,
                )
                reply.transport_source = source
                await self.push_frame(reply, _DOWN)
            if capture:
                last_pushed = now
                frame = UserImageRawFrame(image=image, size=size, format="RGB", user_id=conn.pc_id)
                frame.transport_source = source
                await self.push_video_frame(frame)


class SmallWebRTCOutputTransport(BaseOutputTransport):
    """Output side: feeds the bot's audio and video tracks and sends app messages."""

    def __init__(
        self, transport: SmallWebRTCTransport, params: TransportParams, **kwargs: Any
    ) -> None:
        super().__init__(params, **kwargs)
        self._transport = transport
        self._audio_track: AudioOutputTrack | None = None
        self._video_track: VideoOutputTrack | None = None

    @property
    def audio_track(self) -> AudioOutputTrack | None:
        """The bot's audio track (after start, with ``audio_out_enabled``)."""
        return self._audio_track

    async def start(self, frame: StartFrame) -> None:
        """Start output and attach the bot's tracks to the connection."""
        await super().start(frame)
        p = self._params
        conn = self._transport.webrtc_connection
        if p.audio_out_enabled and self._audio_track is None:
            self._audio_track = AudioOutputTrack(self.sample_rate, p.audio_out_channels)
            conn.replace_audio_track(self._audio_track)
        if p.video_out_enabled and self._video_track is None:
            self._video_track = VideoOutputTrack(
                p.video_out_width, p.video_out_height, p.video_out_framerate
            )
            conn.replace_video_track(self._video_track)

    async def stop(self, frame: EndFrame) -> None:
        """After the output drained on ``EndFrame``: say goodbye and close the connection."""
        await super().stop(frame)
        await self._transport._close()

    async def cancel(self, frame: CancelFrame) -> None:
        """On ``CancelFrame``: close the connection."""
        await super().cancel(frame)
        await self._transport._close()

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        """Hand one paced chunk to the audio track."""
        if self._audio_track is None:
            return False
        self._audio_track.add_audio(frame.audio)
        return True

    async def write_video_frame(self, frame: OutputImageRawFrame) -> bool:
        """Show ``frame`` on the video track (raw RGB/RGBA/BGR images)."""
        if self._video_track is None:
            return False
        try:
            self._video_track.set_image(frame.image, frame.size, frame.format)
        except ValueError as exc:
            logger.warning("%s: cannot send image: %s", self, exc)
            return False
        return True

    async def send_message(
        self, frame: OutputTransportMessageFrame | OutputTransportMessageUrgentFrame
    ) -> None:
        """Send an app message to the client on the ``chat`` data channel."""
        try:
            self._transport.webrtc_connection.send_app_message(frame.message)
        except (TypeError, ValueError) as exc:
            await self.push_error(f"{self}: cannot send app message: {exc}", exception=exc)

    async def _start_interruption(self) -> None:
        await super()._start_interruption()
        if self._audio_track is not None:
            self._audio_track.clear()


class SmallWebRTCTransport(BaseTransport):
    """A transport for one WebRTC peer; see the module docstring.

    Args:
        webrtc_connection: The client's connection (from the signalling endpoint).
        params: Audio/video configuration; ``TransportParams()`` if omitted.
        input_name: Name of the input processor.
        output_name: Name of the output processor.
        **kwargs: Passed to :class:`BaseTransport` (``name``).
    """

    def __init__(
        self,
        webrtc_connection: SmallWebRTCConnection,
        params: TransportParams | None = None,
        input_name: str | None = None,
        output_name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(input_name=input_name, output_name=output_name, **kwargs)
        self._connection = webrtc_connection
        self._params = params or TransportParams()
        self._input: SmallWebRTCInputTransport | None = None
        self._output: SmallWebRTCOutputTransport | None = None
        self._started = False
        # The connection may have connected (or ended) before this transport existed, e.g.
        # while the bot loaded its models: start from its state, not only from its events.
        self._connected = webrtc_connection.connection_state == "connected"
        self._gone = webrtc_connection.closed or webrtc_connection.connection_state in ("failed", "closed")
        self._announced_connected = False
        self._announced_disconnected = False
        self._early_messages: deque[Any] = deque(maxlen=_MAX_EARLY_MESSAGES)
        for event in ("on_client_connected", "on_client_disconnected", "on_app_message"):
            self._register_event_handler(event)
        webrtc_connection.add_event_handler("connected", self._on_connected)
        for event in ("disconnected", "failed", "closed"):
            webrtc_connection.add_event_handler(event, self._on_gone)
        webrtc_connection.add_event_handler("app-message", self._on_app_message)

    @property
    def webrtc_connection(self) -> SmallWebRTCConnection:
        """The client's connection."""
        return self._connection

    @property
    def params(self) -> TransportParams:
        """The transport's configuration."""
        return self._params

    def input(self) -> SmallWebRTCInputTransport:
        """The input processor (created on first call)."""
        if self._input is None:
            self._input = SmallWebRTCInputTransport(self, self._params, name=self._input_name)
        return self._input

    def output(self) -> SmallWebRTCOutputTransport:
        """The output processor (created on first call)."""
        if self._output is None:
            self._output = SmallWebRTCOutputTransport(self, self._params, name=self._output_name)
        return self._output

    async def capture_participant_video(
        self, video_source: str = "camera", framerate: float = 0, **kwargs: Any
    ) -> None:
        """Push the client's ``video_source`` (``"camera"``/``"screenVideo"``) as ``UserImageRawFrame`` frames."""
        await self.input().capture_participant_video(video_source, framerate)

    async def capture_participant_audio(self, audio_source: str = "microphone", **kwargs: Any) -> None:
        """Audio is always captured with ``audio_in_enabled``; accepted for compatibility."""
        if audio_source != "microphone":
            logger.warning("%s: only the microphone track is captured, not %r", self, audio_source)

    async def send_app_message(self, message: Any) -> None:
        """Send ``message`` to the client at once (outside the pipeline's order)."""
        self._connection.send_app_message(message)

    # -- connection events (run on the connection's event task) -------------------------

    async def _input_started(self) -> None:
        self._started = True
        await self._announce()

    async def _on_connected(self, _connection: SmallWebRTCConnection) -> None:
        self._connected = True
        await self._announce()

    async def _on_gone(self, _connection: SmallWebRTCConnection) -> None:
        self._gone = True
        await self._announce()

    async def _announce(self) -> None:
        if not self._started:
            return
        if self._connected and not self._announced_connected and not self._gone:
            self._announced_connected = True
            logger.info("%s: client %s connected", self, self._connection.pc_id)
            await self._call_event_handler("on_client_connected", self._connection)
            if self._input is not None:
                await self._input.push_frame(ClientConnectedFrame(), _DOWN)
        if self._connected and not self._gone:
            while self._early_messages:
                await self._deliver_app_message(self._early_messages.popleft())
        if self._gone and not self._announced_disconnected:
            self._announced_disconnected = True
            logger.info("%s: client %s disconnected", self, self._connection.pc_id)
            await self._call_event_handler("on_client_disconnected", self._connection)

    async def _on_app_message(self, _connection: SmallWebRTCConnection, message: Any) -> None:
        if self._announced_connected:
            await self._deliver_app_message(message)
        else:  # e.g. client-ready sent while the bot was still starting: keep it for later
            self._early_messages.append(message)

    async def _deliver_app_message(self, message: Any) -> None:
        if self._input is not None:
            await self._input.push_app_message(message)
        await self._call_event_handler("on_app_message", message, self._connection.pc_id)

    async def _close(self) -> None:
        await self._connection.disconnect()
