"""How many threads a model may use: its share of the cores, and the cores others leave free.

Whisper and the LLM are the two heavy stages, and with replies made early they run at the same
moment (the reply is written while the turn's last words are decoded). Each asking for every
core, they fight over them: on 2 cores, one thread each answered sooner than two each, idle
and under load alike (docs/performance.md, 2026-12-03). So by default (`threads = 0`) each
gets half the cores this process may run on, at least one; a number in config.toml overrides.
Since replies are made from the pause's own decode (not from the interims, session 28's way),
Whisper's decodes no longer run beside the reply's writing, only beside the short prefills
of the caller's stable words: so Whisper gets at least two threads where there are two cores
(against one thread, the STT final 568 → 501 ms at p50 and TTFA 996 → 903 ms, session 42;
under one busy program TTFA 1103 vs 1101 ms, session 41; docs/performance.md).

llama.cpp's threads meet at a barrier on every step: when one of them is descheduled because
another program holds its core, the whole step waits for it. On this 2-core machine with one
other busy process, two threads took the 0.5B model's first token from ~0.1 s to 2.4-5.5 s.
So a stage like it gets as many threads as there are free cores — a core counts as free when
other programs took less than half of it lately — never fewer than one, never more than its
configured most. Pure: what the other programs took is measured elsewhere (cpumeter.py).
"""

from __future__ import annotations

HEAVY_STAGES = 2  # Whisper and the LLM: the stages that compute for long at one time


def stage_threads(configured: int, cores: int, least: int = 1) -> int:
    """Threads for one heavy stage: `configured` if set (> 0), else its share of `cores`, but
    at least `least` where there are that many cores."""
    if configured > 0:
        return configured
    return max(1, min(least, cores), cores // HEAVY_STAGES)


WHISPER_LEAST = 2  # Whisper's decodes: the reply waits for the pause's (see the module text)


def threads_for(cores: int, others_busy: float, most: int) -> int:
    """Threads for a barrier-bound stage on `cores` cores when other programs kept
    `others_busy` cores busy (0.0-`cores`) lately."""
    free = cores - max(0.0, others_busy)
    return max(1, min(most, int(free + 0.5)))


def writes_wide(pieces_out: int, voice_busy: bool, head_pieces: int) -> bool:
    """May the model write its next token on the reply's head threads (`reply_head_threads`)?

    Until the reply's first `head_pieces` pieces have gone to the voice, yes, except while the
    voice is busy with a piece it was handed and has not voiced yet (`voice_busy`): the caller
    waits for the first piece, and once it plays, for the second, which must be voiced before
    the first has been heard out (a two- or three-word first piece lasts ~0.6-0.9 s; written on
    one thread at ~80 ms a token the second ran dry behind it). Piper then needs its core, and
    llama.cpp's threads wait for a descheduled one at every step. After the head, the rest is
    written on the call's own threads."""
    if pieces_out >= head_pieces:
        return False
    return pieces_out == 0 or not voice_busy
