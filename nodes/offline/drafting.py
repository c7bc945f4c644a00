"""Offline drafting for the fan-out: creator style, per-fan adaptation, checks and confidence.

A draft = greeting in the creator's style + acknowledgement of the fan's question(s) + the
canonical answer (jargon in plain words for beginners) + caveats for conflicts with what the
fan said before + a closer. The canonical answer's facts (numbers, prices, links) must survive
every rewrite, else the draft is rejected.
"""

from __future__ import annotations

import re
import statistics
from typing import Any

from nodes.offline.conflicts import check_text
from prompts import fanout as P
from prompts.grammar import REPLY_CURRENCY

_EMOJI = re.compile(r"[\U0001F300-\U0001FAFF\u2600-\u27BF]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_FACT = re.compile(  # a link, an email, a price, a number
    r"https?://\S+|[\w.+-]+@[\w-]+\.[\w.]+"
    rf"|{REPLY_CURRENCY}\s?\d+(?:[.,]\d+)?|\b\d+(?:[.,]\d+)?\s?%?",
)
_JARGON = re.compile(r"\b(" + "|".join(re.escape(k) for k in P.PLAIN_WORDS) + r")\b", re.I)


def creator_style(texts: list[str]) -> dict[str, Any]:
    """Style features of the creator's own words (canonical answers, recent replies)."""
    texts = [t for t in texts if t and t.strip()]
    if not texts:
        return {"emoji": False, "sentence_words": 12.0, "exclaims": False, "technical": 0.0}
    sentences = [s for t in texts for s in _SENTENCE.split(t.strip()) if s]
    words = [w for t in texts for w in re.findall(r"[A-Za-z']+", t)]
    return {
        "emoji": sum(len(_EMOJI.findall(t)) for t in texts) / len(texts) >= 0.5,
        "sentence_words": round(statistics.mean(len(s.split()) for s in sentences), 1),
        "exclaims": sum(t.count("!") for t in texts) / len(texts) >= 0.5,
        "technical": round(
            sum(len(_JARGON.findall(t)) for t in texts) / max(1, len(words)) * 100, 2
        ),
    }


def facts(text: str) -> set[str]:
    """Numbers, prices and links: what a rewrite may never drop."""
    return {m.group(0).strip().rstrip(".,").lower() for m in _FACT.finditer(text)}


def simplify(text: str) -> str:
    """Jargon in plain words (facts untouched)."""
    return _JARGON.sub(lambda m: P.PLAIN_WORDS[m.group(1).lower()], text)


def caveats(conflicts: list[dict[str, Any]]) -> list[str]:
    """One caveat per conflict; the answer itself stays as written (a person reviews it)."""
    out = []
    for c in conflicts:
        evidence = ", ".join(c.get("evidence") or []) or "that"
        template = P.CAVEAT.get(c["type"], P.CAVEAT_DEFAULT)
        out.append(template.format(fact=c["fact"], evidence=evidence))
    return list(dict.fromkeys(out))


def compose(
    answer: str,
    questions: list[dict[str, Any]],
    profile: dict[str, Any],
    style: dict[str, Any],
    max_chars: int,
) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """The offline draft text, the conflicts of the answer with the fan, and what was adapted."""
    kind = "emoji" if style.get("emoji") else "plain"
    tones = {q.get("tone", "neutral") for q in questions}
    beginner = is_beginner(questions, profile)
    body = simplify(answer) if beginner else answer
    parts = [P.GREETING[kind]]
    if "frustrated" in tones or any(q.get("urgency") == "high" for q in questions):
        parts.append(P.APOLOGY)
    texts = list(dict.fromkeys(q["text"] for q in questions))
    if len(texts) == 1 and len(texts[0]) <= 120:
        parts.append(P.ACK.format(question=texts[0].strip()))
    elif len(texts) > 1:
        parts.append(P.ACK_MANY)
    elif "excited" in tones:
        parts.append(P.EXCITED_CLOSER[kind])
    parts.append(body)
    conflicts = check_text(body, profile)
    notes = caveats(conflicts)
    parts += notes
    if beginner:
        parts.append(P.BEGINNER_NOTE)
    parts.append(P.CLOSER[kind])
    text = "\n\n".join(p for p in parts if p)
    if len(text) > max_chars:  # drop the niceties before anything of substance
        keep = [p for p in parts if p not in (P.CLOSER[kind], P.BEGINNER_NOTE, P.APOLOGY)]
        text = "\n\n".join(keep)
    return text, conflicts, {"beginner": beginner, "caveats": notes}


def is_beginner(questions: list[dict[str, Any]], profile: dict[str, Any]) -> bool:
    """A beginner gets plain words instead of the creator's jargon."""
    tones = {q.get("tone", "neutral") for q in questions}
    return "beginner" in tones or profile.get("level") == "beginner"


def check_draft(
    answer: str,
    text: str,
    questions: list[dict[str, Any]],
    conflicts: list[dict[str, Any]],
    max_chars: int,
    min_confidence: float,
    member_level: float = 0.0,
) -> dict[str, Any]:
    """Validation, confidence and status of any draft (offline or LLM-written).

    A fan whose membership in the cluster is below ``member_level`` is held for review.
    """
    missing = sorted(facts(answer) - facts(text))
    problems = []
    if not answer.strip() or not text.strip():
        problems.append("empty canonical answer" if not answer.strip() else "empty draft")
    if len(text) > max_chars:
        problems.append(f"too long ({len(text)} > {max_chars} characters)")
    if missing:
        problems.append(f"drops facts of the canonical answer: {', '.join(missing)}")
    sims = [float(q.get("similarity", 1.0)) for q in questions] or [1.0]
    confidence = max(0.0, min(1.0, statistics.mean(sims)))
    # Whether the fan asked this cluster's question at all (calibrated, see
    # tools.clustering.membership_confidence): the surest of their questions counts.
    scored = [float(q["membership"]) for q in questions if q.get("membership") is not None]
    membership = max(scored) if scored else None
    if conflicts:
        confidence = max(0.0, confidence - 0.4)
    if problems:
        status = "rejected"
    elif conflicts or confidence < min_confidence:
        status = "needs_review"
    elif membership is not None and membership < member_level:
        status = "needs_review"  # the answer may be to a question this fan did not ask
    else:
        status = "ready"
    checks = {"conflicts": conflicts, "problems": problems,
              "similarity": round(statistics.mean(sims), 4),
              "membership": None if membership is None else round(membership, 4)}  # fmt: skip
    return {"status": status, "confidence": round(confidence, 3), "checks": checks}


def draft_for_fan(
    answer: str,
    questions: list[dict[str, Any]],
    profile: dict[str, Any],
    style: dict[str, Any],
    max_chars: int,
    min_confidence: float,
    member_level: float = 0.0,
) -> dict[str, Any]:
    """One fan's offline draft with its checks, confidence and status."""
    text, conflicts, adapted = compose(answer, questions, profile, style, max_chars)
    result = check_draft(
        answer, text, questions, conflicts, max_chars, min_confidence, member_level
    )
    result["checks"] = {**result["checks"], **adapted, "backend": "offline"}
    return {"text": text, **result}
