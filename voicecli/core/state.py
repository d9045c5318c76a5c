"""The conversation's states: who holds the floor."""

from __future__ import annotations

from enum import Enum


class State(Enum):
    """Who holds the floor."""

    LISTENING = "listening"
    USER_SPEAKING = "user speaking"
    THINKING = "thinking"
    SPEAKING = "speaking"
