"""The demo creator and shop (a fitness coach): data in ``app/data/demo_shop.json``.

Tests, evaluations and ``dmpilot serve --demo`` all read the same file, so the demo shop is the
same everywhere; each call returns a fresh copy that callers may change.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _shop() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("app").joinpath("data/demo_shop.json").read_text(encoding="utf-8")
    )
    return data


def demo_creator() -> dict[str, Any]:
    """The demo creator's row (id ``demo``, voice, channel limits)."""
    return copy.deepcopy(_shop()["creator"])


def demo_catalog() -> list[dict[str, Any]]:
    """The demo creator's catalog as dmpilot JSON product dicts (203 products)."""
    return copy.deepcopy(_shop()["products"])


DEMO_CREATOR: dict[str, Any] = demo_creator()
