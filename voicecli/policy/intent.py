"""The intent router: which tool (if any) a caller's words ask for, and for which order.

Keyword rules over the transcript, with corrections honoured: in "cancel — no, track order
4219" the caller changed their mind, and the last request wins. The order number is read with
the spoken-number parser: as said, or with a filler inside it, never a guessed reading. An
order tool needs a particular order — a number, "my order", or a pronoun while an order is
the subject of the call; a question about how things work ("what is your return policy?",
"how long does shipping take?") is information, answered from the rows of the store's
knowledge base that its words name. (Measured against grammar-constrained
selection with the 0.5B model: see docs/tools.md.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from voicecli.policy.knowledge import KnowledgeRow, topic_of
from voicecli.policy.numbers import readings


class Intent(Enum):
    """What the caller wants."""

    ORDER_STATUS = "get_order_status"
    TRACKING_LINK = "send_tracking_link"
    CANCEL = "cancel_order"
    RETURN = "start_return"
    INFO = "store_info"
    YES = "yes"
    NO = "no"
    OTHER = "other"


# checked in this order: the more specific asks first
RULES: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    (
        Intent.TRACKING_LINK,
        re.compile(r"\b(tracking link|tracking number|send (me )?(the |a )?link|text me)\b"),
    ),
    (Intent.CANCEL, re.compile(r"\bcancel\w*\b")),
    (Intent.RETURN, re.compile(r"\b(return\w*|refund\w*|money back|send\b.*\bback)\b")),
    (
        Intent.ORDER_STATUS,
        re.compile(
            r"\b(where('s| is| it is| are)|status|track\w*|check\w*|arriv\w*|deliver\w*|ship\w*|"
            r"dispatch\w*|when will|look(ing)? (up|into)|"
            r"eta|how long|late|delayed)\b"
        ),
    ),
)
YES = re.compile(
    r"^\W*(yes|yeah|yep|sure|ok(ay)?|please( do)?|go ahead|do it|confirm\w*|"
    r"correct|that'?s right|right|absolutely|of course)\b"
)
NO = re.compile(r"\b(no|nope|don'?t|do not|never ?mind|not now|stop|wait|cancel that)\b")
CORRECTION = re.compile(r"\b(no|actually|i mean|sorry|wait|rather|instead|scratch that)\b[,.!]*")
ORDER_WORD = re.compile(r"\border\b")
# An order tool is for a caller talking about an order: words that name one, or (when an order
# is already the subject of the call) a pronoun for it. "The train was late" in a story is not
# a question about a delivery.
ORDER_REFERENCE = re.compile(
    r"\b((my|our|the|this|that) (\w+ )?(orders?|package|parcel|delivery|shipment|purchase|stuff)"
    r"|orders? (number|no)|i (ordered|placed)|ordered (it|them|something)|tracking)\b"
)
PRONOUN = re.compile(r"\b(it|that|this|one|them)\b")


@dataclass(frozen=True)
class Routed:
    """The intent and the order number it names (None when it names none)."""

    intent: Intent
    order_id: str | None = None
    topic: str = ""  # the knowledge row an INFO question is about


def _request(text: str) -> Intent | None:
    for intent, pattern in RULES:
        if pattern.search(text):
            return intent
    return None


def _about_an_order(segment: str, number: str | None, in_focus: bool) -> bool:
    return bool(number or ORDER_REFERENCE.search(segment) or (in_focus and PRONOUN.search(segment)))


def route(
    text: str,
    awaiting_confirmation: bool = False,
    order_in_focus: bool = False,
    knowledge: tuple[KnowledgeRow, ...] = (),
) -> Routed:
    """Route one committed (or partial) transcript; `order_in_focus`: the call is already
    about an order, so "where is it?" asks about that one; `knowledge`: the rows information
    questions are answered from."""
    said = text.lower().strip()
    # as said, or with a filler inside it ("seven, uh, free one"); never a guess ("taught for
    # thirty years" is not order 430)
    number = next((r.digits for r in readings(said) if not r.guessed), None)
    if awaiting_confirmation:
        if YES.search(said):  # "yes, no problem" starts with yes
            return Routed(Intent.YES, number)
        if NO.search(said):  # "actually no", "no, don't"
            return Routed(Intent.NO, number)
    # a correction: the request after the last "no" / "actually" is the one that counts
    segments = [s for s in CORRECTION.split(said) if s and not CORRECTION.fullmatch(s)]
    for segment in reversed(segments):
        intent = _request(segment)
        if intent is not None and _about_an_order(said, number, order_in_focus):
            return Routed(intent, number)
    # an order named with nothing asked of it: the caller wants to know about it
    if number and ORDER_WORD.search(said):
        return Routed(Intent.ORDER_STATUS, number)
    row = topic_of(said, knowledge)
    if row is not None:
        return Routed(Intent.INFO, number, row.topic)
    if ORDER_REFERENCE.search(said):
        return Routed(Intent.ORDER_STATUS, number)
    return Routed(Intent.OTHER, number)
