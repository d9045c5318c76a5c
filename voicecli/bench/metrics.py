"""Per-turn bench metrics, from ground truth, the agent's events and the speaker's samples.

Truth is where each caller turn was placed (the simulator) and what the virtual speaker played
(its samples). The agent's events say what it decided and when (commit, transcript, first
token, first piece). Everything is on one timeline: seconds since sample 0 of the virtual mic
and speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from voicecli.audioformat import CAPTURE_RATE
from voicecli.bench.scenario import Scenario
from voicecli.bench.simulator import ACTIVE, Placement
from voicecli.bench.speculated import speculated
from voicecli.events import (
    AssistantTurn,
    BargeIn,
    Event,
    LlmFirstToken,
    PlayoutStarted,
    ReplyPiece,
    SpanStarted,
    ToolRequest,
    ToolResult,
    Transcript,
    TtsChunk,
    TurnCommitted,
    TurnReopened,
)
from voicecli.policy.speakable import speakable
from voicecli.terms import BargeInAction, ToolPhase
from voicecli.tools.calls import READ_ONLY_TOOLS
from voicecli.wer import word_error_rate

if TYPE_CHECKING:
    from voicecli.bench.simulator import CallerSimulator
    from voicecli.conversation import TalkResult

COMMIT_GRACE_S = 1.0  # an agent speech end this long after a turn's last word still belongs to it
CALLER_SLACK_S = 0.3  # a pause this close to a caller's speech was for the caller
STOPPED_S = 0.8  # playout silent this long has stopped (not a gap between sentences)
EARLY_S = 0.05


@dataclass
class RunRecord:
    """Everything one run of one scenario in one pipeline mode produced."""

    scenario: Scenario
    pipeline: str
    repeat: int
    placements: list[Placement]
    events: list[Event]
    t0: float
    played: np.ndarray
    out_rate: int

    @classmethod
    def of(
        cls,
        scenario: Scenario,
        pipeline: str,
        repeat: int,
        simulator: CallerSimulator,
        result: TalkResult,
    ) -> RunRecord:
        """The record of a finished run on the simulator's virtual devices."""
        if result.recorded is None:
            raise ValueError("a run on the simulator records what its speaker played")
        placements = list(simulator.placements)
        return cls(
            scenario,
            pipeline,
            repeat,
            placements,
            result.events,
            result.t0,
            result.recorded.played,
            result.out_rate,
        )


@dataclass
class TurnMetrics:
    """One caller turn, measured (None: not applicable or did not happen)."""

    scenario: str
    pipeline: str
    repeat: int
    turn: int
    kind: str
    variant: str = ""  # the --vary setting it ran with ("" = the configuration as loaded)
    load: int = 0  # busy processes running beside it (--load)
    load_cpu_percent: float | None = None  # the CPU each of them took, in % of one core
    device: str = "virtual"  # the devices it ran on: virtual, or jack (a clocked sound card)
    tags: list[str] = field(default_factory=list)
    voice: str = ""  # the caller voice the turn was said in ("" = the scenario's clip)
    split: str = ""  # "tune" | "holdout" | "" (the scenario's)
    speech_start_s: float = 0.0
    speech_end_s: float = 0.0
    commit_s: float | None = None
    endpoint_ms: float | None = None
    false_cutoff: bool = False
    reopened: bool = False
    reference: str = ""
    transcript: str | None = None
    wer: float | None = None
    stt_final_ms: float | None = None
    llm_first_token_ms: float | None = None
    context_tokens: int | None = None  # the reply's prompt, in tokens
    cached_tokens: int | None = None  # of those, already in the model's cache
    rss_mb: float | None = None  # the bench process's resident memory at the commit
    recording_mb: float | None = None  # of which the bench's recording of the call
    llm_first_clause_ms: float | None = None
    tts_first_chunk_ms: float | None = None
    ttfa_ms: float | None = None
    first_content_audio_ms: float | None = None
    barge_in_stop_ms: float | None = None
    interrupted_reply_played: str | None = None
    interrupted_reply_heard: str | None = None
    heard_text_error_words: int | None = None
    false_barge_in: bool = False
    heard_reply: str | None = None
    expect: list[str] = field(default_factory=list)
    expect_pass: bool | None = None
    side_effects_before_commit: int = 0
    order_calls: list[str] = field(default_factory=list)  # order ids tools ran on (committed)
    wrong_order_calls: int = 0  # of those, orders the scenario's caller does not have
    speculation: str | None = None  # the reply made early: "used", "dropped", None (none made)
    speculation_dropped: list[str] = field(default_factory=list)  # why each was dropped
    dropped_work_ms: float = 0.0  # LLM and voice time spent on replies thrown away
    dropped_spans_played: int = 0  # spans of a dropped reply that played (must be 0)

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @property
    def label(self) -> str:
        """What the summary groups it under: its pipeline, its variant if it has one, the load
        beside it if there was one, and the rig if it ran on one."""
        parts = [self.pipeline, self.variant, f"load {self.load}" if self.load else ""]
        parts.append(self.device if self.device != "virtual" else "")
        return " ".join(part for part in parts if part)


