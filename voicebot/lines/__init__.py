"""Telephone lines: one adapter per protocol, each turning its wire format into 20 ms frames and back.

- ``sip`` (+ ``sip_call``, ``sip_message``, ``sdp``, ``rtp``, ``refer``): a SIP UAS over UDP with G.711 RTP,
  RFC 4733 DTMF and REFER transfers whose outcome is read from the NOTIFYs (RFC 3515); only ``sip_peers`` may call;
  SDP that cannot work gets ``488``, more than 20 Vias no reply.
- ``audiosocket``: Asterisk AudioSocket over TCP; ``audiosocket_peers`` plus optional UUID registration.
- ``twilio``: Twilio Media Streams over WebSocket; the media token in ``customParameters`` or the URL, in a
  ``start`` sent within ``twilio_start_timeout_s``; a ``mark`` after each utterance tells when Twilio played it.
- ``websocket_media``: JSON metadata then L16 frames (jambonz ``listen``, FreeSWITCH audio fork, the softphone);
  its line also has ``notify(event)`` for live ``partial``/``transcript``/``bot`` events.
- ``ws_transport`` + ``ws_codec``: what the two WebSocket lines share (pipecat's split of transport and serializer):
  one transport (send guard, the receive loop with its malformed and flood limits, close, admission) and the
  events its codecs (``twilio_codec``, ``websocket_codec``) decode messages into; ``marks``: Twilio's mark ledger.
- ``transfer``: transfer by closing the media, so the switch's script continues (AudioSocket, Twilio).
- ``softphone/``: the browser page served at ``/softphone``.
- ``admission``: the call limit every adapter applies: a place is reserved when a call is admitted (a SIP call
  while it rings), handed to the session, or given back if the call never starts.
"""
