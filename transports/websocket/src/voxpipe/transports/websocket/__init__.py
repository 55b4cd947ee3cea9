"""WebSocket transports (distribution ``voxpipe-websocket``).

* :mod:`voxpipe.transports.websocket.server`: ``WebsocketServerTransport``, a server for one client.
* :mod:`voxpipe.transports.websocket.client`: ``WebsocketClientTransport``, a bot that connects out.
* :mod:`voxpipe.transports.websocket.fastapi`: ``FastAPIWebsocketTransport``, for a socket your
  FastAPI app accepted (telephony, the JS client's ``/ws`` endpoint).

Their default serializer is :class:`voxpipe.serializers.protobuf.ProtobufFrameSerializer`.
Nothing is imported here, so ``import voxpipe.transports.websocket`` stays cheap.
"""
