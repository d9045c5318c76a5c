"""A caller asking what they told the agent about themselves: "what's my name?".

The 0.5B model answers such a question with the caller's own words turned round wrongly: told
"the caller's name is Daniel" and asked "do you remember my name?", it says "Yes, my name is
Daniel." (15-19 of 20 phrasings and names, whatever the pinned block said; docs/design.md).
The agent knows the answer exactly, so it says it from a template, as it says an order's
status: "Your name is Daniel." Pure: the planner asks it about a committed turn.
"""

from __future__ import annotations

import re

# asking for the name (not giving it): "what's my name", "do you remember my name", "who am
# I", "what did I say my name was", "can you tell me my name again"
_ASKS_NAME = re.compile(
    r"\b(?:"
    r"what(?:'s| is| was)\s+my\s+name"
    r"|(?:remember|know|recall|tell|say|repeat|forg[eo]t|catch|caught|get|got)\w*\b"
    r"[^.!?]{0,20}?\bmy name\b"
    r"|who (?:am i|i am)(?=\s*(?:[?.!,]|$|again\b))"
    r"|my name (?:again|was)\b"
    r")",
    re.IGNORECASE,
)
_GIVES_NAME = re.compile(r"\bmy name(?: is|'s)\s+(?!again\b)\w", re.IGNORECASE)


def asks_own_name(text: str) -> bool:
    """True when the caller asks the agent what their name is."""
    return bool(_ASKS_NAME.search(text)) and not _GIVES_NAME.search(text)


def name_answer(name: str) -> str:
    return f"Your name is {name}."