class Speaker:
    """What the speaker played, as loud or not, sample by sample, in seconds from sample 0."""

    def __init__(self, played: np.ndarray, rate: int) -> None:
        self.rate = rate
        self.active = np.abs(played) > ACTIVE

    def first_sound_from(self, from_s: float) -> float | None:
        """Time of the first speaker sample above the threshold at or after `from_s`."""
        start = max(0, int(from_s * self.rate))
        loud = np.flatnonzero(self.active[start:])
        return None if loud.size == 0 else (start + loud[0]) / self.rate

    def sounding(self, at_s: float, window_s: float = 0.1) -> bool:
        """Was the agent audible within `window_s` before `at_s`?"""
        lo = max(0, int((at_s - window_s) * self.rate))
        return bool(self.active[lo : int(at_s * self.rate) + 1].any())

    def silent_from(self, from_s: float, silence_s: float = 0.1) -> float | None:
        """Start of the first stretch of speaker silence (≥ `silence_s`) at/after `from_s`,
        counting silence that began just before `from_s`."""
        start = max(0, int(from_s * self.rate))
        need = int(silence_s * self.rate)
        while start > 0 and not self.active[start - 1]:
            start -= 1
        active = self.active[start:]
        run = 0
        for i, loud in enumerate(active):
            run = 0 if loud else run + 1
            if run >= need:
                return (start + i - need + 1) / self.rate
        return None

    def barge_in_stop_ms(self, onset_s: float) -> float | None:
        """Interrupting speech onset → the speaker falls silent for good (None if the agent was
        not speaking in the second before the onset). "For good": silent for at least as long as
        ends a reply, so a gap between two words of the agent does not count as stopping."""
        if not self.sounding(onset_s, window_s=1.0):
            return None
        stop = self.silent_from(onset_s, STOPPED_S)
        return None if stop is None else max(0.0, stop - onset_s) * 1000.0


class Timeline(Speaker):
    """The run's events and speaker samples, in seconds from sample 0."""

    def __init__(self, record: RunRecord) -> None:
        super().__init__(record.played, record.out_rate)
        self.record = record
        self.events = record.events
        self.t0 = record.t0

    def at(self, event: Event) -> float:
        return event.t - self.t0

    def of(self, kind: type, **match: Any) -> list[Any]:
        return [
            e
            for e in self.events
            if isinstance(e, kind) and all(getattr(e, k) == v for k, v in match.items())
        ]

    def first(self, kind: type, **match: Any) -> Any | None:
        found = self.of(kind, **match)
        return found[0] if found else None


def _belongs(commit: TurnCommitted, placement: Placement) -> bool:
    end_s = commit.speech_end / CAPTURE_RATE
    return placement.onset_s - EARLY_S <= end_s <= placement.end_s + COMMIT_GRACE_S


