"""`voxpipe run` as a real server: routes, limits and errors, and whole sessions over WebRTC and WebSocket."""

import asyncio
import json
import urllib.error
import urllib.request

import numpy as np
import pytest
from runner_support import ECHO_BOT, RunnerProcess

pytestmark = pytest.mark.timeout(90)


def http(method, url, body=None, headers=None, raw=None, timeout=10):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(req, timeout=timeout) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def webrtc_server():
    """One server for the module: starting one takes seconds (aiortc, numpy)."""
    server = RunnerProcess(str(ECHO_BOT))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_prints_the_page_to_open(webrtc_server):
    assert (
        f"Open http://localhost:{webrtc_server.port}/client/ in your browser" in webrtc_server.log()
    )


def test_root_redirects_to_the_client_page(webrtc_server):
    status, headers, _ = http("GET", webrtc_server.url + "/")
    assert status in (302, 307) and headers["location"] == "/client/"
    status, headers, body = http("GET", webrtc_server.url + "/client/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"client.js" in body and b"webrtc" in body
    status, headers, body = http("GET", webrtc_server.url + "/client/client.js")
    assert status == 200 and b"/api/offer" in body
    assert http("GET", webrtc_server.url + "/client/..%2Fserver.py")[0] == 404


def test_start_returns_a_session_and_optional_ice_config(webrtc_server):
    status, _, body = http("POST", webrtc_server.url + "/start", {"body": {"user": "ann"}})
    assert status == 200 and set(json.loads(body)) == {"sessionId"}
    status, _, body = http(
        "POST", webrtc_server.url + "/start", {"body": {}, "enableDefaultIceServers": True}
    )
    assert json.loads(body)["iceConfig"] == {
        "iceServers": [{"urls": ["stun:stun.l.google.com:19302"]}]
    }


def test_signalling_errors_are_json_with_the_handler_status(webrtc_server):
    u = webrtc_server.url
    status, _, body = http("POST", u + "/api/offer", {"sdp": "v=0", "type": "offer"})
    assert status == 400 and "detail" in json.loads(body)
    status, _, body = http("PATCH", u + "/api/offer", {"pc_id": "nope", "candidates": []})
    assert (status, json.loads(body)) == (404, {"detail": "Peer connection not found"})
    assert http("POST", u + "/api/offer", raw=b"{not json")[0] == 400
    assert http("POST", u + "/api/offer", {"type": "offer"})[0] == 400
    assert http("POST", u + "/sessions/unknown/api/offer", {"sdp": "x", "type": "offer"})[0] == 404


def test_bodies_are_capped(webrtc_server):
    status, _, body = http("POST", webrtc_server.url + "/api/offer", raw=b"x" * (300 * 1024))
    assert status == 413 and b"larger than" in body
    assert http("POST", webrtc_server.url + "/start", raw=b"{" * (300 * 1024))[0] == 413


def test_cors_allows_loopback_pages_only(webrtc_server):
    def preflight(origin):
        return http("OPTIONS", webrtc_server.url + "/start", headers={
            "Origin": origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        })  # fmt: skip

    status, headers, _ = preflight("http://127.0.0.1:5173")
    assert status == 200 and headers.get("access-control-allow-origin") == "http://127.0.0.1:5173"
    status, headers, _ = preflight("https://evil.example")
    assert "access-control-allow-origin" not in {k.lower() for k in headers}


async def _talk_over_webrtc(url: str, offer_path: str, start_body=None):
    from voxpipe.transports.smallwebrtc.testing import SmallWebRTCTestPeer, rms

    peer = SmallWebRTCTestPeer(tone_hz=300.0)
    try:
        offer = await peer.create_offer()
        status, _, body = await asyncio.to_thread(http, "POST", url + offer_path, offer)
        assert status == 200, body
        answer = json.loads(body)
        assert answer["type"] == "answer" and answer["pc_id"]
        await peer.accept(answer)
        await peer.wait_connected(10)
        ready = await peer.client_ready(10)
        assert ready["data"]["version"] == "1.2.0"
        await peer.wait_for_message(lambda m: m.get("type") == "server-message", 5)
        msg_id = peer.send_rtvi("client-message", {"t": "ping", "d": {"n": 7}})
        reply = await peer.wait_for_message(lambda m: m.get("id") == msg_id, 5)
        assert reply["type"] == "server-response" and reply["data"]["d"]["echo"] == {"n": 7}
        await asyncio.sleep(1.0)  # one second of tone, then silence: the bot echoes it
        peer.tone.frequency = 0
        await peer.wait_for_message(
            lambda m: m.get("type") == "server-message" and m["data"].get("type") == "echo", 10
        )
        await peer.wait_for(lambda: rms(peer.received_audio()[-48000:]) > 300, 10)
        return answer
    finally:
        await asyncio.wait_for(peer.close(), 10)


async def test_webrtc_session_end_to_end(webrtc_server):
    await _talk_over_webrtc(webrtc_server.url, "/api/offer")
    await asyncio.sleep(1.0)
    log = webrtc_server.log()
    assert "starting bot (SmallWebRTCRunnerArguments)" in log


async def test_start_then_session_offer_carries_the_body(webrtc_server):
    status, _, body = await asyncio.to_thread(
        http, "POST", webrtc_server.url + "/start", {"body": {"who": "x"}}
    )
    session = json.loads(body)["sessionId"]
    await _talk_over_webrtc(webrtc_server.url, f"/sessions/{session}/api/offer")


async def test_websocket_session_end_to_end(runner_process):
    import websockets

    from voxpipe.frames.frames import (
        InputAudioRawFrame,
        InputTransportMessageFrame,
        OutputAudioRawFrame,
        OutputTransportMessageUrgentFrame,
    )
    from voxpipe.serializers.protobuf import ProtobufFrameSerializer

    server = runner_process(str(ECHO_BOT), "-t", "websocket")
    status, _, body = await asyncio.to_thread(
        http, "POST", server.url + "/start", {"body": {"a": 1}}
    )
    ws_url = json.loads(body)["wsUrl"]
    assert ws_url.startswith(f"ws://127.0.0.1:{server.port}/ws?sessionId=")
    s = ProtobufFrameSerializer()

    async def send_rtvi(ws, type_, data, msg_id):
        frame = OutputTransportMessageUrgentFrame(
            message={"label": "rtvi-ai", "type": type_, "id": msg_id, "data": data}
        )
        await ws.send(await s.serialize(frame))

    messages, audio = [], bytearray()

    async def receive(ws):
        async for raw in ws:
            frame = await s.deserialize(raw)
            if isinstance(frame, InputTransportMessageFrame):
                messages.append(frame.message)
            elif isinstance(frame, InputAudioRawFrame):
                audio.extend(frame.audio)

    async def wait_for(pred, timeout):
        for _ in range(int(timeout / 0.05)):
            if pred():
                return
            await asyncio.sleep(0.05)
        raise TimeoutError(f"not seen; messages: {messages[-5:]}")

    async with websockets.connect(ws_url, open_timeout=10, close_timeout=5) as ws:
        reader = asyncio.create_task(receive(ws))
        try:
            await send_rtvi(
                ws, "client-ready", {"version": "1.2.0", "about": {"library": "test"}}, "r1"
            )
            await wait_for(
                lambda: any(m.get("type") == "bot-ready" and m.get("id") == "r1" for m in messages),
                10,
            )
            await send_rtvi(ws, "client-message", {"t": "ping", "d": {"n": 3}}, "m1")
            await wait_for(
                lambda: any(
                    m.get("id") == "m1" and m.get("type") == "server-response" for m in messages
                ),
                5,
            )
            t = np.arange(320) / 16000
            for i in range(100):  # 1 s of a 300 Hz tone, then 1 s of silence, in 20 ms frames
                wave = 0.3 * np.sin(2 * np.pi * 300 * (t + i * 0.02)) if i < 50 else t * 0
                pcm = (wave * 32767).astype("<i2").tobytes()
                await ws.send(
                    await s.serialize(
                        OutputAudioRawFrame(audio=pcm, sample_rate=16000, num_channels=1)
                    )
                )
                await asyncio.sleep(0.02)
            await wait_for(
                lambda: any(
                    m.get("type") == "server-message" and m["data"].get("type") == "echo"
                    for m in messages
                ),
                10,
            )
            await wait_for(
                lambda: (
                    len(audio) > 4800 and np.abs(np.frombuffer(bytes(audio), "<i2")).max() > 3000
                ),
                10,
            )
        finally:
            reader.cancel()
    await asyncio.sleep(1.0)
    assert "bot finished (WebSocketRunnerArguments)" in server.log()
    assert "new session (WebSocketRunnerArguments), body {'a': 1}" in server.log()


def test_ctrl_c_stops_the_server_cleanly(runner_process):
    server = runner_process(str(ECHO_BOT))
    code = server.stop()
    assert code == 0, server.last_log
