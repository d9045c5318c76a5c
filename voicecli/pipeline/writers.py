"""Reply writers: where a generated reply's words come from, and when each goes to the speaker.

The responder owns one writer, chosen when the conversation is built (voicecli/wiring.py):
the words come from the language model (`ModelWriter`) or, in Voice Mirror, are the caller's
own (`EchoWriter`); they are released by a `Release` — the product's clause flusher, which
hands each clause to the speaker while the model still writes, or the naive cascade's
`WholeReply`, which speaks only once the whole reply is written. A writer knows nothing about
the bus: it is handed `speak` (one piece for the speaker) and `first_token` (the model's
first-token report) and returns what it wrote.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from voicecli.engines.protocols import LanguageModel, Message
from voicecli.policy.threadchoice import writes_wide

Speak = Callable[[str], None]
FirstToken = Callable[[float, int, int], None]  # (ms to the first token, cached, prompt tokens)


class Release(Protocol):
    """Cuts streamed text into the pieces the speaker gets (policy/clauses.py ClauseFlusher)."""

    def push(self, text: str) -> list[str]: ...

    def finish(self) -> list[str]: ...


class WholeReply:
    """The cascade's release: nothing until the reply is written, then all of it."""

    def __init__(self) -> None:
        self.text = ""

    def push(self, text: str) -> list[str]:
        self.text += text
        return []

    def finish(self) -> list[str]:
        return [self.text.strip()]


@dataclass(frozen=True)
class Written:
    """What a writer produced: the reply's text and how many tokens the model generated."""

    text: str
    tokens: int = 0


class ReplyWriter(Protocol):
    """Writes one reply, releasing its pieces through `speak`, stopping once `cancel` is set."""

    def warm(self, messages: Sequence[Message]) -> None:
        """Cache the conversation's head before the first turn (nothing without a model)."""
        ...

    def prefill(self, messages: Sequence[Message]) -> int:
        """Reversible work before a commit: evaluate the prompt so far; tokens evaluated."""
        ...

    def write(
        self,
        messages: Sequence[Message],
        cancel: threading.Event,
        speak: Speak,
        first_token: FirstToken,
    ) -> Written: ...


def _release(tokens: Iterable[str], release: Release, cancel: threading.Event, speak: Speak) -> str:
    """Feed `tokens` through `release` to `speak`; the text written (to where it stopped)."""
    text = ""
    for token in tokens:
        text += token
        for piece in release.push(token):
            speak(piece)
        if cancel.is_set():
            break
    if not cancel.is_set():
        for piece in release.finish():
            speak(piece)
    return text.strip()


class ModelWriter:
    """The language model writes the reply, streamed; its first token is reported, and before
    each token it is told whether to write on the reply's head threads (the caller waits for
    the first pieces and the voice has voiced all it was handed) or on its own
    (policy/threadchoice.py `writes_wide`, engines/llm.py)."""

    def __init__(
        self,
        llm: LanguageModel,
        release: Callable[[], Release],
        voiced: Callable[[], int] = lambda: 0,
        head_pieces: int = 1,
    ) -> None:
        """`voiced`: how many pieces the voice has finished with (pipeline/speaker.py);
        `head_pieces`: how many of a reply's first pieces are its head
        (`[llm] reply_head_pieces`)."""
        self.llm = llm
        self.release = release
        self.voiced = voiced
        self.head_pieces = head_pieces

    def warm(self, messages: Sequence[Message]) -> None:
        if messages:
            self.llm.prefill(messages)

    def prefill(self, messages: Sequence[Message]) -> int:
        return self.llm.prefill(messages)

    def write(
        self,
        messages: Sequence[Message],
        cancel: threading.Event,
        speak: Speak,
        first_token: FirstToken,
    ) -> Written:
        started = time.perf_counter()
        pieces_out = 0
        voiced_before = self.voiced()

        def speak_counted(piece: str) -> None:
            nonlocal pieces_out
            speak(piece)
            pieces_out += 1

        def narrow() -> bool:
            voice_busy = self.voiced() - voiced_before < pieces_out  # handed, not yet voiced
            return not writes_wide(pieces_out, voice_busy, self.head_pieces)

        def tokens() -> Iterable[str]:
            first = True
            for token in self.llm.stream(messages, cancel=cancel, narrow=narrow):
                if first:
                    stats = self.llm.stats
                    ms = (time.perf_counter() - started) * 1000.0
                    first_token(ms, stats.cached_tokens, stats.prompt_tokens)
                    first = False
                yield token

        text = _release(tokens(), self.release(), cancel, speak_counted)
        return Written(text, self.llm.stats.generated_tokens)


class EchoWriter:
    """Voice Mirror: the reply is what the caller just said (no language model)."""

    def __init__(self, release: Callable[[], Release]) -> None:
        self.release = release

    def warm(self, messages: Sequence[Message]) -> None:
        return None

    def prefill(self, messages: Sequence[Message]) -> int:
        return 0

    def write(
        self,
        messages: Sequence[Message],
        cancel: threading.Event,
        speak: Speak,
        first_token: FirstToken,
    ) -> Written:
        said = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        return Written(_release([said], self.release(), cancel, speak))
