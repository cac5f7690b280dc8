"""``uvicorn xinyong.asgi:app`` — the app from the environment's settings (for process
managers and several workers). Importing this module builds the app; nothing else does."""

from xinyong.app import create_app

app = create_app()
