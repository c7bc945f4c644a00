"""Human-in-the-loop payloads in the Agent Inbox convention.

Defined here because the TypedDicts in ``langgraph.prebuilt`` are deprecated.

A node calls ``interrupt(HumanInterrupt)`` and receives a ``HumanResponse`` when a person
decides: ``accept`` (as proposed), ``edit`` (``args`` are the edited action arguments),
``response`` (``args`` is free text) or ``ignore``.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import TypedDict

DecisionType = Literal["accept", "edit", "response", "ignore"]


class ActionRequest(TypedDict):
    """What the graph wants to do."""

    action: str
    args: dict[str, Any]


class HumanInterruptConfig(TypedDict):
    """Which decisions the person may take."""

    allow_accept: bool
    allow_edit: bool
    allow_respond: bool
    allow_ignore: bool


class HumanInterrupt(TypedDict):
    """The interrupt payload shown in the inbox."""

    action_request: ActionRequest
    config: HumanInterruptConfig
    description: str


class HumanResponse(TypedDict):
    """The person's decision."""

    type: DecisionType
    args: None | str | dict[str, Any]


# Every decision allowed: what a single reply (draft or conversational) offers.
ALL_DECISIONS: HumanInterruptConfig = {
    "allow_accept": True,
    "allow_edit": True,
    "allow_respond": True,
    "allow_ignore": True,
}


def decided_text(decision: dict[str, Any], proposed: str) -> str | None:
    """The text to send after a decision on a ``send_reply``: None when ignored."""
    kind, args = decision.get("type"), decision.get("args")
    if kind == "ignore":
        return None
    if kind == "edit" and isinstance(args, dict) and args.get("text"):
        return str(args["text"])
    if kind == "response" and isinstance(args, str):
        return args
    return proposed


_ALLOWED = {
    "accept": "allow_accept",
    "edit": "allow_edit",
    "response": "allow_respond",
    "ignore": "allow_ignore",
}


def validate_response(request: HumanInterrupt, response: dict[str, Any]) -> HumanResponse:
    """Check a decision against the request's config; ``ValueError`` says what is wrong."""
    kind = response.get("type")
    if kind not in _ALLOWED:
        raise ValueError(f"decision type must be one of {sorted(_ALLOWED)}")
    if not request["config"].get(_ALLOWED[kind]):
        raise ValueError(f"'{kind}' is not allowed for {request['action_request']['action']}")
    args = response.get("args")
    if kind == "edit":
        if not isinstance(args, dict) or not args:
            raise ValueError("an 'edit' needs args: the edited action arguments")
        unknown = set(args) - set(request["action_request"]["args"])
        if unknown:
            raise ValueError(f"unknown args for an edit: {sorted(unknown)}")
    if kind == "response" and (not isinstance(args, str) or not args.strip()):
        raise ValueError("a 'response' needs args: the reply text")
    return {"type": kind, "args": args}  # type: ignore[typeddict-item]
