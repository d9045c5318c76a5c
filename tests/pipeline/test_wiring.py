"""The builder: each mode is only a choice of parts, made once (voicecli/wiring.py).

Built with the real engines and not run: what is checked is which strategy each stage got.
"""

from __future__ import annotations

import numpy as np
import pytest

from voicecli.audio.io import AudioIO
from voicecli.audio.virtual import FileSignal
from voicecli.config import Config
from voicecli.conversation import Conversation
from voicecli.core.mode import Pipeline
from voicecli.pipeline.responder import Responder
from voicecli.pipeline.session import Session
from voicecli.pipeline.transcriber import Transcriber, WholeTurnTranscriber
from voicecli.pipeline.writers import EchoWriter, ModelWriter, WholeReply
from voicecli.policy.clauses import ClauseFlusher
from voicecli.wiring import TalkOptions, build_conversation


def stage(conversation: Conversation, kind: type):
    [found] = [s for s in conversation.stages if isinstance(s, kind)]
    return found


@pytest.mark.parametrize(
    ("options", "mode", "transcriber", "writer", "release"),
    [
        (TalkOptions(), "streaming", Transcriber, ModelWriter, ClauseFlusher),
        (
            TalkOptions(pipeline=Pipeline.CASCADE),
            "cascade",
            WholeTurnTranscriber,
            ModelWriter,
            WholeReply,
        ),
        (TalkOptions(mirror=True), "mirror", Transcriber, EchoWriter, ClauseFlusher),
    ],
)
def test_each_mode_is_a_choice_of_parts(
    config: Config, engines, options, mode, transcriber, writer, release
) -> None:
    conversation = build_conversation(config, engines, options, mic=FileSignal(np.zeros(1600)))
    try:
        assert conversation.mode == mode
        assert stage(conversation, Session).core.mode.name == mode
        assert type(stage(conversation, Transcriber)) is transcriber
        reply_writer = stage(conversation, Responder).writer
        assert type(reply_writer) is writer and isinstance(reply_writer.release(), release)
        assert isinstance(conversation.io, AudioIO)
    finally:
        conversation.shutdown()
