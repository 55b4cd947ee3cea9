"""voxpipe plugin hooks of voxpipe-websocket: metadata only, nothing heavy imported here."""

from __future__ import annotations

from voxpipe.plugins import PluginManifest, ServiceSpec, hookimpl

from voxpipe_websocket import __version__

_TRANSPORTS = "voxpipe.transports.websocket"


@hookimpl
def voxpipe_plugin_manifest() -> PluginManifest:
    """Three transports and one serializer; no environment variables."""
    return PluginManifest(
        name="websocket",
        distribution="voxpipe-websocket",
        version=__version__,
        plugin_api=1,
        services=[
            ServiceSpec(
                id="websocket_server_transport",
                kind="transport",
                import_path=f"{_TRANSPORTS}.server:WebsocketServerTransport",
                capabilities=["websocket"],
                description="WebSocket server for one client (binds 127.0.0.1)",
            ),
            ServiceSpec(
                id="websocket_client_transport",
                kind="transport",
                import_path=f"{_TRANSPORTS}.client:WebsocketClientTransport",
                capabilities=["websocket"],
                description="WebSocket client: the bot connects out to a server",
            ),
            ServiceSpec(
                id="fastapi_websocket_transport",
                kind="transport",
                import_path=f"{_TRANSPORTS}.fastapi:FastAPIWebsocketTransport",
                capabilities=["websocket"],
                description="Transport over a FastAPI WebSocket (needs the [fastapi] extra)",
            ),
            ServiceSpec(
                id="protobuf_serializer",
                kind="serializer",
                import_path="voxpipe.serializers.protobuf:ProtobufFrameSerializer",
                capabilities=["binary"],
                description="Pipecat's protobuf frames, as the JS/iOS/Android WebSocket clients send them",
            ),
        ],
        license="BSD-2-Clause",
        description="WebSocket transports and the protobuf frame serializer",
    )


@hookimpl
def voxpipe_conformance_cases() -> list:
    """Conformance cases for every service, runnable offline on loopback."""
    from voxpipe_websocket.conformance import cases

    return cases()
