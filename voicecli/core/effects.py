"""What the conversation core asks the output side to do. The stage adapter carries them out;
a test reads them. Everything else the core says is an event to publish."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PausePlayout:
    """Silence the speaker from its next block (fading over `fade` samples), keeping its place."""

    fade: int


@dataclass(frozen=True)
class ResumePlayout:
    """Carry on playing where the pause stopped, fading back in over `fade` samples."""

    fade: int


@dataclass(frozen=True)
class CancelReplies:
    """Generation `gen` begins: every older reply's work is dropped and playout is flushed.
    The adapter answers with a PlayoutStopped event (where the stream stopped)."""

    gen: int


@dataclass(frozen=True)
class ForgetPlayout:
    """The record of spans that ended before stream index `before` is no longer needed."""

    before: int


Effect = PausePlayout | ResumePlayout | CancelReplies | ForgetPlayout
