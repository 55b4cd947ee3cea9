"""Hooks of voxpipe-webrtc: the manifest (metadata only) and the conformance case.

The conformance case needs no emulator: the "remote side" is a real aiortc
peer on loopback (:class:`voxpipe.transports.smallwebrtc.testing.SmallWebRTCTestPeer`).
"""

from __future__ import annotations

from typing import Any

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

from voxpipe_webrtc import __version__


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """One transport; peer-to-peer, so no keys and no environment variables."""
    return PluginManifest(
        name="smallwebrtc",
        distribution="voxpipe-webrtc",
        version=__version__,
        plugin_api=1,
        services=[
            ServiceSpec(
                id="smallwebrtc_transport",
                kind="transport",
                import_path="voxpipe.transports.smallwebrtc.transport:SmallWebRTCTransport",
                capabilities=["audio_in", "audio_out", "video_in", "video_out", "app_messages"],
                description="Peer-to-peer WebRTC (aiortc) with HTTP offer/answer signalling",
            )
        ],
        license="MIT",
        description="SmallWebRTCTransport: WebRTC straight to a browser or app, no media server",
    )


def _make_transport(_emulator: Any) -> Any:
    from voxpipe.transports.base_transport import TransportParams
    from voxpipe.transports.smallwebrtc.connection import SmallWebRTCConnection
    from voxpipe.transports.smallwebrtc.transport import SmallWebRTCTransport

    return SmallWebRTCTransport(
        SmallWebRTCConnection(),
        TransportParams(audio_in_enabled=True, audio_out_enabled=True),
    )


async def _connect_client(transport: Any, _emulator: Any) -> Any:
    from voxpipe.transports.smallwebrtc.testing import SmallWebRTCTestPeer, loopback_only

    peer = SmallWebRTCTestPeer()
    with loopback_only():
        await peer.connect_to(transport.webrtc_connection)
    await peer.wait_connected(timeout=5.0)
    return peer


async def _disconnect_client(peer: Any) -> None:
    await peer.close()


@hookimpl
def voxpipe_conformance_cases() -> list[Any]:
    """The transport contract, with a loopback aiortc peer as the client."""
    from voxpipe_conformance import ConformanceCase, TransportContract

    return [
        ConformanceCase(
            contract=TransportContract,
            service_id="smallwebrtc_transport",
            name="smallwebrtc_transport (loopback aiortc peer)",
            factory=_make_transport,
            emulator=None,
            options={"connect_client": _connect_client, "disconnect_client": _disconnect_client},
        )
    ]
