"""Cancellation by generation counter."""

from __future__ import annotations

from voicecli.pipeline.generation import Generation


def test_bump_cancels_the_old_generation() -> None:
    generation = Generation()
    first = generation.bump()
    cancelled = generation.cancelled(first)
    assert generation.is_current(first) and not cancelled.is_set()
    second = generation.bump()
    assert cancelled.is_set()
    assert not generation.is_current(first) and generation.is_current(second)


def test_asking_for_a_stale_generation_is_already_cancelled() -> None:
    generation = Generation()
    old = generation.bump()
    generation.bump()
    assert generation.cancelled(old).is_set()
