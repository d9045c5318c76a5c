"""Reply writers: where a reply's words come from and when each piece reaches the speaker.

The release rules are pure, so most of these feed a scripted token stream (a stand-in for the
language model); the last one runs the real model.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence

from voicecli.engines.llm import GenerationStats, LlamaEngine
from voicecli.engines.protocols import Message
from voicecli.pipeline.writers import EchoWriter, ModelWriter, WholeReply
from voicecli.policy.clauses import ClauseFlusher, FlushRules

MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi there."}]
TOKENS = ["Paris", " is", " the", " capital", " of", " France,", " and", " it", " is", " big."]


class ScriptedModel:
    """Streams fixed tokens; records how much was spoken by the time each token came out."""

    def __init__(self, tokens: list[str], spoken: list[str]) -> None:
        self.tokens = tokens
        self.spoken = spoken
        self.stats = GenerationStats()
        self.spoken_before: list[int] = []  # pieces spoken when token i was produced
        self.narrow: list[bool] = []  # whether the writer said to write token i narrow

    def prefill(self, messages: Sequence[Message]) -> int:
        return 0

    def stream(
        self,
        messages: Sequence[Message],
        cancel: threading.Event | None = None,
        narrow: Callable[[], bool] | None = None,
    ) -> Iterator[str]:
        self.stats = GenerationStats(prompt_tokens=12, cached_tokens=8)
        for token in self.tokens:
            self.spoken_before.append(len(self.spoken))
            self.narrow.append(narrow is not None and narrow())
            self.stats.generated_tokens += 1
            yield token
            if cancel is not None and cancel.is_set():
                return


def run(writer, spoken: list[str], cancel: threading.Event | None = None):
    firsts: list[tuple[float, int, int]] = []

    def first_token(ms: float, cached: int, prompt: int) -> None:
        firsts.append((ms, cached, prompt))

    written = writer.write(MESSAGES, cancel or threading.Event(), spoken.append, first_token)
    return spoken, written, firsts


def test_the_product_speaks_the_first_clause_while_the_model_still_writes() -> None:
    model = ScriptedModel(TOKENS, spoken := [])
    clauses = FlushRules(first_max_words=7)  # the first clause whole, not cut at 4 words
    spoken, written, firsts = run(ModelWriter(model, lambda: ClauseFlusher(clauses)), spoken)
    assert spoken[0] == "Paris is the capital of France,"
    assert model.spoken_before[-1] == 1, "the first clause was out before the last token"
    assert " ".join(spoken) == written.text == "".join(TOKENS).strip()
    assert written.tokens == len(TOKENS)
    assert len(firsts) == 1 and firsts[0][1:] == (8, 12)
    assert model.narrow == [n > 0 for n in model.spoken_before], "head out with piece one"


def test_the_second_piece_is_written_wide_while_the_voice_is_idle() -> None:
    """With a two-piece head, the tokens after the first piece are written on the head's
    threads except while the voice has not yet voiced every piece it was handed; after the
    second piece, on the call's own threads."""
    tokens = ["Yes,", " it", " is,", " and", " it", " is", " big,", " and", " old."]
    model = ScriptedModel(tokens, spoken := [])
    # the voice's count when the reply starts, then as each token is about to be written
    counts = iter([5, 5, 5, 5, 5, 6, 6, 6, 6, 6])
    clauses = FlushRules(first_min_words=1, first_max_words=3, min_words=3)
    writer = ModelWriter(model, lambda: ClauseFlusher(clauses), lambda: next(counts), 2)
    spoken, _, _ = run(writer, spoken)
    assert spoken == ["Yes,", "it is, and it is big,", "and old."]
    assert model.spoken_before == [0, 0, 1, 1, 1, 1, 1, 1, 2]
    # the first piece wide; narrow while it is being voiced, wide once it is, until the second
    # piece is out: from then on, narrow
    assert model.narrow == [False, False, True, True, False, False, False, False, True]


def test_the_cascade_speaks_only_the_whole_reply_once_written() -> None:
    model = ScriptedModel(TOKENS, spoken := [])
    spoken, written, _ = run(ModelWriter(model, WholeReply), spoken)
    assert spoken == [written.text] == ["".join(TOKENS).strip()]
    assert max(model.spoken_before) == 0, "nothing was spoken while the model wrote"
    assert not any(model.narrow), "the whole reply is its head"


def test_a_cancelled_reply_stops_and_speaks_no_rest() -> None:
    cancel = threading.Event()
    model = ScriptedModel(TOKENS, spoken := [])
    writer = ModelWriter(model, WholeReply)
    original = model.stream

    def stream(messages, cancel=None, narrow=None):
        for i, token in enumerate(original(messages, cancel, narrow)):
            if i == 2:
                cancel.set()
            yield token

    model.stream = stream  # type: ignore[method-assign]
    spoken, written, _ = run(writer, spoken, cancel)
    assert spoken == [] and written.text == "Paris is the"


def test_voice_mirror_repeats_the_callers_words_clause_by_clause() -> None:
    spoken, written, firsts = run(EchoWriter(lambda: ClauseFlusher(FlushRules())), [])
    assert spoken == ["Hi there."] and written.text == "Hi there." and written.tokens == 0
    assert firsts == [], "no model, no first token"


def test_the_real_model_through_the_cascade_release_speaks_what_it_wrote(
    llm: LlamaEngine,
) -> None:
    spoken: list[str] = []
    firsts: list[tuple[float, int, int]] = []
    question = [
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "What colour is the sky on a clear day?"},
    ]
    written = ModelWriter(llm, WholeReply).write(
        question, threading.Event(), spoken.append, lambda *a: firsts.append(a)
    )
    assert spoken == [written.text] and "blue" in written.text.lower()
    assert written.tokens > 0 and len(firsts) == 1
