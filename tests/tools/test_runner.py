"""The tool runner stage: shared read-only lookups, refused unconfirmed side effects, failures."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from voicecli.bus import EventBus
from voicecli.events import ToolPrefetch, ToolRequest, ToolResult
from voicecli.pipeline.toolrunner import ToolRunner
from voicecli.sim.backend import FaultyOrderStore
from voicecli.terms import ToolPhase


class CountingStore(FaultyOrderStore):
    """The real SQLite store (with the bench's slow and failing rows), counting lookups."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups = 0

    def get(self, order_id: str) -> dict[str, str] | None:
        self.lookups += 1
        return super().get(order_id)


@pytest.fixture
def store() -> CountingStore:
    store = CountingStore()
    store.seed(
        [
            {"id": "4219", "status": "delayed", "eta": "tomorrow", "delay_s": "0.3"},
            {"id": "6001", "status": "shipped", "fail": "true"},
            {"id": "7731", "status": "shipped", "eta": "Friday"},
        ]
    )
    return store


@pytest.fixture
def bus(store: CountingStore) -> Iterator[tuple[EventBus, ToolRunner]]:
    bus = EventBus(time.monotonic)
    runner = ToolRunner(bus, store)
    runner.start()
    yield bus, runner
    runner.stop()
    runner.join(timeout=5)


def results(bus: EventBus, requests: list[ToolRequest | ToolPrefetch]) -> list[ToolResult]:
    watch = bus.subscribe((ToolResult,), "test")
    for request in requests:
        bus.publish(request)
    out = []
    while len(out) < len(requests):
        event = watch.get(timeout=10)
        assert event is not None, f"no result after {out}"
        out.append(event)
    return sorted(out, key=lambda r: r.call_id)


def request(call_id: int, tool: str, order: str, phase: str, gen: int = 1) -> ToolRequest:
    return ToolRequest(0.0, gen, call_id, tool, order, ToolPhase(phase))


def test_commit_shares_the_prefetched_lookup(bus, store: CountingStore) -> None:
    prefetch, committed = results(
        bus[0],
        [
            ToolPrefetch(0.0, "get_order_status", "4219"),
            request(2, "get_order_status", "4219", "committed"),
        ],
    )
    assert prefetch.ok and committed.ok and committed.cached
    assert committed.facts == prefetch.facts and committed.facts["status"] == "delayed"
    assert store.lookups == 1


def test_an_unconfirmed_side_effect_is_refused(bus, store: CountingStore) -> None:
    (refused,) = results(bus[0], [request(1, "cancel_order", "7731", "committed")])
    assert not refused.ok and "needs confirmation" in refused.error
    assert store.get("7731")["status"] == "shipped" and store.actions() == []
    (done,) = results(bus[0], [request(2, "cancel_order", "7731", "confirmed")])
    assert done.ok and done.facts == {"id": "7731", "cancelled": "true"}
    assert store.actions() == [("cancel_order", "7731")]


def test_a_failure_is_reported_and_not_remembered(bus, store: CountingStore) -> None:
    first, second = results(
        bus[0],
        [
            request(1, "get_order_status", "6001", "committed"),
            request(2, "get_order_status", "7731", "committed"),
        ],
    )
    assert not first.ok and "did not answer for 6001" in first.error
    assert second.ok
    (retry,) = results(bus[0], [request(3, "get_order_status", "6001", "committed")])
    assert not retry.ok and not retry.cached, "a failed lookup is asked again, not replayed"
