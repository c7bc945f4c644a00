"""Fans' questions grouped into clusters, and the clusters the creator already answered.

Questions are assigned to a cluster incrementally as they arrive (running centroids per
creator), re-clustered in batch (Leiden at the most stable resolution) on demand or on a
schedule (ids stay stable, answered clusters keep their members), and searched by meaning
when the agent looks for an answer the creator already wrote. Rows live in
``memory/inbox.py``; vectors in Chroma.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from memory.catalog import BadRequestError, NotFoundError
from memory.embeddings import MiniLMEmbeddings
from memory.fanout import ClusterGeneration, FanQuestion, QuestionCluster
from memory.inbox import InboxStore, MessageIn, auto_title
from memory.models import utcnow
from memory.vectors import VectorStore
from tools.clustering import (
    IdFactory,
    assign_on_arrival,
    centroids,
    cluster_questions,
    confident_level,
    membership_against,
    membership_confidence,
    merge_suggestions,
    stable_ids,
    summarise,
    titles,
)

log = logging.getLogger("dmpilot.clusters")
KIND = "questions"  # Chroma collection kind
Namer = Callable[[list[tuple[list[str], str]]], list[str | None]]


def _labels(x: np.ndarray) -> np.ndarray:
    """Batch labels: the most stable resolution; one or two questions are each their own."""
    if len(x) >= 3:
        return cluster_questions(x)[0]
    return np.arange(len(x), dtype=np.int64)


class QuestionClusters:
    """Clustering of every creator's questions and search of the answered clusters."""

    BACKLOG_SHARE = 0.05  # unplaced arrivals, as a share of placed questions, before a batch run
    TITLE_REFRESH_MAX = 2000  # above this, keyword titles are left to batch re-clustering
    NAME_MIN_SIZE = 3  # smaller clusters keep their keyword title (not worth a model call)
    RENAME_GROWTH = 1.5  # an LLM-named cluster is named again once it grew by half

    def __init__(
        self,
        store: InboxStore,
        vectors: VectorStore,
        embedder: MiniLMEmbeddings,
        batch_size: int = 10,
        namer: Namer | None = None,
    ) -> None:
        self.store = store
        self.sessions = store.sessions
        self.vectors = vectors
        self.embedder = embedder
        self.batch_size = batch_size
        self.namer = namer  # LLM cluster names (None: keyword titles only)
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._executor: ThreadPoolExecutor | None = None
        self._due: defaultdict[str, set[str]] = defaultdict(set)  # chats to cluster, per creator
        self._queued: set[str] = set()  # creators with a background job not yet started
        self._due_guard = threading.Lock()
        # Per creator: (generation token, cluster ids, centroid sums, sizes) as last read or
        # written here; valid while SQL holds the same token (``ClusterGeneration``).
        self._centroids: dict[str, tuple[str, list[str], np.ndarray, np.ndarray]] = {}

    def lock(self, creator_id: str) -> threading.Lock:
        """One writer of a creator's clusters at a time (ingest, re-clustering, merge, split)."""
        return self._locks[creator_id]

    # -- the conversation path --------------------------------------------------------------
    def record(self, creator_id: str, message: MessageIn, tagged: list[dict[str, Any]]) -> None:
        """Store a conversation message and its tagged questions; cluster them in batches.

        Message and questions are stored now (durable before the reply returns); embedding and
        clustering run in the background every ``batch_size`` messages of the chat. If the
        process dies first, the questions stay unclustered and the next batch or ``/end``
        picks them up.
        """
        seen = self.store.record(creator_id, message, tagged)
        if seen % self.batch_size == 0:  # every N messages of the conversation
            # Chats that are due wait in one queue per creator: while a job runs, the chats
            # that come due meanwhile are clustered together (one embedding batch, one Chroma
            # upsert) instead of one job each.
            with self._due_guard:
                self._due[creator_id].add(message.chat_id)
                if creator_id in self._queued:
                    return
                self._queued.add(creator_id)
            self._background().submit(self._cluster_quietly, creator_id)

    def _cluster_quietly(self, creator_id: str) -> None:
        with self._due_guard:
            chats = sorted(self._due.pop(creator_id, set()))
            self._queued.discard(creator_id)
        try:
            self.cluster_pending(creator_id, chats, background=True)
        except Exception:  # noqa: BLE001 - the questions stay unclustered and are retried later
            log.exception("background clustering failed for %s %s", creator_id, chats)

    def cluster_pending(
        self, creator_id: str, chats: Sequence[str], background: bool = False
    ) -> int:
        """Embed and cluster the stored questions of ``chats`` that have no cluster yet."""
        with self.lock(creator_id), self.sessions.begin() as s:
            qs = self.store.unclustered(s, creator_id, chats)
            # Keyword titles wait for /end or the scheduled re-clustering (c-TF-IDF over every
            # question is the costly part, and this runs next to live conversations).
            self.embed_and_assign(s, creator_id, qs, titles=not background)
        self.settle(creator_id)
        return len(qs)

    def settle(self, creator_id: str) -> bool:
        """Re-cluster in batch when enough questions wait unplaced; True when it ran.

        Arrivals join a cluster only when a batch run would have put them there (calibrated
        membership); the others wait. They are re-clustered with everything else once they
        are ``BACKLOG_SHARE`` of the placed questions (at once while there is no cluster), so
        what the dashboard shows is what a batch run gives.
        """
        with self.sessions() as s:
            waiting, placed = self.store.backlog(s, creator_id)
        if waiting and waiting >= max(1.0, self.BACKLOG_SHARE * placed):
            self.recluster(creator_id)
            return True
        return False

    def embed_and_assign(
        self, s: Session, creator_id: str, qs: list[FanQuestion], titles: bool = True
    ) -> None:
        """Embed new questions, store their vectors and give each a cluster (same session)."""
        if not qs:
            return
        vecs = self.embedder.encode([q.text for q in qs])
        self.vectors.upsert(
            creator_id, [str(q.id) for q in qs], vecs,
            [{"chat_id": q.chat_id, "topic": q.topic} for q in qs], kind=KIND,
        )  # fmt: skip
        self._assign(s, creator_id, qs, vecs, titles)

    def _background(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="dmpilot-inbox")
        return self._executor

    def flush(self) -> None:
        """Wait until the background clustering queued so far has run."""
        if self._executor is not None:
            self._executor.submit(lambda: None).result()

    def close(self) -> None:
        """Finish queued background clustering."""
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None

    # -- incremental assignment -------------------------------------------------------------
    def _assign(
        self,
        s: Session,
        creator_id: str,
        questions: list[FanQuestion],
        vecs: np.ndarray,
        refresh_titles: bool = True,
    ) -> None:
        """Place arrivals against the clusters' centroids held in SQL (``assign_on_arrival``).

        Unplaced questions keep no cluster and a membership of 0 (scored, waiting for the batch
        run ``settle`` starts); placed ones update their cluster's centroid in this transaction.
        """
        ids, sums, sizes = self._load_centroids(s, creator_id, vecs.shape[1])
        touched: set[int] = set()
        try:  # the cached arrays change in place: any failure drops them
            placed = assign_on_arrival(vecs.astype(np.float32), sums, sizes, confident_level())
            for q, (row, sim, p) in zip(questions, placed, strict=True):
                if row is None:
                    q.cluster_id, q.membership = None, 0.0
                    continue
                q.cluster_id, q.similarity, q.membership = ids[row], round(sim, 4), round(p, 4)
                touched.add(row)
            now = utcnow()
            for row in touched:
                s.execute(
                    update(QuestionCluster)
                    .where(QuestionCluster.creator_id == creator_id, QuestionCluster.id == ids[row])
                    .values(centroid=sums[row].tobytes(), members=int(sizes[row]), updated_at=now)
                )
            if touched:
                # A rollback leaves SQL with the old token, so this entry is never used then.
                self._centroids[creator_id] = (self._bump(s, creator_id), ids, sums, sizes)
        except BaseException:
            self._centroids.pop(creator_id, None)
            raise
        s.flush()
        if refresh_titles and touched:
            self._refresh_titles(s, creator_id, {ids[r] for r in touched})

    def _load_centroids(
        self, s: Session, creator_id: str, dim: int
    ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """Cluster ids, centroid sums and sizes: cached while the generation token holds."""
        token = s.scalar(
            select(ClusterGeneration.token).where(ClusterGeneration.creator_id == creator_id)
        )
        cached = self._centroids.get(creator_id)
        if token is not None and cached is not None and cached[0] == token:
            return cached[1], cached[2], cached[3]
        rows = s.execute(
            select(QuestionCluster.id, QuestionCluster.centroid, QuestionCluster.members).where(
                QuestionCluster.creator_id == creator_id,
                QuestionCluster.centroid.is_not(None),
                QuestionCluster.members > 0,
            )
        ).all()
        sums = (
            np.stack([np.frombuffer(c or b"", dtype=np.float32) for _, c, _ in rows]).copy()
            if rows
            else np.zeros((0, dim), dtype=np.float32)
        )
        sizes = np.array([m for _, _, m in rows], dtype=np.int64)
        ids = [str(i) for i, _, _ in rows]
        self._centroids[creator_id] = (token or self._bump(s, creator_id), ids, sums, sizes)
        return ids, sums, sizes

    def _bump(self, s: Session, creator_id: str) -> str:
        """A new generation token: every worker's cached centroids of this creator are stale."""
        token = uuid.uuid4().hex
        row = s.get(ClusterGeneration, creator_id)
        if row is None:
            s.add(ClusterGeneration(creator_id=creator_id, token=token))
        else:
            row.token = token
        self._centroids.pop(creator_id, None)
        return token

    def _refresh_titles(self, s: Session, creator_id: str, clusters: set[str]) -> None:
        """c-TF-IDF titles against the creator's other clusters (unless a person renamed it)."""
        placed = select(FanQuestion.id).where(
            FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.is_not(None)
        )
        if (
            s.scalar(
                select(func.count()).select_from(
                    placed.limit(self.TITLE_REFRESH_MAX + 1).subquery()
                )
            )
            or 0
        ) > self.TITLE_REFRESH_MAX:
            return  # too many to retitle on each arrival: the batch run names them
        rows = s.execute(
            select(FanQuestion.text, FanQuestion.cluster_id)
            .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.is_not(None))
            .limit(self.TITLE_REFRESH_MAX + 1)
        ).all()
        if not rows or len(rows) > self.TITLE_REFRESH_MAX:
            return
        order = sorted({str(c) for _, c in rows})
        index = {c: i for i, c in enumerate(order)}
        names = titles([t for t, _ in rows], np.array([index[str(c)] for _, c in rows]))
        for cid in clusters:
            cl = s.get(QuestionCluster, (creator_id, cid))
            if cl is not None and auto_title(cl) and names.get(index.get(cid, -1)):
                cl.title = names[index[cid]][:200]
                cl.updated_at = utcnow()

    def forget_creator(self, creator_id: str) -> None:
        """Drop a deleted creator's in-memory clustering state."""
        with self.lock(creator_id):
            self._due.pop(creator_id, None)
            self._centroids.pop(creator_id, None)

    def forget(self, creator_id: str, clusters: set[str]) -> None:
        """Clusters after a fan's questions were deleted: empty pending ones go, others retitle.

        Titles come from the questions left and the centroids are rebuilt, so nothing shown
        or matched later is made of the deleted fan's words.
        """
        with self.lock(creator_id), self.store.sessions.begin() as s:
            for cid in clusters:
                cl = s.get(QuestionCluster, (creator_id, cid))
                left = s.scalar(
                    select(func.count()).where(
                        FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cid
                    )
                )
                if cl is not None and not left and cl.status == "pending":
                    s.delete(cl)
                elif cl is not None and auto_title(cl):
                    cl.title = ""  # refreshed below from the questions left
            self._refresh_titles(s, creator_id, clusters)
            s.flush()
            self._rescore(s, creator_id, sorted(clusters))  # centroids without their words

    # -- answered clusters (the agent learns from them) -------------------------------------
    def has_answers(self, creator_id: str) -> bool:
        """Whether the creator answered any cluster yet (the planner skips the lookup if not)."""
        return self.store.has_answers(creator_id)

    def search_answered(self, creator_id: str, text: str, k: int = 10) -> list[dict[str, Any]]:
        """Answered clusters nearest to ``text`` (best first) with the creator's answer."""
        n = self.vectors.count(creator_id, kind=KIND)
        if not n:
            return []
        vec = self.embedder.encode([text])[0]
        hits = self.vectors.query(creator_id, vec, k, kind=KIND, count=n)
        with self.sessions() as s:
            rows = dict(
                s.execute(
                    select(FanQuestion.id, FanQuestion.cluster_id).where(
                        FanQuestion.creator_id == creator_id,
                        FanQuestion.id.in_([int(i) for i, _ in hits]),
                    )
                ).all()
            )
            best: dict[str, float] = {}
            for qid, sim in hits:
                cid = rows.get(int(qid))
                if cid and sim > best.get(cid, -1.0):
                    best[cid] = sim
            clusters = {
                c.id: c
                for c in s.scalars(
                    select(QuestionCluster).where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.id.in_(list(best)),
                        QuestionCluster.answer.is_not(None),
                    )
                )
            }
        return [
            {"cluster_id": cid, "title": clusters[cid].title, "answer": clusters[cid].answer,
             "similarity": round(sim, 4)}
            for cid, sim in sorted(best.items(), key=lambda kv: -kv[1])
            if cid in clusters
        ]  # fmt: skip

    # -- batch re-clustering ----------------------------------------------------------------
    def recluster(
        self, creator_id: str, progress: Callable[[int, int, str], None] | None = None
    ) -> dict[str, Any]:
        """Leiden over every question; ids stay stable, answered and curated clusters stay.

        The clustering itself (seconds: the stability search) runs before the write
        transaction, so live turns and arrivals are not held behind it; if other workers
        changed the free questions meanwhile, it runs again inside. ``progress(step, 4,
        stage)`` before each of its four steps.
        """
        say = progress or (lambda step, total, stage: None)
        with self.lock(creator_id):
            say(0, 4, "reading the questions")
            stored = self.vectors.get_all(creator_id, kind=KIND)  # read once for both passes
            with self.sessions() as s:
                ids, vecs, _, free = self._free_questions(s, creator_id, stored)
            say(1, 4, f"clustering {len(free)} questions")
            planned = ([ids[i] for i in free], _labels(vecs[free]))
            say(2, 4, "saving the clusters")
            with self.sessions.begin() as s:
                out = self._apply_recluster(s, creator_id, stored, planned)
        say(3, 4, "naming the clusters")
        out["named"] = self.name_clusters(creator_id) if out["questions"] else 0
        say(4, 4, "done")
        return out

    @staticmethod
    def _free_questions(
        s: Session, creator_id: str, stored: tuple[list[str], np.ndarray]
    ) -> tuple[list[str], np.ndarray, dict[int, FanQuestion], list[int]]:
        """Stored vectors whose question still exists, its rows; positions not in answered clusters.

        Questions embedded after ``stored`` was read are left to the next batch run.
        """
        ids, vecs = stored
        qs = {
            q.id: q
            for q in s.scalars(select(FanQuestion).where(FanQuestion.creator_id == creator_id))
        }
        keep = [i for i, qid in enumerate(ids) if int(qid) in qs]
        ids, vecs = [ids[i] for i in keep], vecs[keep] if keep else vecs[:0]
        frozen = set(
            s.scalars(
                select(QuestionCluster.id).where(
                    QuestionCluster.creator_id == creator_id,
                    (QuestionCluster.status != "pending") | QuestionCluster.curated.is_(True),
                )
            )
        )
        # Questions of answered clusters stay put: their fans may already have drafts. So do
        # those of clusters a person renamed, merged or split: their judgement outranks ours.
        free = [i for i, qid in enumerate(ids) if qs[int(qid)].cluster_id not in frozen]
        return ids, vecs, qs, free

    def _apply_recluster(
        self,
        s: Session,
        creator_id: str,
        stored: tuple[list[str], np.ndarray],
        planned: tuple[list[str], np.ndarray],
    ) -> dict[str, Any]:
        """Write a re-clustering (``planned``: free question ids and their labels) in ``s``."""
        ids, vecs, qs, free = self._free_questions(s, creator_id, stored)
        if not ids:
            return {"questions": 0, "clusters": 0, "merge_suggestions": []}
        if free:
            same = planned[0] == [ids[i] for i in free]
            labels = planned[1] if same else _labels(vecs[free])
            existing = list(
                s.scalars(
                    select(QuestionCluster.id).where(QuestionCluster.creator_id == creator_id)
                )
            )
            old = [qs[int(ids[i])].cluster_id for i in free]
            new_ids = stable_ids(labels, old, IdFactory("c", existing))
            for i, cid in zip(free, new_ids, strict=True):
                qs[int(ids[i])].cluster_id = cid
            for cid in set(new_ids) - set(existing):
                s.add(QuestionCluster(creator_id=creator_id, id=cid))
            s.flush()
        labels_all = [qs[int(q)].cluster_id or "" for q in ids]
        order = sorted(set(labels_all))
        position = {c: i for i, c in enumerate(order)}
        lab = np.array([position[c] for c in labels_all])
        cent = centroids(vecs, lab)
        sims = np.einsum("ij,ij->i", vecs, cent[lab])
        sure = membership_confidence(vecs, lab)
        for qid, sim, p in zip(ids, sims, sure, strict=True):
            qs[int(qid)].similarity = round(float(sim), 4)
            qs[int(qid)].membership = round(float(p), 4)
        summaries = summarise(vecs, [qs[int(q)].text for q in ids], lab)
        sums = np.zeros((len(order), vecs.shape[1]), dtype=np.float32)
        np.add.at(sums, lab, vecs.astype(np.float32))
        sizes = np.bincount(lab, minlength=len(order))
        for sm in summaries:
            cl = s.get(QuestionCluster, (creator_id, order[sm.label]))
            if cl is not None:
                cl.centroid = sums[sm.label].tobytes()
                cl.members = int(sizes[sm.label])
                cl.cohesion = sm.cohesion
                if auto_title(cl):
                    cl.title = sm.title[:200] or cl.title
                cl.updated_at = utcnow()
        self._bump(s, creator_id)
        # Clusters left without questions disappear (unless a person answered them).
        used = set(labels_all)
        s.execute(
            delete(QuestionCluster).where(
                QuestionCluster.creator_id == creator_id,
                QuestionCluster.id.not_in(used),
                QuestionCluster.status == "pending",
            )
        )
        pairs = merge_suggestions(cent)
        return {
            "questions": len(ids),
            "clusters": len(order),
            "merge_suggestions": [
                {"clusters": [order[a], order[b]], "similarity": sim} for a, b, sim in pairs[:20]
            ],
        }

    def name_clusters(self, creator_id: str) -> int:
        """Short LLM names for clusters that are new or grew; keyword titles stay on failure.

        Runs outside the inbox lock and the transaction: model calls are slow, and a person's
        rename in the meantime wins.
        """
        if self.namer is None:
            return 0
        with self.sessions() as s:
            stats = self.store.stats(s, creator_id)
            todo = [
                (c.id, c.title, stats[c.id]["size"])
                for c in s.scalars(
                    select(QuestionCluster).where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.title_locked.is_(False),
                    )
                )
                if stats.get(c.id, {}).get("size", 0) >= self.NAME_MIN_SIZE
                and (c.named_size is None
                     or stats[c.id]["size"] >= self.RENAME_GROWTH * c.named_size)
            ]  # fmt: skip
            reps = self.store.representatives(s, creator_id, [c for c, _, _ in todo], per_cluster=8)
        if not todo:
            return 0
        names = self.namer([(reps[cid], title) for cid, title, _ in todo])
        named = 0
        with self.sessions.begin() as s:
            for (cid, _, size), name in zip(todo, names, strict=True):
                cl = s.get(QuestionCluster, (creator_id, cid))
                if name and cl is not None and not cl.title_locked:
                    cl.title, cl.named_size, cl.updated_at = name[:200], size, utcnow()
                    named += 1
        return named

    # -- a person's corrections -------------------------------------------------------------
    def merge(self, creator_id: str, cluster_ids: list[str], title: str | None) -> dict[str, Any]:
        """Move the questions of the other clusters into the first one."""
        target, *others = cluster_ids
        with self.lock(creator_id), self.sessions.begin() as s:
            for cid in cluster_ids:
                if self.store.cluster(s, creator_id, cid).status != "pending":
                    raise BadRequestError(
                        f"cluster '{cid}' is already answered; only pending merge"
                    )
            for q in s.scalars(
                select(FanQuestion).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(others)
                )
            ):
                q.cluster_id = target
            s.execute(
                delete(QuestionCluster).where(
                    QuestionCluster.creator_id == creator_id, QuestionCluster.id.in_(others)
                )
            )
            cl = self.store.cluster(s, creator_id, target)
            cl.curated = True
            if title:
                cl.title, cl.title_locked = title, True
            s.flush()
            self._rescore(s, creator_id, [target])
        return self.store.get_cluster(creator_id, target)

    def split(
        self, creator_id: str, cluster_id: str, question_ids: list[int], title: str | None
    ) -> dict[str, Any]:
        """Move some questions of a pending cluster into a new cluster."""
        with self.lock(creator_id), self.sessions.begin() as s:
            cl = self.store.cluster(s, creator_id, cluster_id)
            if cl.status != "pending":
                raise BadRequestError(
                    f"cluster '{cluster_id}' is already answered; only pending split"
                )
            qs = list(
                s.scalars(
                    select(FanQuestion).where(
                        FanQuestion.creator_id == creator_id,
                        FanQuestion.cluster_id == cluster_id,
                        FanQuestion.id.in_(question_ids),
                    )
                )
            )
            missing = set(question_ids) - {q.id for q in qs}
            if missing:
                raise NotFoundError(f"questions not in cluster '{cluster_id}': {sorted(missing)}")
            total = s.scalar(
                select(func.count()).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cluster_id
                )
            )
            if len(qs) >= (total or 0):
                raise BadRequestError("a split must leave at least one question in the cluster")
            existing = list(
                s.scalars(
                    select(QuestionCluster.id).where(QuestionCluster.creator_id == creator_id)
                )
            )
            new_id = IdFactory("c", existing)()
            cl.curated = True
            s.add(
                QuestionCluster(
                    creator_id=creator_id, id=new_id, title=title or qs[0].text[:200],
                    title_locked=bool(title), curated=True,
                )
            )  # fmt: skip
            for q in qs:
                q.cluster_id = new_id
            s.flush()
            self._rescore(s, creator_id, [cluster_id, new_id])
        return self.store.get_cluster(creator_id, new_id)

    def _rescore(self, s: Session, creator_id: str, cluster_ids: Sequence[str]) -> None:
        """Similarity of each question to its (changed) cluster's centroid."""
        qs = list(
            s.scalars(
                select(FanQuestion).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(cluster_ids)
                )
            )
        )
        if not qs:
            return
        got = self.vectors.collection(creator_id, KIND).get(
            ids=[str(q.id) for q in qs], include=["embeddings"]
        )
        vec = dict(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32), strict=True))
        groups: dict[str, np.ndarray] = {}
        for cid in cluster_ids:
            members = [q for q in qs if q.cluster_id == cid and str(q.id) in vec]
            if not members:
                continue
            x = np.stack([vec[str(q.id)] for q in members])
            groups[cid] = x
            total = x.sum(axis=0)
            cl = s.get(QuestionCluster, (creator_id, cid))
            if cl is not None:  # the centroid arrivals are placed against
                cl.centroid, cl.members = total.astype(np.float32).tobytes(), len(members)
            c = total / max(float(np.linalg.norm(total)), 1e-12)
            for q, sim in zip(members, x @ c, strict=True):
                q.similarity = round(float(sim), 4)
        s.flush()
        if not groups:
            return
        self._bump(s, creator_id)
        # Membership against every cluster, as a batch run scores it: a question merged into a
        # cluster that asks something else is held for review, not drafted from its answer.
        rows = list(
            s.scalars(
                select(QuestionCluster).where(
                    QuestionCluster.creator_id == creator_id,
                    QuestionCluster.centroid.is_not(None),
                    QuestionCluster.members > 0,
                )
            )
        )
        where = {r.id: i for i, r in enumerate(rows)}
        sums = np.stack([np.frombuffer(r.centroid or b"", dtype=np.float32) for r in rows])
        for cid, x in groups.items():
            members = [q for q in qs if q.cluster_id == cid and str(q.id) in vec]
            for q, p in zip(members, membership_against(x, where[cid], sums), strict=True):
                q.membership = round(float(p), 4)
