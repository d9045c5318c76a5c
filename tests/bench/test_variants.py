"""--vary variants: which engines a changed setting needs of its own (no model is loaded)."""

from __future__ import annotations

import pytest

from voicecli.bench.variants import ROLES, changes_engine, variant_of, with_engines
from voicecli.config import Config
from voicecli.errors import ConfigError, UsageError


@pytest.mark.parametrize(
    ("setting", "changed"),
    [
        ("turn.complete_silence_s=0.3", set()),
        ("conversation.speculative_replies=true", set()),
        ("models.llm=qwen2.5-1.5b", {"llm"}),
        ("stt.final_beam_size=1", {"stt"}),
        ("llm.threads=1", {"llm"}),
    ],
)
def test_a_variant_changes_the_engines_its_setting_is_read_by(setting: str, changed: set) -> None:
    base = Config()
    variant = variant_of(base, setting)
    assert {r for r in ROLES if changes_engine(base, variant.config, r)} == changed


def test_a_variant_that_changes_no_engine_shares_the_benchs() -> None:
    base = Config()
    variant = variant_of(base, "turn.complete_silence_s=0.3")
    engines = object()  # never touched: nothing is loaded for such a variant
    assert with_engines(variant, base, engines) is variant  # type: ignore[arg-type]


def test_of_models_only_a_role_can_be_varied() -> None:
    with pytest.raises(UsageError, match="only a role can be varied"):
        variant_of(Config(), "models.keep_wheels=true")


def test_settings_joined_by_a_semicolon_change_together() -> None:
    both = "conversation.speculative_replies=true; conversation.speculate_on_interim=true"
    variant = variant_of(Config(), both)
    assert variant.config.conversation.speculative_replies
    assert variant.config.conversation.speculate_on_interim
    assert variant.label == both


@pytest.mark.parametrize(
    "settings",
    [
        "flush.first_max_words=4; flush.first_min_words=4",
        "flush.first_min_words=4; flush.first_max_words=4",
    ],
)
def test_settings_changed_together_are_ordered_against_each_other_once_all_are_in(
    settings: str,
) -> None:
    flush = variant_of(Config(), settings).config.flush
    assert (flush.first_min_words, flush.first_max_words) == (4, 4)


def test_settings_changed_together_that_break_an_order_are_refused() -> None:
    with pytest.raises(ConfigError, match="first_min_words' = 5 is above"):
        variant_of(Config(), "flush.first_min_words=5; flush.first_max_words=4")
