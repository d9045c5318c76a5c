"""An order backend that misbehaves on purpose, for bench scenarios and tests.

Two optional columns of an order row make its lookups slow or fail: `delay_s` (the lookup takes
that long, a slow backend) and `fail` ("true": the lookup errors, as a backend that does not
answer). The product's store knows nothing of them; the bench seeds its scenarios' rows into
this one.
"""

from __future__ import annotations

import time

from voicecli.tools.calls import ToolError
from voicecli.tools.orders import OrderStore

FAULT_COLUMNS = ("delay_s", "fail")


class FaultyOrderStore(OrderStore):
    """An order store whose rows may ask for a slow or failing lookup."""

    def get(self, order_id: str) -> dict[str, str] | None:
        row = super().get(order_id)
        if row is None:
            return None
        delay = float(row.get("delay_s", "0") or 0)
        if delay > 0:
            time.sleep(delay)  # a slow backend, simulated (pacing, not synchronisation)
        if str(row.get("fail", "")).lower() in ("1", "true", "yes"):
            raise ToolError(f"the order service did not answer for {order_id}")
        return {k: v for k, v in row.items() if k not in FAULT_COLUMNS}
