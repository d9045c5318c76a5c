"""When the echo canceller is trusted with the caller's onsets (no models)."""

from __future__ import annotations

from voicecli.policy.echotrust import EchoTrust
from voicecli.policy.interruption import InterruptRules

RULES = InterruptRules(aec_warmup_s=1.5, converged_erle_db=20.0, aec_warmup_max_s=4.0)


def test_warm_up_time_alone_is_not_convergence() -> None:
    echo = EchoTrust(RULES)
    echo.agent_audible(1.0)
    echo.reading(1.0, erl_db=4.0, erle_db=25.0)
    assert not echo.trusted, "converged readings before the warm-up still wait for it"
    echo.agent_audible(0.6)
    assert echo.trusted


def test_after_the_warm_up_it_waits_for_a_converged_reading() -> None:
    echo = EchoTrust(RULES)
    echo.agent_audible(1.6)
    assert not echo.trusted, "no reading yet (the VAD still takes residual echo for speech)"
    echo.reading(1.7, erl_db=4.2, erle_db=15.6)
    assert not echo.trusted
    echo.reading(2.7, erl_db=4.3, erle_db=37.1)
    assert echo.trusted
    echo.reading(3.2, erl_db=4.0, erle_db=12.0)
    assert echo.trusted, "once converged, a poorer reading (double talk) does not undo it"


def test_a_canceller_that_never_converges_is_trusted_at_last() -> None:
    echo = EchoTrust(RULES)
    echo.reading(1.0, erl_db=3.0, erle_db=8.0)
    echo.agent_audible(3.9)
    assert not echo.trusted
    echo.agent_audible(0.2)
    assert echo.trusted


def test_headphones_and_no_canceller_need_no_warm_up() -> None:
    assert EchoTrust(RULES, aec=False).trusted
    echo = EchoTrust(RULES)
    echo.reading(0.5, erl_db=45.0, erle_db=None)  # the speaker does not reach the mic
    echo.reading(1.0, erl_db=6.0, erle_db=None)  # the caller starts to speak
    assert echo.trusted, "the best ERL of the last few seconds counts"
    echo.reading(4.0, erl_db=6.0, erle_db=None)
    assert not echo.trusted, "the reading fell out of erl_memory_s"
