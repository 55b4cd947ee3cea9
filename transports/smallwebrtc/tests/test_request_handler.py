"""Signalling: POST /api/offer and PATCH /api/offer through SmallWebRTCRequestHandler, with real aiortc peers."""

from __future__ import annotations

import asyncio

import pytest

from voxpipe.transports.smallwebrtc.connection import SmallWebRTCConnection
from voxpipe.transports.smallwebrtc.request_handler import (
    MAX_CANDIDATES,
    ConnectionMode,
    IceCandidate,
    SmallWebRTCPatchRequest,
    SmallWebRTCRequest,
    SmallWebRTCRequestError,
    SmallWebRTCRequestHandler,
    smallwebrtc_sdp_munging,
)
from voxpipe.transports.smallwebrtc.testing import SmallWebRTCTestPeer

pytestmark = pytest.mark.timeout(30)


class Connections:
    """A connection callback that records the connections it was given."""

    def __init__(self) -> None:
        self.seen: list[SmallWebRTCConnection] = []

    async def __call__(self, connection: SmallWebRTCConnection) -> None:
        self.seen.append(connection)


@pytest.fixture
async def handler():
    h = SmallWebRTCRequestHandler()
    yield h
    await h.close()


@pytest.fixture
async def peers():
    made: list[SmallWebRTCTestPeer] = []

    def _make(**kwargs) -> SmallWebRTCTestPeer:
        peer = SmallWebRTCTestPeer(**kwargs)
        made.append(peer)
        return peer

    yield _make
    for peer in made:
        await peer.close()


def _candidates(sdp: str) -> list[dict]:
    return [
        {"candidate": line[2:], "sdp_mid": "0", "sdp_mline_index": 0}
        for line in sdp.splitlines()
        if line.startswith("a=candidate:")
    ]


async def test_offer_gets_an_answer_with_pc_id_and_the_callback_gets_the_connection(handler, peers):
    callback = Connections()
    peer = peers()
    answer = await peer.connect(handler, callback)
    assert answer["type"] == "answer"
    assert answer["sdp"].startswith("v=0")
    assert answer["pc_id"] and answer["pc_id"] == callback.seen[0].pc_id
    assert list(handler.connections) == [answer["pc_id"]]
    await peer.wait_connected()
    assert callback.seen[0].is_connected()


async def test_request_data_and_its_js_spelling_are_accepted():
    body = {"sdp": "v=0", "type": "offer", "requestData": {"voice": "anna"}}
    assert SmallWebRTCRequest.from_dict(body).request_data == {"voice": "anna"}
    body = {"sdp": "v=0", "type": "offer", "request_data": [1], "pc_id": None, "restart_pc": None}
    request = SmallWebRTCRequest.from_dict(body)
    assert (request.request_data, request.pc_id, request.restart_pc) == ([1], None, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "JSON object"),
        ({"type": "offer"}, "sdp is required"),
        ({"sdp": 5, "type": "offer"}, "sdp is required"),
        ({"sdp": "v=0"}, "type is required"),
        ({"sdp": "v=0", "type": "offer", "restart_pc": "yes"}, "restart_pc"),
        ({"sdp": "v=0", "type": "offer", "pc_id": 12}, "pc_id"),
        ({"sdp": "v=0", "type": "offer", "pc_id": "x" * 1000}, "pc_id"),
    ],
)
def test_malformed_offer_bodies_are_400_naming_the_field(body, message):
    with pytest.raises(SmallWebRTCRequestError) as err:
        SmallWebRTCRequest.from_dict(body)
    assert err.value.status_code == 400
    assert message in err.value.detail


