"""Check the evaluation datasets: the JSONL files in ``evals/datasets/`` are the source of truth.

Rows are edited by hand; this checks their shape against what the evaluation readers expect
(``intent_eval``, ``conflict_eval``, ``trajectory_eval``, ``search_eval``, ``split_eval``,
``scenario_eval``) plus what every row carries: a ``metadata.id`` unique in its file, the
``metadata.batch`` (an int) it was written in and the date it was ``written`` (YYYY-MM-DD).
Inputs, outputs and checks reject unknown keys (the readers would silently ignore a misspelt
one); metadata may carry more keys than listed here (the readers ignore them).

``python -m evals.validate [FILE ...]``: every dataset by default; exit code 1 on any problem.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

DATASETS = Path(__file__).parent / "datasets"
CATALOGS = DATASETS / "catalogs"


# -- references to other files -----------------------------------------------------------
@cache
def catalog_names() -> frozenset[str]:
    """Catalogs a scenario may name, resolved as ``scenario_eval.catalog_sources`` does."""
    ids = {"demo", "vendure"}
    for meta in CATALOGS.glob("*.creator.json"):
        ids.add(str(json.loads(meta.read_text(encoding="utf-8")).get("id")))
    return frozenset(ids)


@cache
def demo_source_ids() -> frozenset[str]:
    """``source_id`` of every product of the demo shop (search and conflict rows point at it)."""
    from app.demo import demo_catalog

    return frozenset(p["source_id"] for p in demo_catalog())


def _iso_date(value: str) -> str:
    if date.fromisoformat(value).isoformat() != value:
        raise ValueError("not a YYYY-MM-DD date")
    return value


def _known_catalog(value: str) -> str:
    if value not in catalog_names():
        raise ValueError(f"unknown catalog (known: {', '.join(sorted(catalog_names()))})")
    return value


def _demo_product(value: str) -> str:
    if value not in demo_source_ids():
        raise ValueError("no product with this source_id in the demo shop")
    return value


IsoDate = Annotated[str, AfterValidator(_iso_date)]
CatalogName = Annotated[str, AfterValidator(_known_catalog)]
DemoProduct = Annotated[str, AfterValidator(_demo_product)]
NonEmpty = Annotated[list[str], Field(min_length=1)]
Split = Literal["dev", "test"]
ConflictType = Literal[
    "dietary", "allergy", "injury", "level", "fit", "budget", "material", "safety"
]


class Shape(BaseModel):
    """Inputs, outputs and checks: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid")


class Meta(BaseModel):
    """What every row's metadata carries; other keys are allowed."""

    model_config = ConfigDict(extra="allow")

    id: str
    batch: int
    written: IsoDate


class SplitMeta(Meta):
    """Metadata of the sets halved into dev and test rows."""

    split: Split


# -- intents (evals/intent_eval.py) -------------------------------------------------------
class Entities(Shape):
    """The entity keys ``intent_eval.ENTITY_KEYS`` compares."""

    categories: list[str] = []
    sizes: list[str] = []
    colors: list[str] = []
    min_price: float | None = None
    max_price: float | None = None
    sort: Literal["relevance", "price_asc", "price_desc"] | None = None


class Question(Shape):
    """One focused question of a message."""

    text: str
    intent: Literal[
        "product_search", "variant_question", "price_inquiry", "comparison",
        "general_question", "support", "greeting", "other",
    ]  # fmt: skip
    entities: Entities


class IntentInputs(Shape):
    """A customer message."""

    text: str
    has_shown_products: bool


class IntentOutputs(Shape):
    """The message's questions, in order."""

    questions: list[Question] = Field(min_length=1)


class IntentMeta(SplitMeta):
    """Intents metadata."""

    multi_question: bool


class IntentRow(Shape):
    """A row of ``intents.jsonl``."""

    inputs: IntentInputs
    outputs: IntentOutputs
    metadata: IntentMeta

    @model_validator(mode="after")
    def _multi(self) -> IntentRow:
        if self.metadata.multi_question != (len(self.outputs.questions) > 1):
            raise ValueError("metadata.multi_question disagrees with the number of questions")
        return self


# -- conflicts (evals/conflict_eval.py) ---------------------------------------------------
class ConflictInputs(Shape):
    """A customer's messages, and a product (with some sizes) or a draft reply to check."""

    history: list[str]
    product_source_id: DemoProduct | None = None
    variant_sizes: list[str] | None = None
    draft: str | None = None


class ConflictOutputs(Shape):
    """The conflict types expected."""

    conflicts: list[ConflictType]


