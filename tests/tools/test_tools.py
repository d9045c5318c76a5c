"""The order store, the tool calls, their spoken answers, and tool-call parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecli.bench.toolselection import ToolCallError, parse_tool_call
from voicecli.policy.intent import Intent, Routed
from voicecli.sim.backend import FaultyOrderStore
from voicecli.tools.calls import TOOLS, ToolError, apology, spoken_answer
from voicecli.tools.orders import OrderStore


def test_store_keeps_the_sample_and_scenario_rows_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "orders.sqlite"
    store = OrderStore.with_sample(path)
    store.seed([{"id": "9001", "status": "shipped", "eta": "Sunday"}])
    again = OrderStore.with_sample(path)  # reopening keeps rows and does not reset the sample
    assert again.get("9001") == {"id": "9001", "status": "shipped", "eta": "Sunday"}
    assert again.get("4219")["status"] == "delayed"
    assert again.get("0000") is None


def test_status_answer_speaks_the_facts() -> None:
    store = OrderStore.with_sample()
    facts = TOOLS["get_order_status"](store, "4219")
    assert spoken_answer("get_order_status", facts) == (
        "Your order 4219 is delayed with UPS. It should arrive tomorrow."
    )
    missing = TOOLS["get_order_status"](store, "1111")
    assert "can't find an order 1111" in spoken_answer("get_order_status", missing)


def test_side_effects_change_the_store_and_are_recorded() -> None:
    store = OrderStore.with_sample()
    assert TOOLS["cancel_order"](store, "7731") == {"id": "7731", "cancelled": "true"}
    assert store.get("7731")["status"] == "cancelled"
    refused = TOOLS["cancel_order"](store, "2258")  # delivered: too late to cancel
    assert spoken_answer("cancel_order", refused) == (
        "Order 2258 was already delivered, so I can't cancel it."
    )
    TOOLS["send_tracking_link"](store, "4219")
    assert store.actions() == [("cancel_order", "7731"), ("send_tracking_link", "4219")]


def test_a_failing_backend_raises_and_the_apology_offers_a_retry() -> None:
    store = FaultyOrderStore()
    store.seed([{"id": "6001", "status": "shipped", "fail": "true"}])
    with pytest.raises(ToolError, match="6001"):
        TOOLS["get_order_status"](store, "6001")
    assert apology("get_order_status", "6001") == (
        "Sorry, I couldn't check order 6001 just now. Shall I try again?"
    )
    assert store.actions() == []


@pytest.mark.parametrize(
    ("text", "routed"),
    [
        ('{"tool": "get_order_status", "order": "4219"}', Routed(Intent.ORDER_STATUS, "4219")),
        ('{"tool": "cancel_order", "order": "four two one nine"}', Routed(Intent.CANCEL, "4219")),
        ('{"tool": "start_return", "order": 2258}', Routed(Intent.RETURN, "2258")),
        ('{ "tool" : "none", "order" : "" }', Routed(Intent.OTHER, None)),
    ],
)
def test_parse_tool_call(text: str, routed: Routed) -> None:
    assert parse_tool_call(text) == routed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"tool": "get_order_status", "order": "42', "not JSON"),
        ('["get_order_status"]', "not a JSON object"),
        ('{"tool": "delete_everything", "order": "1"}', "unknown tool 'delete_everything'"),
        ('{"tool": "cancel_order", "order": ["4219"]}', "order must be a string"),
    ],
)
def test_bad_tool_calls_are_refused_by_name(text: str, message: str) -> None:
    with pytest.raises(ToolCallError, match=message):
        parse_tool_call(text)


def test_the_product_store_ignores_the_bench_fault_columns() -> None:
    store = OrderStore()
    store.seed([{"id": "6001", "status": "shipped", "fail": "true"}])
    assert TOOLS["get_order_status"](store, "6001")["status"] == "shipped"
