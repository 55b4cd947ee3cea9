"""Peer-to-peer WebRTC for voxpipe (aiortc), provided by the ``voxpipe-webrtc`` distribution.

Modules, at their documented paths:

* :mod:`~voxpipe.transports.smallwebrtc.transport` — ``SmallWebRTCTransport``;
* :mod:`~voxpipe.transports.smallwebrtc.connection` — ``SmallWebRTCConnection``, ``IceServer``;
* :mod:`~voxpipe.transports.smallwebrtc.request_handler` — ``SmallWebRTCRequestHandler``,
  ``SmallWebRTCRequest``, ``SmallWebRTCPatchRequest``, ``ConnectionMode``.

Importing this package imports nothing heavy; aiortc loads with those modules.
"""
