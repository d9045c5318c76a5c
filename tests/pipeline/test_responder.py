"""The responder without a thread or a model: a late reply is preceded by an acknowledgement,
a prompt one is not, and the late one is still said in full (a fake writer stands for the LLM)."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

from voicecli.bus import EventBus
from voicecli.engines.protocols import Message
from voicecli.events import ReplyDone, ReplyPiece, ReplyRequest
from voicecli.pipeline.generation import Generation
from voicecli.pipeline.responder import Responder
from voicecli.pipeline.writers import Speak, Written
from voicecli.policy.clauses import cut_whole
from voicecli.policy.lateack import LateAckRule
from voicecli.terms import Step

ACK = "One moment."


class SlowWriter:
    """Writes "Paris is the capital." in two pieces, the first once it has heard the
    acknowledgement go out or `ack_within_s` has passed (a model slower than the budget), or at
    once when `prompt`."""

    def __init__(self, pieces: EventBus, prompt: bool, ack_within_s: float = 10.0) -> None:
        self.heard = pieces.subscribe((ReplyPiece,), "slow-writer")
        self.prompt = prompt
        self.ack_within_s = ack_within_s

    def warm(self, messages: Sequence[Message]) -> None:
        return None

    def prefill(self, messages: Sequence[Message]) -> int:
        return 0

    def write(self, messages, cancel: threading.Event, speak: Speak, first_token) -> Written:
        if not self.prompt:
            self.heard.get(timeout=self.ack_within_s)  # the tests judge what came first
        speak("Paris is")
        speak("the capital.")
        return Written("Paris is the capital.", 5)


def reply(
    prompt: bool, waited_s: float, others_busy: float = 0.0, ack_within_s: float = 10.0
) -> list[ReplyPiece | ReplyDone]:
    bus = EventBus(time.monotonic)
    generation = Generation()
    gen = generation.bump()
    writer = SlowWriter(bus, prompt, ack_within_s)
    rule = LateAckRule(idle_after_s=2.5, busy_after_s=1.2, busy_cores=0.5)
    responder = Responder(
        bus, writer, generation, late_ack=(rule, ACK), others_busy=lambda: others_busy
    )
    seen = bus.subscribe((ReplyPiece, ReplyDone), "test")
    request = ReplyRequest(bus.now(), gen, 1, speech_end_t=bus.now() - waited_s)
    responder.reply(request)
    return [e for e in seen.drain() if isinstance(e, ReplyPiece | ReplyDone)]


def test_a_late_reply_is_preceded_by_an_acknowledgement_and_said_whole() -> None:
    events = reply(prompt=False, waited_s=3.0)  # the caller has waited past the budget
    pieces = [e for e in events if isinstance(e, ReplyPiece)]
    assert [(p.piece, p.text, p.ack) for p in pieces] == [
        (0, ACK, True),
        (1, "Paris is", False),
        (2, "the capital.", False),
    ]
    done = events[-1]
    assert isinstance(done, ReplyDone) and done.pieces == 3 and not done.cancelled


def test_a_prompt_reply_has_no_acknowledgement() -> None:
    events = reply(prompt=True, waited_s=0.3)
    pieces = [e for e in events if isinstance(e, ReplyPiece)]
    assert [(p.text, p.ack) for p in pieces] == [("Paris is", False), ("the capital.", False)]


def test_a_busy_machine_acknowledges_a_reply_the_idle_budget_would_not() -> None:
    # past the busy 1.2 s, 1.0 s short of the idle 2.5 s: the model writes 0.5 s on
    busy = reply(prompt=False, waited_s=1.5, others_busy=1.0, ack_within_s=0.5)
    pieces = [(e.text, e.ack) for e in busy if isinstance(e, ReplyPiece)]
    assert pieces == [(ACK, True), ("Paris is", False), ("the capital.", False)]
    idle = reply(prompt=False, waited_s=1.5, others_busy=0.0, ack_within_s=0.5)
    assert not any(e.ack for e in idle if isinstance(e, ReplyPiece)), "idle: the reply came first"


def test_a_fixed_reply_is_cut_by_the_given_rule_its_first_piece_short() -> None:
    bus = EventBus(time.monotonic)
    generation = Generation()
    gen = generation.bump()
    responder = Responder(bus, SlowWriter(bus, True), generation, cut=cut_whole)
    seen = bus.subscribe((ReplyPiece, ReplyDone), "test")
    say = "We're open Monday to Friday from 9 am to 6 pm. We're closed on Sundays."
    responder.reply(ReplyRequest(bus.now(), gen, 1, step=Step.INFORM, say=say))
    pieces = [e.text for e in seen.drain() if isinstance(e, ReplyPiece)]
    assert pieces == cut_whole(say) and pieces[0] == "We're open"
