"""voxpipe-websocket: WebSocket transports and the protobuf frame serializer.

The public modules live in the shared ``voxpipe`` namespace:
``voxpipe.transports.websocket.{server,client,fastapi}`` and
``voxpipe.serializers.protobuf``. This package holds the plugin hooks.
"""

__version__ = "0.1.0"