class ConflictRow(Shape):
    """A row of ``conflicts.jsonl``."""

    inputs: ConflictInputs
    outputs: ConflictOutputs
    metadata: SplitMeta


# -- trajectories (evals/trajectory_eval.py) ----------------------------------------------
class ToolCall(Shape):
    """An expected tool call with its key arguments (``product``: ``shown[i]``/``name:...``)."""

    name: Literal["search_products", "get_product_variants", "compare_products"]
    args: dict[str, Any]


class ExpectedTurn(Shape):
    """Tool calls and reply checks of one turn."""

    tool_calls: list[ToolCall]
    mention_any: list[str] | None = None
    must_not_mention: list[str] | None = None
    escalated: bool | None = None
    asks: bool | None = None


class TrajectoryInputs(Shape):
    """The customer's messages on one channel."""

    channel: Literal["dm", "comment"]
    turns: NonEmpty


class TrajectoryOutputs(Shape):
    """One expected turn per message."""

    turns: list[ExpectedTurn]


class TrajectoryRow(Shape):
    """A row of ``trajectories.jsonl``."""

    inputs: TrajectoryInputs
    outputs: TrajectoryOutputs
    metadata: SplitMeta

    @model_validator(mode="after")
    def _turns(self) -> TrajectoryRow:
        if len(self.inputs.turns) != len(self.outputs.turns):
            raise ValueError("inputs.turns and outputs.turns differ in length")
        return self


# -- search queries (evals/search_eval.py) ------------------------------------------------
class Filters(Shape):
    """The ``tools.search.SearchFilters`` keys rows use today (add one here when needed)."""

    min_price: float | None = None
    max_price: float | None = None
    colors: list[str] = []
    sizes: list[str] = []
    categories: list[str] = []
    tags: list[str] = []
    options: dict[str, list[str]] = {}


class SearchInputs(Shape):
    """A query with filters; multi-turn rows add the earlier messages and stated constraints."""

    query: str
    filters: Filters
    history: list[str] | None = None
    constraints: Filters | None = None


class SearchOutputs(Shape):
    """Demo-shop products graded exact (2) or substitute (1)."""

    exact: Annotated[list[DemoProduct], Field(min_length=1)]
    substitute: list[DemoProduct]


class SearchRow(Shape):
    """A row of ``search_queries.jsonl``."""

    inputs: SearchInputs
    outputs: SearchOutputs
    metadata: SplitMeta


# -- DM splits (evals/split_eval.py) ------------------------------------------------------
class SplitInputs(Shape):
    """A DM."""

    text: str


class SplitOutputs(Shape):
    """The text of every ask, and how many there are."""

    questions: list[str]
    n: int


class SplitMetaDM(Meta):
    """DM split metadata."""

    shop: str
    tags: list[str]


class DMSplitRow(Shape):
    """A row of ``dm_splits*.jsonl``."""

    inputs: SplitInputs
    outputs: SplitOutputs
    metadata: SplitMetaDM

    @model_validator(mode="after")
    def _count(self) -> DMSplitRow:
        if self.outputs.n != len(self.outputs.questions):
            raise ValueError("outputs.n is not the number of outputs.questions")
        return self


# -- scenarios (evals/scenario_eval.py, format in datasets/scenarios/README.md) ----------
class Check(Shape):
    """Fields every check may have: the 0-based turn it reads (default: the last)."""

    turn: int | None = Field(None, ge=0)


class NamesCheck(Check):
    """Recommended products against a list of names."""

    check: Literal["top_product", "recommends", "only", "excludes"]
    names: NonEmpty


class VariantCheck(Check):
    """The chosen variant's options."""

    check: Literal["variant", "honest_variant"]
    options: dict[str, str | list[str]]
    product: str | None = None


class AnswerCheck(Check):
    """A yes/no answer."""

    check: Literal["answer"]
    expect: Literal["yes", "no"]
    mentions: list[str] = []


class ConflictCheck(Check):
    """A conflict reported (or not) on a product."""

    check: Literal["conflict", "no_conflict"]
    product: str
    type: ConflictType | None = None


class NoResultCheck(Check):
    """Nothing matched, said honestly."""

    check: Literal["no_result"]


class EscalatedCheck(Check):
    """The escalation flag."""

    check: Literal["escalated"]
    value: bool


class ReplyHasCheck(Check):
    """The reply contains one of the strings."""

    check: Literal["reply_has"]
    any: NonEmpty


class QuestionsCheck(Check):
    """The number of questions the message was split into."""

    check: Literal["questions"]
    count: int = Field(ge=0)