def _expect_pass(expect: tuple[str, ...], heard: str | None) -> bool | None:
    if not expect:
        return None
    if heard is None:
        return False
    texts = (heard.lower(), speakable(heard).lower())
    return all(any(e.lower() in t for t in texts) for e in expect)


def turn_metrics(record: RunRecord) -> tuple[list[TurnMetrics], int]:
    """Metrics for each caller turn, and the number of phantom turns (commits of no caller turn:
    the agent transcribing itself or noise)."""
    line = Timeline(record)
    commits = line.of(TurnCommitted)
    claimed: set[int] = set()
    out = []
    for placement in record.placements:
        turn = placement.turn
        m = TurnMetrics(
            scenario=record.scenario.name,
            pipeline=record.pipeline,
            repeat=record.repeat,
            turn=placement.index + 1,
            kind=turn.kind,
            tags=list(record.scenario.tags),
            voice=record.scenario.voice,
            split=record.scenario.split,
            speech_start_s=round(placement.onset_s, 4),
            speech_end_s=round(placement.end_s, 4),
            reference=turn.text,
            expect=list(turn.expect),
        )
        mine = [c for c in commits if _belongs(c, placement)]
        claimed.update(id(c) for c in mine)
        if turn.kind == "barge_in":
            m.barge_in_stop_ms = line.barge_in_stop_ms(placement.onset_s)
            interrupted = _interrupted_reply(line, placement)
            if interrupted is not None:
                m.interrupted_reply_heard = interrupted.text
        if turn.kind == "backchannel":
            m.false_barge_in = _stopped_by(line, placement)
        if mine:
            _fill_reply(m, line, placement, mine)
        m.expect_pass = _expect_pass(turn.expect, m.heard_reply)
        if turn.when_asked and out and out[-1].expect:  # the caller answered the agent's
            before = out[-1]  # question: the turn that asked is judged on both replies
            both = " ".join(r for r in (before.heard_reply, m.heard_reply) if r)
            before.expect_pass = _expect_pass(tuple(before.expect), both)
        out.append(m)
    phantoms = sum(1 for c in commits if id(c) not in claimed)
    return out, phantoms


