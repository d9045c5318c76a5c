"""Word times from Piper's phoneme timeline, and carried from spoken to shown words (no models)."""

from __future__ import annotations

from voicecli.policy.wordtiming import carry_word_times, phoneme_word_times


def test_a_word_is_spoken_from_its_first_phoneme_to_its_last_pauses_apart() -> None:
    # "^ a b , _ c d $": word one "ab," then a comma pause, word two "cd"
    timeline = [("^", 50), ("a", 100), ("b", 100), (",", 300), (" ", 20), ("c", 100), ("d", 100)]
    timeline.append(("$", 30))
    assert phoneme_word_times(timeline, [["a", "b", ","], ["c", "d"]]) == [(50, 250), (570, 770)]


def test_words_espeak_says_differently_in_a_sentence_are_aligned() -> None:
    # alone "there" "was" "a" "cat"; in the sentence "there was" is one word and "a" is "ɐ"
    timeline = [("ð", 10), ("ɛ", 10), ("ɹ", 10), ("w", 10), ("ʌ", 10), ("z", 10), (" ", 5)]
    timeline += [("ɐ", 10), (" ", 5), ("k", 10), ("æ", 10), ("t", 10)]
    alone = [["ð", "ɛ", "ɹ"], ["w", "ʌ", "z"], ["ˈ", "e", "ɪ"], ["k", "æ", "t"]]
    assert phoneme_word_times(timeline, alone) == [(0, 30), (30, 60), (65, 75), (80, 110)]


def test_no_phonemes_no_word_times() -> None:
    assert phoneme_word_times([("^", 10), ("$", 10)], [["a"]]) == []
    assert phoneme_word_times([("a", 10)], []) == []


def test_shown_words_take_the_spoken_times() -> None:
    spoken_times = [(0, 10), (12, 20), (22, 30)]
    assert carry_word_times("It is late.", "It is late.", spoken_times) == spoken_times
    # "350" is spoken as three words: the shown word lasts from "three" to "fifty"
    spoken = "Set it to three hundred fifty degrees."
    times = [(0, 10), (10, 20), (20, 30), (30, 40), (40, 50), (50, 60), (60, 70)]
    carried = carry_word_times("Set it to 350 degrees.", spoken, times)
    assert carried == [(0, 10), (10, 20), (20, 30), (30, 60), (60, 70)]
    # "$5" spoken "five dollars": the run's time is shared out
    carried = carry_word_times(
        "It cost $5 and $6",
        "It cost five dollars and six dollars",
        [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)],
    )
    assert carried == [(0, 1), (1, 2), (2, 4), (4, 5), (5, 7)]
    assert carry_word_times("a b", "a b c", [(0, 1), (1, 2)]) == []  # times that do not fit
