"""Tool runner stage: executes tool calls off the conversation's threads, with a time limit.

Read-only calls are shared: a committed lookup of an order that a prefetch is already fetching
(or fetched in the last few seconds) takes that result instead of asking again. Side effects are
never shared or prefetched — the commit rules only send them after an explicit yes, and the
runner refuses one that arrives in any other phase. Every call is published as a ToolResult,
with its phase (prefetch / committed / confirmed): that is the session log's record of it.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor

from voicecli.bus import EventBus
from voicecli.events import Event, ToolPrefetch, ToolRequest, ToolResult
from voicecli.pipeline.stage import Stage
from voicecli.terms import ToolPhase
from voicecli.tools.calls import READ_ONLY_TOOLS, TOOLS, ToolError
from voicecli.tools.orders import OrderStore

CACHE_S = 15.0


class ToolRunner(Stage):
    """Runs ToolRequests on a small thread pool and publishes their results."""

    def __init__(self, bus: EventBus, store: OrderStore) -> None:
        super().__init__(bus, "tools", (ToolRequest, ToolPrefetch))
        self.store = store
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tool")
        self.shared: dict[tuple[str, str], tuple[float, Future[dict[str, str]]]] = {}

    def handle(self, event: Event) -> None:
        if isinstance(event, ToolRequest):
            self.call(event)
        elif isinstance(event, ToolPrefetch):  # its result is published with gen 0, call 0
            self.call(ToolRequest(event.t, 0, 0, event.tool, event.order_id, ToolPhase.PREFETCH))

    def call(self, request: ToolRequest) -> None:
        read_only = request.tool in READ_ONLY_TOOLS
        if not read_only and request.phase is not ToolPhase.CONFIRMED:
            self.publish(request, False, {}, "refused: a side effect needs confirmation", 0.0)
            return
        key = (request.tool, request.order_id)
        now = time.monotonic()
        cached = read_only and key in self.shared and now - self.shared[key][0] < CACHE_S
        if cached:
            future = self.shared[key][1]
        else:
            future = self.pool.submit(TOOLS[request.tool], self.store, request.order_id)
            if read_only:
                self.shared[key] = (now, future)
        future.add_done_callback(lambda f: self.finish(request, f, now, cached))

    def finish(
        self, request: ToolRequest, future: Future[dict[str, str]], started: float, cached: bool
    ) -> None:
        ms = (time.monotonic() - started) * 1000.0
        try:
            facts = future.result()
        except ToolError as err:
            self.shared.pop((request.tool, request.order_id), None)
            self.publish(request, False, {}, str(err), ms, cached)
            return
        self.publish(request, True, facts, "", ms, cached)

    def publish(
        self,
        request: ToolRequest,
        ok: bool,
        facts: dict[str, str],
        error: str,
        ms: float,
        cached: bool = False,
    ) -> None:
        self.bus.publish(
            ToolResult(
                self.bus.now(),
                request.gen,
                request.call_id,
                request.tool,
                request.order_id,
                request.phase,
                ok,
                facts,
                error,
                ms,
                cached,
            )
        )

    def stop(self) -> None:
        super().stop()
        self.pool.shutdown(wait=False, cancel_futures=True)