def _fill_reply(
    m: TurnMetrics, line: Timeline, placement: Placement, mine: list[TurnCommitted]
) -> None:
    reopened = {e.cancelled_gen for e in line.of(TurnReopened)}
    for commit in mine:
        if commit.gen in reopened:
            m.reopened = True  # committed in a pause, but taken back when the caller went on
        elif line.at(commit) < placement.end_s - EARLY_S:
            m.false_cutoff = True
    kept = [c for c in mine if c.gen not in reopened] or mine
    commit = kept[-1]
    commit_s = line.at(commit)
    m.commit_s = round(commit_s, 4)
    m.endpoint_ms = (commit_s - placement.end_s) * 1000.0
    m.transcript = commit.text
    if placement.turn.text:
        m.wer = word_error_rate([placement.turn.text], [commit.text])
    used = [
        e
        for e in line.of(Transcript, turn=commit.turn)
        if e.t <= commit.t and e.covers_until >= commit.speech_end
    ]  # the hypothesis the commit read: the newest one covering the speech before the pause
    if used:
        m.stt_final_ms = (line.at(used[-1]) - placement.end_s) * 1000.0
    gen = commit.gen
    token = line.first(LlmFirstToken, gen=gen)
    if token is not None:
        m.llm_first_token_ms = (token.t - commit.t) * 1000.0
        m.context_tokens, m.cached_tokens = token.prompt_tokens, token.cached_tokens
    piece = line.first(ReplyPiece, gen=gen)
    if piece is not None:
        m.llm_first_clause_ms = (piece.t - commit.t) * 1000.0
        chunks = [c for c in line.of(TtsChunk, gen=gen) if c.samples]
        if chunks:
            m.tts_first_chunk_ms = (chunks[0].t - piece.t) * 1000.0
    started = line.first(PlayoutStarted, gen=gen)
    if started is not None:
        sound = line.first_sound_from(started.device_sample / line.rate)
        if sound is not None:
            m.ttfa_ms = (sound - placement.end_s) * 1000.0
    acks = {p.piece for p in line.of(ReplyPiece, gen=gen) if p.ack}
    content = [s for s in line.of(SpanStarted, gen=gen) if s.piece not in acks]
    if content:
        sound = line.first_sound_from(content[0].device_sample / line.rate)
        if sound is not None:
            m.first_content_audio_ms = (sound - placement.end_s) * 1000.0
    m.side_effects_before_commit = sum(
        1
        for r in line.of(ToolResult)
        if r.ok
        and r.tool not in READ_ONLY_TOOLS
        and r.phase is not ToolPhase.CONFIRMED
        and placement.onset_s <= line.at(r) <= commit_s + COMMIT_GRACE_S
    )
    heard = line.first(AssistantTurn, gen=gen)
    if heard is not None:
        m.heard_reply = heard.text
    m.order_calls = [r.order_id for r in line.of(ToolRequest, gen=gen)]
    early = speculated(line.events, {c.turn for c in mine}, gen)
    m.speculation, m.speculation_dropped = early.outcome, early.dropped_reasons
    m.dropped_work_ms, m.dropped_spans_played = early.dropped_work_ms, early.dropped_spans_played
    theirs = {row["id"] for row in line.record.scenario.orders}
    if theirs:  # a scenario names its caller's orders: a call on any other is a wrong number
        m.wrong_order_calls = sum(order not in theirs for order in m.order_calls)


def false_pauses(record: RunRecord) -> int:
    """Times playout paused for nobody: no caller was speaking (the agent heard itself)."""
    line = Timeline(record)
    pauses = [e for e in line.of(BargeIn) if e.action is BargeInAction.PAUSE]
    return sum(
        1
        for e in pauses
        if not any(
            p.onset_s - CALLER_SLACK_S <= e.onset_sample / CAPTURE_RATE <= p.end_s + CALLER_SLACK_S
            for p in record.placements
        )
    )


def _interrupted_reply(line: Timeline, placement: Placement) -> AssistantTurn | None:
    """The reply this barge-in cut short (its history entry), if it did."""
    cut = [e for e in line.of(AssistantTurn) if e.interrupted and line.at(e) >= placement.onset_s]
    return cut[0] if cut else None


def played_span(record: RunRecord, placement: Placement) -> tuple[float, float] | None:
    """Where the reply interrupted by this barge-in played: (first sample, last sample) in s."""
    line = Timeline(record)
    heard = _interrupted_reply(line, placement)
    if heard is None:
        return None
    started = line.first(PlayoutStarted, gen=heard.gen)
    stop = line.silent_from(placement.onset_s, STOPPED_S)
    if started is None or stop is None:
        return None
    return started.device_sample / line.rate, max(stop, started.device_sample / line.rate)


def interrupted_reply_text(record: RunRecord, placement: Placement) -> str | None:
    """All the text of the reply this barge-in cut short, as generated (history keeps a
    prefix of it)."""
    line = Timeline(record)
    heard = _interrupted_reply(line, placement)
    if heard is None:
        return None
    return " ".join(p.text for p in line.of(ReplyPiece, gen=heard.gen))


def _stopped_by(line: Timeline, placement: Placement) -> bool:
    """Did a reply playing when this backchannel began end as interrupted?"""
    if not line.sounding(placement.onset_s):
        return False
    playing = [e.gen for e in line.of(PlayoutStarted) if line.at(e) <= placement.onset_s]
    if not playing:
        return False
    heard = line.first(AssistantTurn, gen=playing[-1])
    return heard is not None and heard.interrupted