AnyCheck = Annotated[
    NamesCheck | VariantCheck | AnswerCheck | ConflictCheck | NoResultCheck | EscalatedCheck
    | ReplyHasCheck | QuestionsCheck,
    Field(discriminator="check"),
]  # fmt: skip


class ScenarioInputs(Shape):
    """A catalog and one new customer's messages."""

    catalog: CatalogName
    turns: NonEmpty
    channel: Literal["dm", "comment"] | None = None


class ScenarioOutputs(Shape):
    """The checks."""

    checks: list[AnyCheck] = Field(min_length=1)


class ScenarioMeta(Meta):
    """Scenario metadata: ``kind`` groups checks in the report."""

    kind: Literal[
        "product", "variant", "honest_variant", "narrowing", "attribute", "conflict",
        "no_result", "routing", "splitting",
    ]  # fmt: skip
    author: str


class ScenarioRow(Shape):
    """A row of ``scenarios/*.jsonl``."""

    inputs: ScenarioInputs
    outputs: ScenarioOutputs
    metadata: ScenarioMeta

    @model_validator(mode="after")
    def _turn_index(self) -> ScenarioRow:
        for i, check in enumerate(self.outputs.checks):
            if check.turn is not None and check.turn >= len(self.inputs.turns):
                raise ValueError(f"outputs.checks.{i}.turn {check.turn} has no such turn")
        return self


# -- catalogs (evals/datasets/catalogs/*.creator.json) ------------------------------------
class CreatorMeta(BaseModel):
    """A committed catalog's creator file: its id, data file and format."""

    model_config = ConfigDict(extra="allow")

    id: str
    file: str
    format: Literal["csv", "json", "shopify", "shopify_csv"]


MODELS: dict[str, type[BaseModel]] = {
    "intents": IntentRow,
    "conflicts": ConflictRow,
    "trajectories": TrajectoryRow,
    "search_queries": SearchRow,
    "dm_splits": DMSplitRow,
    "scenarios": ScenarioRow,
}


def kind_of(path: Path) -> str | None:
    """The dataset kind a file holds, from where it lives and its name."""
    if path.name.endswith(".creator.json"):
        return "catalog"
    if path.suffix != ".jsonl":
        return None
    if path.parent.name == "scenarios":
        return "scenarios"
    if path.stem.startswith("dm_splits"):
        return "dm_splits"
    return path.stem if path.stem in MODELS else None


def _errors(where: str, err: ValidationError) -> list[str]:
    return [
        f"{where}: {'.'.join(str(p) for p in e['loc']) or 'row'}: {e['msg']}" for e in err.errors()
    ]


def _validate_creator(path: Path) -> list[str]:
    try:
        meta = CreatorMeta.model_validate_json(path.read_text(encoding="utf-8"), strict=True)
    except ValidationError as err:
        return _errors(path.name, err)
    if not (path.parent / meta.file).exists():
        return [f"{path.name}: file: {meta.file} not found"]
    return []


def validate(path: str | Path, kind: str | None = None) -> list[str]:
    """Problems found in one dataset file (``kind`` defaults to the one its path implies)."""
    path = Path(path)
    kind = kind or kind_of(path)
    if kind == "catalog":
        return _validate_creator(path)
    if kind not in MODELS:
        return [f"{path.name}: unknown dataset kind (not one of {', '.join(MODELS)})"]
    model = MODELS[kind]
    problems: list[str] = []
    seen: set[str] = set()
    rows = 0
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        rows += 1
        where = f"{path.name}:{n}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as err:
            problems.append(f"{where}: not JSON ({err.msg})")
            continue
        meta = raw.get("metadata") if isinstance(raw, dict) else None
        rid = meta.get("id") if isinstance(meta, dict) else None
        if isinstance(rid, str):
            if rid in seen:
                problems.append(f"{where}: metadata.id: duplicate {rid!r}")
            seen.add(rid)
        try:
            model.model_validate(raw, strict=True)
        except ValidationError as err:
            problems += _errors(where, err)
    if not rows:
        problems.append(f"{path.name}: no rows")
    return problems


def dataset_files(root: Path = DATASETS) -> list[Path]:
    """Every dataset under ``root``: the JSONL files and the catalogs' creator files."""
    return sorted([*root.rglob("*.jsonl"), *root.rglob("*.creator.json")])


def main(argv: list[str] | None = None) -> int:
    """Print every problem in the given files (default: all datasets); 1 if there is any."""
    args = sys.argv[1:] if argv is None else argv
    files = [Path(a) for a in args] or dataset_files()
    problems = [p for f in files for p in validate(f)]
    for p in problems:
        print(p)
    print(f"{len(files)} files checked, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
