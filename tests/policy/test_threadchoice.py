"""Threads from the cores other programs leave free."""

from __future__ import annotations

from voicecli.policy.threadchoice import stage_threads, threads_for, writes_wide


def test_each_heavy_stage_gets_half_the_cores_unless_configured() -> None:
    assert stage_threads(configured=0, cores=2) == 1
    assert stage_threads(configured=0, cores=8) == 4
    assert stage_threads(configured=0, cores=1) == 1, "never none"
    assert stage_threads(configured=3, cores=2) == 3, "a configured number is kept"


def test_whisper_gets_two_threads_where_there_are_two_cores_and_half_beyond() -> None:
    assert stage_threads(configured=0, cores=2, least=2) == 2
    assert stage_threads(configured=0, cores=1, least=2) == 1, "no more than the cores"
    assert stage_threads(configured=0, cores=8, least=2) == 4
    assert stage_threads(configured=1, cores=2, least=2) == 1, "a configured number is kept"


def test_an_idle_machine_gets_every_configured_thread() -> None:
    assert threads_for(cores=2, others_busy=0.05, most=2) == 2
    assert threads_for(cores=8, others_busy=0.0, most=2) == 2, "never more than configured"


def test_a_core_another_program_holds_is_not_counted() -> None:
    assert threads_for(cores=2, others_busy=1.0, most=2) == 1
    assert threads_for(cores=4, others_busy=1.0, most=4) == 3


def test_a_core_counts_as_free_when_others_took_less_than_half_of_it() -> None:
    assert threads_for(cores=2, others_busy=0.4, most=2) == 2
    assert threads_for(cores=2, others_busy=0.6, most=2) == 1


def test_a_saturated_machine_still_gets_one_thread() -> None:
    assert threads_for(cores=2, others_busy=2.0, most=2) == 1
    assert threads_for(cores=2, others_busy=5.0, most=2) == 1


def test_the_head_is_written_wide_except_while_the_voice_synthesizes_a_piece_of_it() -> None:
    assert writes_wide(0, voice_busy=True, head_pieces=2), "nothing to voice yet: the voice waits"
    assert not writes_wide(1, voice_busy=True, head_pieces=2), "Piper needs its core"
    assert writes_wide(1, voice_busy=False, head_pieces=2), "the voice is idle: the second piece"
    assert not writes_wide(2, voice_busy=False, head_pieces=2), "the head is out"
    assert not writes_wide(1, voice_busy=False, head_pieces=1), "a one-piece head (as before)"
