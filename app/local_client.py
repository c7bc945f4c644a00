"""An in-process admin client of the API, for evaluations, benchmarks and tests.

It drives the real app (middleware, auth, routes) without a socket: the admin key is the
configured one, or a random one made for this client.
"""

from __future__ import annotations

import secrets

from fastapi.testclient import TestClient
from pydantic import SecretStr

from app.main import create_app
from app.services import Services
from app.settings import Settings


def admin_client(settings: Settings, services: Services | None = None) -> TestClient:
    """A TestClient that sends the admin key and a Host the app serves."""
    key = settings.admin_key.get_secret_value() if settings.admin_key else secrets.token_urlsafe(24)
    settings = settings.model_copy(update={"admin_key": SecretStr(key)})
    host = settings.allowed_hosts[0] if settings.allowed_hosts else "127.0.0.1"
    return TestClient(
        create_app(settings, services),
        base_url=f"http://{'localhost' if host == '*' else host}",
        headers={"Authorization": f"Bearer {key}"},
    )