async def test_renegotiation_with_the_same_pc_id_keeps_the_connection(handler, peers):
    callback = Connections()
    peer = peers()
    first = await peer.connect(handler, callback)
    await peer.wait_connected()
    offer = await peer.renegotiation_offer()
    answer = await handler.handle_web_request(SmallWebRTCRequest.from_dict(offer), callback)
    await peer.accept(answer)
    assert answer["pc_id"] == first["pc_id"]
    assert len(callback.seen) == 1, "renegotiation must not start another bot"
    assert list(handler.connections) == [first["pc_id"]]
    await asyncio.sleep(0.2)
    assert callback.seen[0].is_connected()


async def test_restart_pc_replaces_the_peer_connection_under_the_same_pc_id(handler, peers):
    callback = Connections()
    peer = peers()
    first = await peer.connect(handler, callback)
    await peer.wait_connected()
    connection = callback.seen[0]
    old_pc = connection.pc
    offer = await peer.create_offer(restart_pc=True)
    answer = await handler.handle_web_request(SmallWebRTCRequest.from_dict(offer), callback)
    await peer.accept(answer)
    await peer.wait_connected()
    assert answer["pc_id"] == first["pc_id"]
    assert connection.pc is not old_pc and old_pc.connectionState == "closed"
    assert len(callback.seen) == 1
    assert not connection.closed


async def test_patch_adds_candidates_to_a_known_pc_id(handler, peers):
    peer = peers()
    answer = await peer.connect(handler, Connections())
    candidates = _candidates(peer.pc.localDescription.sdp)
    assert candidates, "the test peer offers host candidates"
    request = SmallWebRTCPatchRequest.from_dict(
        {"pc_id": answer["pc_id"], "candidates": [*candidates, {"candidate": "", "sdp_mid": "0"}]}
    )
    assert await handler.handle_patch_request(request) == {"status": "success"}
    await peer.wait_connected()


async def test_patch_for_an_unknown_pc_id_is_404(handler):
    request = SmallWebRTCPatchRequest(
        pc_id="nobody", candidates=[IceCandidate("candidate:1 1 udp 1 127.0.0.1 9 typ host", "0", 0)]
    )
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_patch_request(request)
    assert (err.value.status_code, err.value.detail) == (404, "Peer connection not found")


async def test_malformed_or_too_many_candidates_are_refused(handler, peers):
    peer = peers()
    answer = await peer.connect(handler, Connections())
    bad = SmallWebRTCPatchRequest(answer["pc_id"], [IceCandidate("candidate:garbage", "0", 0)])
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_patch_request(bad)
    assert err.value.status_code == 400 and "invalid ICE candidate" in err.value.detail
    too_many = {"pc_id": answer["pc_id"], "candidates": [{"candidate": "", "sdp_mid": "0"}] * (MAX_CANDIDATES + 1)}
    with pytest.raises(SmallWebRTCRequestError) as err:
        SmallWebRTCPatchRequest.from_dict(too_many)
    assert err.value.status_code == 413
    for body, message in [
        ({"candidates": []}, "pc_id"),
        ({"pc_id": "x", "candidates": "no"}, "candidates must be a list"),
        ({"pc_id": "x", "candidates": [{"candidate": 1}]}, "'candidate' string"),
        ({"pc_id": "x", "candidates": [{"candidate": "", "sdp_mline_index": "0"}]}, "sdp_mline_index"),
    ]:
        with pytest.raises(SmallWebRTCRequestError) as err:
            SmallWebRTCPatchRequest.from_dict(body)
        assert err.value.status_code == 400 and message in err.value.detail
    await peer.wait_connected()  # the connection is unharmed


