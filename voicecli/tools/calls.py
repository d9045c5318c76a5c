"""The tool calls on the order store, and the sentences their results are spoken as.

Facts are spoken from templates, not written by the language model: a 0.5B model invents order
details when left to it, and a template puts the tool's facts in the reply every time.
"""

from __future__ import annotations

from voicecli.tools.orders import OrderStore


class ToolError(Exception):
    """The backend failed (the bench's simulated backend, voicecli/sim/backend.py, fails on
    purpose)."""


def _missing(order_id: str) -> dict[str, str]:
    """The facts of an order the store does not have."""
    return {"id": order_id, "missing": "true"}


def get_order_status(store: OrderStore, order_id: str) -> dict[str, str]:
    row = store.get(order_id)  # a backend that fails raises ToolError
    return dict(row) if row is not None else _missing(order_id)


def send_tracking_link(store: OrderStore, order_id: str) -> dict[str, str]:
    row = store.get(order_id)  # a backend that fails raises ToolError
    if row is None:
        return _missing(order_id)
    store.record_action("send_tracking_link", order_id)
    return {"id": order_id, "sent": "true"}


def cancel_order(store: OrderStore, order_id: str) -> dict[str, str]:
    row = store.get(order_id)  # a backend that fails raises ToolError
    if row is None:
        return _missing(order_id)
    if row.get("status") in ("delivered", "cancelled"):
        return {"id": order_id, "refused": row.get("status", "")}
    store.update(order_id, status="cancelled")
    store.record_action("cancel_order", order_id)
    return {"id": order_id, "cancelled": "true"}


def start_return(store: OrderStore, order_id: str) -> dict[str, str]:
    row = store.get(order_id)  # a backend that fails raises ToolError
    if row is None:
        return _missing(order_id)
    store.record_action("start_return", order_id)
    return {"id": order_id, "return": "started"}


TOOLS = {
    "get_order_status": get_order_status,
    "send_tracking_link": send_tracking_link,
    "cancel_order": cancel_order,
    "start_return": start_return,
}
READ_ONLY_TOOLS = frozenset({"get_order_status"})


def spoken_answer(tool: str, facts: dict[str, str]) -> str:
    """The reply for a tool result (plain text; numbers are made speakable downstream)."""
    order = facts.get("id", "")
    if facts.get("missing"):
        return f"I can't find an order {order}. Could you read me the number again?"
    if tool == "get_order_status":
        status, eta = facts.get("status", ""), facts.get("eta", "")
        carrier = facts.get("carrier", "")
        if status == "delivered":
            return f"Your order {order} was delivered {eta}."
        if status == "cancelled":
            return f"Your order {order} was cancelled."
        if status == "processing":
            return f"Your order {order} is being prepared. It should ship {eta}."
        via = f" with {carrier}" if carrier else ""
        return f"Your order {order} is {status}{via}. It should arrive {eta}."
    if tool == "send_tracking_link":
        return f"Done. I've sent the tracking link for order {order} to your phone."
    if tool == "cancel_order":
        if facts.get("refused"):
            return f"Order {order} was already {facts['refused']}, so I can't cancel it."
        return f"Done. Order {order} is cancelled."
    if tool == "start_return":
        return f"Done. I've started a return for order {order}."
    return "Done."


def apology(tool: str, order_id: str) -> str:
    what = "check" if tool in READ_ONLY_TOOLS else "do that for"
    return f"Sorry, I couldn't {what} order {order_id} just now. Shall I try again?"
