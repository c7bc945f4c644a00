"""ASGI entry point for servers: ``uvicorn app.asgi:app`` (settings from ``DMPILOT_*``)."""

from app.main import create_app

app = create_app()
