"""``uvicorn xinyong.asgi:app`` — the app from the environment's settings (for process
managers and several workers). Importing this module builds the app; nothing else does.

Forwarded headers are uvicorn's to honour, before the app sees the request, and uvicorn on
its own trusts them from 127.0.0.1: run it with ``--no-proxy-headers``, or with
``--forwarded-allow-ips`` naming the reverse proxies of ``XINYONG_TRUSTED_PROXIES``
(docs/settings.md), as ``xinyong serve`` does by itself."""

from xinyong.app import create_app

app = create_app()
