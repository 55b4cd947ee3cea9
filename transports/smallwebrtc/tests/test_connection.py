"""SmallWebRTCConnection on its own: events, queued messages, timeouts."""

from __future__ import annotations

import pytest

from voxpipe.transports.smallwebrtc.connection import (
    MAX_QUEUED_MESSAGES,
    IceServer,
    SmallWebRTCConnection,
)
from voxpipe.transports.smallwebrtc.request_handler import (
    SmallWebRTCRequest,
    SmallWebRTCRequestHandler,
)
from voxpipe.transports.smallwebrtc.testing import SmallWebRTCTestPeer

pytestmark = pytest.mark.timeout(30)


async def test_events_come_in_order_and_closed_is_last():
    connection = SmallWebRTCConnection()
    seen: list[str] = []
    for event in ("connecting", "connected", "disconnected", "closed"):
        connection.add_event_handler(event, lambda _c, _e=event: seen.append(_e))
    peer = SmallWebRTCTestPeer()
    await peer.connect_to(connection)
    await peer.wait_connected()
    assert connection.get_answer()["pc_id"] == connection.pc_id
    await peer.close()
    assert await connection.wait_closed(5.0)
    assert seen[-1] == "closed" and "connected" in seen
    await connection.disconnect()  # idempotent


async def test_messages_sent_before_the_channel_opens_are_queued_up_to_the_limit():
    connection = SmallWebRTCConnection()
    for n in range(MAX_QUEUED_MESSAGES + 10):
        connection.send_app_message({"n": n})
    peer = SmallWebRTCTestPeer()
    await peer.connect_to(connection)
    await peer.wait_for(lambda: len(peer.messages) >= MAX_QUEUED_MESSAGES)
    assert [m["n"] for m in peer.messages] == list(range(10, MAX_QUEUED_MESSAGES + 10))
    await peer.close()
    await connection.disconnect()


async def test_disconnect_tells_the_client_peer_left():
    connection = SmallWebRTCConnection()
    peer = SmallWebRTCTestPeer()
    await peer.connect_to(connection)
    await peer.wait_connected()
    await connection.disconnect()
    await peer.wait_for(lambda: {"type": "peerLeft"} in peer.signalling)
    assert connection.closed and not connection.is_connected()
    await peer.close()


async def test_a_client_that_never_connects_is_dropped_after_connection_timeout():
    handler = SmallWebRTCRequestHandler(connection_timeout_secs=0.5)
    peer = SmallWebRTCTestPeer()
    offer = await peer.create_offer()
    peer._mute_pc(peer.pc)  # offers, then its network goes away before ICE completes
    seen = []
    answer = await handler.handle_web_request(SmallWebRTCRequest.from_dict(offer), seen.append)
    connection = seen[0]
    assert answer["pc_id"] in handler.connections
    assert await connection.wait_closed(5.0)
    assert handler.connections == {}
    await peer.close()
    await handler.close()


def test_ice_servers_accept_urls_and_ice_server_objects():
    connection = SmallWebRTCConnection(
        ice_servers=["stun:stun.example.org:3478", IceServer(urls="turn:t.example.org", username="u", credential="p")]
    )
    urls = [s.urls for s in connection._ice_servers]
    assert urls == ["stun:stun.example.org:3478", "turn:t.example.org"]
    with pytest.raises(TypeError):
        SmallWebRTCConnection(ice_servers=[42])
