"""Meta's webhook bodies -> the events the agent answers (payload shapes from Meta's docs)."""

from __future__ import annotations

import pytest

from tools.instagram import parse_events, sign, split_text, verify_signature

ME = "17841400000000001"


def _messaging(*events: dict) -> dict:
    return {"object": "instagram", "entry": [{"id": ME, "time": 1733500000000,
                                              "messaging": list(events)}]}  # fmt: skip


def test_text_quick_reply_story_reply_and_postback_are_events() -> None:
    body = _messaging(
        {"sender": {"id": "1"}, "recipient": {"id": ME}, "timestamp": 1733500000001,
         "message": {"mid": "m1", "text": "hi there"}},
        {"sender": {"id": "2"}, "recipient": {"id": ME}, "timestamp": 1733500000002,
         "message": {"mid": "m2", "text": "Yes please", "quick_reply": {"payload": "YES"}}},
        {"sender": {"id": "3"}, "recipient": {"id": ME}, "timestamp": 1733500000003,
         "message": {"mid": "m3", "text": "love this!",
                     "reply_to": {"story": {"id": "s1", "url": "https://cdn/s1"}}}},
        {"sender": {"id": "4"}, "recipient": {"id": ME}, "timestamp": 1733500000004,
         "postback": {"mid": "m4", "title": "Shop the look", "payload": "SHOP"}},
    )  # fmt: skip
    events, ignored = parse_events(body)
    assert ignored == 0
    assert [(e.event_id, e.sender_id, e.kind, e.text) for e in events] == [
        ("m1", "1", "dm", "hi there"), ("m2", "2", "dm", "Yes please"),
        ("m3", "3", "dm", "love this!"), ("m4", "4", "dm", "Shop the look")]  # fmt: skip
    assert events[1].detail == {"quick_reply": "YES"}
    assert events[2].detail["story"] == {"id": "s1", "url": "https://cdn/s1"}
    assert events[3].detail == {"postback": "SHOP"}
    assert events[0].sent_at.year == 2024 and events[0].sent_at.tzinfo is not None


def test_echoes_reads_reactions_attachments_and_own_comments_are_not_events() -> None:
    body = _messaging(
        {"sender": {"id": ME}, "recipient": {"id": "1"}, "timestamp": 1,
         "message": {"mid": "e1", "text": "our reply", "is_echo": True}},
        {"sender": {"id": "1"}, "recipient": {"id": ME}, "read": {"mid": "e1"}},
        {"sender": {"id": "1"}, "recipient": {"id": ME},
         "reaction": {"mid": "e1", "action": "react", "reaction": "love"}},
        {"sender": {"id": "1"}, "recipient": {"id": ME}, "timestamp": 2,
         "message": {"mid": "a1", "attachments": [{"type": "image", "payload": {"url": "u"}}]}},
        {"sender": {"id": "1"}, "recipient": {"id": ME}, "timestamp": 3,
         "message": {"mid": "d1", "is_deleted": True}},
    )  # fmt: skip
    body["entry"][0]["changes"] = [
        {"field": "comments", "value": {"id": "c1", "text": "thanks!", "from": {"id": ME}}},
        {"field": "mentions", "value": {"media_id": "x"}},
    ]
    events, ignored = parse_events(body)
    assert events == [] and ignored == 7


def test_comments_are_events_with_their_ids() -> None:
    body = {"object": "instagram", "entry": [{"id": ME, "time": 1733500000, "changes": [
        {"field": "comments", "value": {"id": "c9", "text": "price?", "from": {
            "id": "77", "username": "fan77"}, "media": {"id": "md1",
                                                        "media_product_type": "FEED"}}}]}]}  # fmt: skip
    (event,), _ = parse_events(body)
    assert (event.kind, event.event_id, event.sender_id) == ("comment", "c9", "77")
    assert event.detail == {"comment_id": "c9", "media_id": "md1", "username": "fan77"}


@pytest.mark.parametrize("body", [{}, {"object": "whatsapp_business_account", "entry": []},
                                  {"object": "instagram", "entry": [{"time": 1}]}])  # fmt: skip
def test_other_bodies_are_refused(body: dict) -> None:
    with pytest.raises(ValueError):
        parse_events(body)


def test_signatures_are_checked_on_the_raw_bytes() -> None:
    raw = b'{"object":"instagram","entry":[]}'
    good = sign("s3cret", raw)
    assert verify_signature("s3cret", raw, good)
    assert not verify_signature("s3cret", raw + b" ", good)
    assert not verify_signature("other", raw, good)
    assert not verify_signature("s3cret", raw, good.replace("sha256=", "sha1="))
    assert not verify_signature("s3cret", raw, None) and not verify_signature("", raw, good)


def test_split_text_cuts_at_the_coarsest_boundary_that_fits() -> None:
    text = "First paragraph is here.\n\nSecond one. It has two sentences."
    assert split_text(text, 40) == ["First paragraph is here.", "Second one. It has two sentences."]
    assert split_text("word " * 5, 12) == ["word word", "word word", "word"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    assert split_text("  ", 10) == []
