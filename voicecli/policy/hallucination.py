"""Guard against Whisper's inventions on silence and noise ("Thank you.", "you", "Bye.").

Whisper was trained on subtitles; on near-silence it tends to emit the closing lines of a
video. A hypothesis is dropped when the model itself says there is no speech, when the decode is
very unsure of every token, when it is one of those stock phrases and the decode is unsure or
the audio is short, or when it has no words at all. A number is words: Whisper writes a caller
reading out digits as "29340" or "293-4-0", and a key of letters only once dropped every such
answer as nothing said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from voicecli.bounds import within

STOCK_PHRASES = {
    "thank you",
    "thanks",
    "thank you very much",
    "thanks for watching",
    "thank you for watching",
    "you",
    "bye",
    "bye bye",
    "goodbye",
    "okay",
    "so",
    "oh",
    "please subscribe",
    "subtitles by the amaraorg community",
    "music",
    "applause",
}


@dataclass(frozen=True)
class HallucinationRules:
    """Thresholds for dropping a hypothesis."""

    no_speech_prob: float = within(0.6, 0.0, 1.0)
    low_logprob: float = within(-1.0, -10.0, 0.0)
    very_low_logprob: float = within(-1.5, -10.0, 0.0)
    stock_logprob: float = within(-0.5, -10.0, 0.0)
    stock_min_speech_s: float = within(0.6, 0.0, 10.0, "s")


def _key(text: str) -> str:
    """The words of a hypothesis without case or punctuation; digits are kept."""
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def is_hallucination(
    text: str,
    no_speech_prob: float,
    avg_logprob: float,
    voiced_s: float,
    rules: HallucinationRules | None = None,
) -> bool:
    """True when the hypothesis should be treated as nothing said."""
    rules = rules or HallucinationRules()
    key = _key(text)
    if not key:
        return True
    if no_speech_prob > rules.no_speech_prob and avg_logprob < rules.low_logprob:
        return True
    if avg_logprob < rules.very_low_logprob:
        return True
    if key in STOCK_PHRASES:
        return avg_logprob < rules.stock_logprob or voiced_s < rules.stock_min_speech_s
    return False
