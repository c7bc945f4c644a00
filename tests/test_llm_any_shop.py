"""The LLM back-end gets the shop's own options: scripted fake models on a non-demo catalog.

The agent's system prompt carries the creator's option names and values, the ``catalog_facets``
tool returns them in full, and a filter the model builds on an option the shop invented
("frame size") reaches the search through the real ToolNode and HTTP API.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage

from app.local_client import admin_client
from app.services import open_services
from app.settings import Settings
from memory.importers import import_catalog
from memory.schemas import CreatorIn
from nodes.llm_backend import LLMAnalysis, LLMBackend, LLMQuestion
from tests.fakes import ScriptedChatModel, from_tool_results, tool_call
from tools.catalog_tools import CATALOG_TOOLS

CATALOGS = Path(__file__).resolve().parents[1] / "evals" / "datasets" / "catalogs"


def _outdoor(data_dir: Path) -> None:
    meta = json.loads((CATALOGS / "outdoor.creator.json").read_text(encoding="utf-8"))
    data = (CATALOGS / meta.pop("file")).read_text(encoding="utf-8")
    fmt = meta.pop("format")
    svc = open_services(Settings(data_dir=data_dir))
    svc.catalog.create_creator(CreatorIn(**meta))
    assert not import_catalog(svc.catalog, meta["id"], data, fmt=fmt).errors
    svc.close()


def test_the_model_sees_and_uses_the_shops_own_options(tmp_path: Path) -> None:
    _outdoor(tmp_path)
    seen: dict[str, Any] = {}

    def search_by_frame_size(messages: list[BaseMessage]) -> AIMessage:
        seen["system"] = str(messages[0].content)
        return tool_call(
            "search_products",
            {"query": "carbon road bike", "options": {"frame size": ["56cm"]}, "limit": 2},
        )

    def answer(tool_msgs: list[Any]) -> str:
        facets = next(m.artifact for m in tool_msgs if m.name == "catalog_facets")
        seen["facets"] = facets["facets"]
        hit = next(m.artifact for m in tool_msgs if m.name == "search_products")["products"][0]
        return f"The {hit['name']} comes in 56cm: {hit['url']}"

    model = ScriptedChatModel(
        model_name="shop-aware",
        structured={
            "LLMAnalysis": [
                LLMAnalysis(
                    questions=[
                        LLMQuestion(text="carbon road bike in a 56?", intent="product_search")
                    ]
                )
            ]
        },  # fmt: skip
        replies=[tool_call("catalog_facets", {}), search_by_frame_size, from_tool_results(answer)],
    )
    backend = LLMBackend(models=[model], specs=["fake:shop-aware"], max_retries=1,
                         tools=CATALOG_TOOLS)  # fmt: skip
    settings = Settings(data_dir=tmp_path)
    with admin_client(settings, services=open_services(settings, llm=backend)) as c:
        out = c.post(
            "/v1/creators/outdoor/conversations/llm1/messages",
            json={"text": "carbon road bike in a 56?"},
        ).json()
        # the prompt names the options this shop invented, with their values
        assert '"frame size"' in seen["system"] and "56cm" in seen["system"]
        assert "groupset" in seen["facets"]["options"]
        assert "Strada Carbon Road Bike" in out["reply"]
        top = out["products"][0]
        variants = c.get(f"/v1/creators/outdoor/products/{top['product_id']}/variants").json()
        chosen = next(v for v in variants["variants"] if v["variant_id"] == top["variant_id"])
        assert {k.lower(): v for k, v in chosen["options"].items()}["frame size"] == "56cm"