async def test_bad_sdp_is_400_with_a_clear_message_and_the_next_peer_is_served(handler, peers):
    callback = Connections()
    for sdp in ["hello", "v=0\r\nm=audio x\r\n", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\n"]:
        with pytest.raises(SmallWebRTCRequestError) as err:
            await handler.handle_web_request(SmallWebRTCRequest(sdp=sdp, type="offer"), callback)
        assert err.value.status_code == 400
        assert "invalid SDP offer" in err.value.detail
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_web_request(SmallWebRTCRequest(sdp="v=0", type="answer"), callback)
    assert err.value.status_code == 400 and "offer" in err.value.detail
    assert callback.seen == [] and handler.connections == {}
    peer = peers()
    await peer.connect(handler, callback)
    await peer.wait_connected()
    assert len(callback.seen) == 1


async def test_oversized_sdp_is_413():
    handler = SmallWebRTCRequestHandler(max_sdp_chars=100)
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_web_request(SmallWebRTCRequest(sdp="v=0\r\n" * 50, type="offer"), Connections())
    assert err.value.status_code == 413 and "too large" in err.value.detail
    await handler.close()


async def test_single_mode_refuses_a_second_connection_until_the_first_is_gone(peers):
    handler = SmallWebRTCRequestHandler(connection_mode=ConnectionMode.SINGLE)
    callback = Connections()
    first = peers()
    answer = await first.connect(handler, callback)
    await first.wait_connected()
    second = peers()
    offer = await second.create_offer()
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_web_request(SmallWebRTCRequest.from_dict(offer), callback)
    assert (err.value.status_code, err.value.detail) == (
        400,
        "Cannot create new connection with existing connection active",
    )
    with pytest.raises(SmallWebRTCRequestError) as err:
        await handler.handle_web_request(SmallWebRTCRequest.from_dict({**offer, "pc_id": "other"}), callback)
    assert (err.value.status_code, err.value.detail) == (400, "PC ID mismatch with existing connection")
    # the first client leaves: its connection is forgotten and the next one is welcome
    await first.close()
    await callback.seen[0].wait_closed(5.0)
    assert answer["pc_id"] not in handler.connections
    third = peers()
    await third.connect(handler, callback)
    await third.wait_connected()
    await handler.close()


async def test_a_failing_callback_is_500_and_leaves_no_connection(handler, peers):
    async def broken(_connection):
        raise RuntimeError("model file missing")

    with pytest.raises(SmallWebRTCRequestError) as err:
        await peers().connect(handler, broken)
    assert err.value.status_code == 500 and "RuntimeError" in err.value.detail
    assert handler.connections == {}
    peer = peers()
    await peer.connect(handler, Connections())
    await peer.wait_connected()


async def test_max_connections_is_503(peers):
    handler = SmallWebRTCRequestHandler(max_connections=1)
    await peers().connect(handler, Connections())
    with pytest.raises(SmallWebRTCRequestError) as err:
        await peers().connect(handler, Connections())
    assert err.value.status_code == 503
    await handler.close()


async def test_close_disconnects_everyone_and_refuses_new_offers(peers):
    handler = SmallWebRTCRequestHandler()
    callback = Connections()
    for _ in range(2):
        peer = peers()
        await peer.connect(handler, callback)
        await peer.wait_connected()
    await handler.close()
    assert all(c.closed for c in callback.seen)
    assert handler.connections == {}
    with pytest.raises(SmallWebRTCRequestError) as err:
        await peers().connect(handler, callback)
    assert err.value.status_code == 503


def test_esp32_munging_keeps_host_candidates_and_sha256():
    sdp = "\r\n".join(
        [
            "v=0",
            "a=fingerprint:sha-256 AA:BB",
            "a=fingerprint:sha-384 CC:DD",
            "a=fingerprint:sha-512 EE:FF",
            "a=candidate:1 1 udp 2130706431 192.168.1.5 5000 typ host",
            "a=candidate:2 1 udp 2130706431 10.0.0.2 5001 typ host",
            "a=candidate:3 1 udp 1694498815 1.2.3.4 6000 typ srflx raddr 192.168.1.5 rport 5000",
        ]
    )
    out = smallwebrtc_sdp_munging(sdp, "192.168.1.5")
    assert "sha-256" in out and "sha-384" not in out and "sha-512" not in out
    assert "192.168.1.5 5000 typ host" in out
    assert "10.0.0.2" not in out and "srflx" not in out
    assert "10.0.0.2" in smallwebrtc_sdp_munging(sdp, None)
