"""SmallWebRTCTransport in a running pipeline, with a real aiortc peer on loopback."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from voxpipe.frames.frames import (
    ClientConnectedFrame,
    EndFrame,
    InputAudioRawFrame,
    InputTransportMessageFrame,
    OutputAudioRawFrame,
    OutputImageRawFrame,
    OutputTransportMessageUrgentFrame,
    UserImageRawFrame,
    UserImageRequestFrame,
)
from voxpipe.transports.base_transport import TransportParams
from voxpipe.transports.smallwebrtc.request_handler import SmallWebRTCRequest
from voxpipe.transports.smallwebrtc.testing import rms

pytestmark = pytest.mark.timeout(30)


def _tone(freq: float, secs: float, rate: int, amplitude: float = 0.3) -> bytes:
    t = np.arange(int(secs * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes()


def _dominant_hz(pcm: bytes, rate: int) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


async def test_connect_fires_on_client_connected_and_client_ready_gets_bot_ready(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    ready = await peer.client_ready()
    assert ready["label"] == "rtvi-ai" and ready["data"]["version"] == "1.2.0"
    await bot.wait_for(lambda: bot.recorder.of(ClientConnectedFrame))
    assert bot.transport.webrtc_connection.is_connected()


async def test_a_transport_created_after_the_peer_connected_still_announces_it(make_bot, make_peer):
    # A bot that loads models before building its transport may miss the connection's
    # "connected" event: the transport must read the state it starts from.
    bot = make_bot(create_delay=1.0)
    peer = make_peer()
    await bot.connect(peer)  # connected before the transport exists
    await bot.wait_for(lambda: "connected" in bot.events, timeout=10)
    ready = await peer.client_ready(timeout=5.0)
    assert ready["type"] == "bot-ready"


async def test_client_ready_sent_before_the_pipeline_started_is_still_answered(make_bot, make_peer):
    bot = make_bot(start_delay=0.5)  # the bot is still loading when the client is ready
    peer = make_peer()
    await bot.connect(peer)
    ready = await peer.client_ready(timeout=5.0)
    assert ready["type"] == "bot-ready"
    assert bot.events == ["connected", "app_message"], "connected comes before the early message"


async def test_client_message_round_trip_through_rtvi(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    await bot.connect(peer)
    await peer.client_ready()

    @bot.task.rtvi.event_handler("on_client_message")
    async def _echo(rtvi, message):
        await rtvi.send_server_response(message, {"echo": message.data})

    msg_id = peer.send_rtvi("client-message", {"t": "get-weather", "d": {"city": "Oslo"}})
    response = await peer.wait_for_message(lambda m: m.get("id") == msg_id and m["type"] == "server-response")
    assert response["data"] == {"t": "get-weather", "d": {"echo": {"city": "Oslo"}}}


async def test_app_messages_reach_on_app_message_with_the_pc_id_and_the_pipeline(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    answer = await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    peer.send({"hello": "bot"})
    await bot.wait_for(lambda: bot.app_messages)
    assert bot.app_messages == [({"hello": "bot"}, answer["pc_id"])]
    await bot.wait_for(lambda: bot.recorder.of(InputTransportMessageFrame))
    assert bot.recorder.of(InputTransportMessageFrame)[0].message == {"hello": "bot"}


async def test_server_messages_reach_the_client(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    await bot.task.queue_frame(OutputTransportMessageUrgentFrame(message={"type": "custom", "n": 1}))
    await bot.task.rtvi.send_server_message({"score": 3})
    assert await peer.wait_for_message(lambda m: m.get("type") == "custom") == {"type": "custom", "n": 1}
    message = await peer.wait_for_message(lambda m: m.get("type") == "server-message")
    assert message["data"] == {"score": 3}


async def test_garbage_on_the_data_channel_is_dropped_and_the_session_continues(make_bot, make_peer, caplog):
    bot = make_bot()
    peer = make_peer()
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    peer.send("this is not json")
    peer.send('{"type": "signalling", "message": 42}')
    peer.send('{"type": "signalling", "message": {"type": "trackStatus", "receiver_index": "x"}}')
    peer.send("[" + "1," * 40000 + "1]")  # > 64 KiB
    ready = await peer.client_ready()
    assert ready["type"] == "bot-ready"
    assert [m for m, _ in bot.app_messages if m.get("type") != "client-ready"] == []
    assert bot.events.count("connected") == 1 and "disconnected" not in bot.events
    assert "not JSON" in caplog.text and "limit" in caplog.text


async def test_pings_keep_the_client_connected(make_bot, make_peer):
    bot = make_bot(keepalive_timeout_secs=1.0)
    peer = make_peer(ping_interval=0.2)
    await bot.connect(peer)
    await asyncio.sleep(2.0)
    assert bot.events == ["connected"]
    assert bot.transport.webrtc_connection.is_connected()


async def test_peer_audio_arrives_as_non_silent_input_audio_frames(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer(tone_hz=440)
    await bot.connect(peer)
    await bot.wait_for(lambda: len(bot.recorder.of(InputAudioRawFrame)) >= 50)
    frames = bot.recorder.of(InputAudioRawFrame)[-40:]
    assert {(f.sample_rate, f.num_channels, f.num_frames) for f in frames} == {(16000, 1, 320)}
    pcm = b"".join(f.audio for f in frames)
    assert rms(pcm) > 2000
    assert abs(_dominant_hz(pcm, 16000) - 440) < 15


async def test_bot_audio_reaches_the_peer(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer(tone_hz=0)
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    await asyncio.sleep(0.2)
    assert rms(peer.received_audio()) < 50, "silence while the bot has nothing to say"
    peer.clear_received_audio()
    await bot.task.queue_frame(OutputAudioRawFrame(audio=_tone(300, 1.0, 24000), sample_rate=24000, num_channels=1))
    await peer.wait_for(lambda: rms(peer.received_audio()[-48000:]) > 2000, timeout=5.0)
    await asyncio.sleep(0.4)
    audio = peer.received_audio()
    loud = [audio[i : i + 9600] for i in range(0, len(audio) - 9600, 9600) if rms(audio[i : i + 9600]) > 2000]
    assert loud, "the peer heard the tone"
    assert abs(_dominant_hz(loud[len(loud) // 2], 48000) - 300) < 15


async def test_peer_closing_fires_on_client_disconnected_and_the_session_ends(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    answer = await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    await peer.close()
    await bot.wait_for(lambda: "disconnected" in bot.events)
    await bot.wait_ended()
    assert bot.events == ["connected", "disconnected"]
    assert bot.transport.webrtc_connection.closed
    assert answer["pc_id"] not in bot.handler.connections


async def test_peer_vanishing_is_noticed_by_the_keepalive_and_the_session_ends(make_bot, make_peer):
    bot = make_bot(keepalive_timeout_secs=1.0)
    peer = make_peer(ping_interval=0.2)
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    await peer.vanish()
    await bot.wait_for(lambda: "disconnected" in bot.events, timeout=5.0)
    await bot.wait_ended()
    assert bot.events == ["connected", "disconnected"]
    assert bot.transport.webrtc_connection.closed
    assert bot.handler.connections == {}
    # the handler still serves the next client
    other = make_bot()
    await other.connect(make_peer())
    await other.wait_for(lambda: "connected" in other.events)


async def test_end_frame_says_peer_left_and_closes_the_connection(make_bot, make_peer):
    bot = make_bot(TransportParams(audio_in_enabled=True, audio_out_enabled=True, audio_out_end_silence_secs=0))
    peer = make_peer()
    await bot.connect(peer)
    await bot.wait_for(lambda: "connected" in bot.events)
    await bot.task.queue_frame(EndFrame())
    await bot.wait_ended()
    await peer.wait_for(lambda: {"type": "peerLeft"} in peer.signalling)
    assert bot.transport.webrtc_connection.closed


async def test_restart_pc_mid_call_keeps_the_session_and_the_media(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    answer = await bot.connect(peer)
    await bot.wait_for(lambda: len(bot.recorder.of(InputAudioRawFrame)) >= 10)
    offer = await peer.create_offer(restart_pc=True)
    restarted = await bot.handler.handle_web_request(SmallWebRTCRequest.from_dict(offer), bot.callback)
    assert restarted["pc_id"] == answer["pc_id"] and bot.callbacks == 1
    await peer.accept(restarted)
    await peer.wait_connected()
    before = len(bot.recorder.of(InputAudioRawFrame))
    await bot.wait_for(lambda: len(bot.recorder.of(InputAudioRawFrame)) >= before + 25)
    ready = await peer.client_ready()  # the new data channel carries RTVI
    assert ready["type"] == "bot-ready"
    await bot.task.queue_frame(OutputAudioRawFrame(audio=_tone(300, 0.5, 24000), sample_rate=24000, num_channels=1))
    await peer.wait_for(lambda: rms(peer.received_audio()[-9600:]) > 2000, timeout=5.0)
    assert "disconnected" not in bot.events and bot.events.count("connected") == 1


async def test_track_status_disables_and_enables_the_microphone(make_bot, make_peer):
    bot = make_bot()
    peer = make_peer()
    await bot.connect(peer)
    await bot.wait_for(lambda: len(bot.recorder.of(InputAudioRawFrame)) >= 5)
    peer.send({"type": "signalling", "message": {"type": "trackStatus", "receiver_index": 0, "enabled": False}})
    await asyncio.sleep(0.3)
    muted_at = len(bot.recorder.of(InputAudioRawFrame))
    await asyncio.sleep(0.4)
    assert len(bot.recorder.of(InputAudioRawFrame)) == muted_at
    peer.send({"type": "signalling", "message": {"type": "trackStatus", "receiver_index": 0, "enabled": True}})
    await bot.wait_for(lambda: len(bot.recorder.of(InputAudioRawFrame)) >= muted_at + 5)


async def test_video_in_and_out(make_bot, make_peer):
    params = TransportParams(
        audio_in_enabled=True,
        audio_out_enabled=True,
        video_in_enabled=True,
        video_out_enabled=True,
        video_out_width=64,
        video_out_height=48,
        video_out_framerate=15,
    )
    bot = make_bot(params)
    peer = make_peer(video=True)
    answer = await bot.connect(peer)
    await bot.wait_for(lambda: bot.recorder.of(UserImageRawFrame), timeout=5.0)
    image = bot.recorder.of(UserImageRawFrame)[-1]
    assert (image.size, image.format, image.transport_source, image.user_id) == (
        (160, 120), "RGB", "camera", answer["pc_id"]
    )
    color = np.frombuffer(image.image, dtype=np.uint8).reshape(-1, 3).mean(axis=0)
    assert np.allclose(color, (200, 40, 40), atol=25)
    # a vision request gets the next camera frame, tagged with the request
    request = UserImageRequestFrame(user_id=answer["pc_id"], text="what is this?")
    await bot.task.queue_frame(request)
    await bot.wait_for(lambda: any(f.request is request for f in bot.recorder.of(UserImageRawFrame)))
    # the bot's video: a green image arrives at the peer
    green = np.zeros((48, 64, 3), dtype=np.uint8)
    green[:, :] = (30, 200, 30)
    await bot.task.queue_frame(OutputImageRawFrame(image=green.tobytes(), size=(64, 48), format="RGB"))
    await peer.wait_for(
        lambda: peer.last_video_color is not None
        and np.allclose(peer.last_video_color, (30, 200, 30), atol=30),
        timeout=5.0,
    )
