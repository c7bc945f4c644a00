"""Reading ``prompts/data/*.json`` and putting word lists into patterns: shared by every reader."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


@cache
def data(name: str) -> dict[str, Any]:
    """One parsed data file, ``data/<name>.json`` (read once per process)."""
    parsed: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return parsed


def alt(words: Iterable[str]) -> str:
    """A non-capturing alternation of regex words."""
    return "(?:" + "|".join(words) + ")"
