"""CallFacts: what a call established, for the pinned block of a trimmed history."""

from __future__ import annotations

import pytest

from voicecli.policy.callfacts import CallFacts


@pytest.mark.parametrize(
    ("said", "name"),
    [
        ("Hi, my name is Anna.", "Anna"),
        ("Hello, this is Ravi, I have a question.", "Ravi"),
        ("You can call me Jo-Anne", "Jo-Anne"),
        ("I'm Priya and my order is late.", "Priya"),
        ("I'm fine, thanks.", None),
        ("I'm calling about my order.", None),
        ("I am Sorry, what was that?", None),
        ("Is this Paris or is this Rome?", None),
        ("I think this is Rome.", None),
    ],
)
def test_a_name_the_caller_gives_is_kept(said: str, name: str | None) -> None:
    facts = CallFacts()
    facts.caller_said(said)
    assert facts.name == name


def test_a_later_name_replaces_the_first() -> None:
    facts = CallFacts()
    facts.caller_said("My name is Anna.")
    facts.caller_said("What time is it?")
    assert facts.name == "Anna"
    facts.caller_said("Sorry, my name is Hannah.")
    assert facts.name == "Hannah"


def test_the_order_in_question_and_confirmed_actions() -> None:
    facts = CallFacts()
    shipped = {"id": "4219", "status": "shipped", "eta": "Friday"}
    facts.tool_done("get_order_status", "4219", False, shipped)
    facts.tool_done("get_order_status", "9999", False, {"id": "9999", "missing": "true"})
    assert facts.lines() == ["The order in question is 4219 (status shipped, eta Friday)."]
    facts.tool_done("cancel_order", "4219", True, {"id": "4219", "cancelled": "true"})
    facts.tool_done("cancel_order", "5120", True, {"id": "5120", "refused": "delivered"})
    assert facts.lines() == [
        "The order in question is 5120 (status shipped, eta Friday).",
        "Done earlier in this call: cancel order for order 4219 is done.",
    ]
