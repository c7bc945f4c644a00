"""Cut credentials out of text that is about to be stored or served (provider error messages)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

REDACTED = "[redacted]"


@cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    data = json.loads((Path(__file__).parent / "data" / "secret_patterns.json").read_text())
    return tuple(re.compile(p) for p in data["patterns"])


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without the given secret values and without anything shaped like a credential."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            text = text.replace(secret, REDACTED)
    for pattern in _patterns():
        if pattern.groups >= 2:  # "key=value": keep the name, cut the value
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
        else:
            text = pattern.sub(REDACTED, text)
    return text
