"""Long turns: where a decode window longer than max_window_s is cut, and where it is not."""

from __future__ import annotations

import numpy as np

from voicecli.policy.longturn import TimedWord, agreed_words, quietest, window_cut


def words(n: int, every_s: float = 0.5, length_s: float = 0.35) -> list[TimedWord]:
    return [TimedWord(f"w{i}", i * every_s, i * every_s + length_s) for i in range(n)]


def test_a_short_window_is_never_cut() -> None:
    hyp = words(30)
    assert window_cut(hyp, [w.text for w in hyp], 15.0, max_window_s=20.0, keep_s=5.0) is None


def test_a_long_window_commits_its_agreed_words_that_end_keep_s_before_its_end() -> None:
    hyp = words(44)  # 22 s of words, one every 0.5 s
    stable = [w.text for w in hyp[:40]]
    cut = window_cut(hyp, stable, 22.0, max_window_s=20.0, keep_s=5.0)
    assert cut is not None
    assert cut.words == 34  # w33 ends at 16.85 s, w34 at 17.35 s > 22 - 5
    assert hyp[33].end <= cut.at_s <= hyp[34].start
    assert cut.quiet_from_s <= cut.at_s <= cut.quiet_to_s <= 17.0


def test_only_agreed_words_are_committed() -> None:
    hyp = words(44)
    stable = [w.text for w in hyp[:10]]
    cut = window_cut(hyp, stable, 22.0, 20.0, 5.0)
    assert cut is not None and cut.words == 10


def test_stable_words_that_no_longer_match_the_hypothesis_are_not_committed() -> None:
    hyp = words(44)
    stable = ["w0", "w1", "other", "w3"]
    assert agreed_words(hyp, stable) == 2
    cut = window_cut(hyp, stable, 22.0, 20.0, 5.0)
    assert cut is not None and cut.words == 2


def test_nothing_agreed_waits_until_the_hard_limit_then_takes_the_hypothesis() -> None:
    hyp = words(50)
    assert window_cut(hyp, [], 24.0, 20.0, 5.0, hard_window_s=28.0) is None
    cut = window_cut(hyp, [], 28.0, 20.0, 5.0, hard_window_s=28.0)
    assert cut is not None and cut.words == 46  # every word ending by 23 s


def test_no_words_at_the_hard_limit_lets_that_audio_go() -> None:
    cut = window_cut([], [], 28.0, 20.0, 5.0, hard_window_s=28.0)
    assert cut is not None and cut.words == 0 and cut.at_s == 23.0


def test_quietest_finds_the_gap_between_two_words() -> None:
    rate = 16000
    t = np.arange(rate) / rate
    audio = (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    audio[int(0.42 * rate) : int(0.47 * rate)] = 0.0  # a 50 ms gap
    at = quietest(audio, rate, 0.3, 0.6)
    assert 0.42 <= at <= 0.46
