"""Fan-out speed (part of ``make bench``): analysis of 1,000 fan messages and 1,000 drafts.

1,000 fans ask the same question in varied words (every 10th says they are vegan); clusters
found for it are merged into one, so one answer fans out to 1,000 chats through the compiled
graph (Send per chat, SQLite checkpointer) until its approvals pause it.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.services import open_services
from app.settings import Settings
from bench.fans import FAMILIES
from memory.inbox import MessageIn
from memory.schemas import CreatorIn
from nodes.offline.drafting import creator_style, draft_for_fan

ANSWER = (
    "I'd go with whey isolate: 25 g within an hour after training. Use code MAYA10 for 10% off. "
    "Progressive overload matters more than the powder though 💪"
)


def bench_fanout(n: int = 1000) -> dict[str, Any]:
    """Ingest + analysis throughput, then one fan-out to ``n`` chats."""
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Settings(data_dir=Path(tmp), recluster_interval_s=0))
        assert svc.inbox is not None and svc.clusters is not None and svc.fanout is not None
        svc.catalog.create_creator(CreatorIn(id="bench", name="Bench"))
        rng = random.Random(11)
        t = datetime(2026, 11, 20, 9, tzinfo=UTC)
        items = []
        for i in range(n):  # one popular question in varied words; every 10th fan is vegan
            fan = f"fan-{i:04d}"
            text = rng.choice(FAMILIES["protein"])
            if i % 10 == 0:
                text = f"I'm vegan btw. {text}"
            items.append(MessageIn(fan, f"ig:{fan}", text, t + timedelta(seconds=i)))
        t0 = time.perf_counter()
        report = svc.inbox.ingest("bench", items, analyse_now=True)
        analyse_s = time.perf_counter() - t0
        page = svc.clusters.store.list_clusters("bench", None, "size", 10_000, 0)
        ids = [c["id"] for c in page["items"]]
        svc.clusters.merge("bench", ids, "everything")
        t1 = time.perf_counter()
        summary = svc.fanout.start("bench", ids[0], ANSWER)
        fanout_s = time.perf_counter() - t1
        drafts = sum(summary["drafts"].values())
        detail = svc.clusters.store.get_cluster("bench", ids[0])
        svc.close()
    questions = [{"text": q["text"], "tone": q["tone"], "urgency": q["urgency"],
                  "similarity": q["similarity"]} for q in detail["questions"]]  # fmt: skip
    style = creator_style([ANSWER])
    runs = []
    for _ in range(3):
        t_run = time.perf_counter()
        for q in questions:
            draft_for_fan(ANSWER, [q], {"diet": ["vegan"]}, style, 1000, 0.55)
        runs.append(time.perf_counter() - t_run)
    return {
        "messages": len(items),
        "questions": report["questions"],
        "analyse_s": round(analyse_s, 2),
        "analyse_messages_per_s": round(len(items) / analyse_s, 1),
        "clusters_before_merge": len(ids),
        "drafts": drafts,
        "drafts_by_status": summary["drafts"],
        "pending_approvals": len(summary["pending_approvals"]),
        "fanout_s": round(fanout_s, 2),
        "drafts_per_s": round(drafts / fanout_s, 1),
        "drafting_only_ms_per_draft_median": round(
            statistics.median(runs) / max(1, len(questions)) * 1000, 3
        ),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(bench_fanout(), indent=2))
