"""`voicecli bench --vary SECTION.KEY=VALUE`: a setting run beside the configuration as loaded.

A variant is the loaded configuration with one setting changed. Most settings are read by the
stages each run builds; a setting of a model's role (`models.llm`, or its engine's own section
such as `[llm]` or `[stt]`) is read when the engine loads, so such a variant gets engines of its
own for the roles it changes and shares the others with the bench (`qwen2.5-1.5b` beside the
0.5B in one run: both LLMs are resident, and the report's memory figure counts both).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from voicecli.config import Config, check_model_roles, check_relations, with_setting
from voicecli.engines.loader import EngineLoader
from voicecli.errors import UsageError
from voicecli.wiring import Engines

ROLES = ("vad", "stt", "tts", "llm")  # each a [models] key and an engine section of its own


@dataclass(frozen=True)
class Variant:
    """A configuration the bench runs beside the loaded one: `label` is its --vary setting;
    `engines` its own where it changes what loads (None: the bench's)."""

    label: str
    config: Config
    engines: Engines | None = None


def variant_of(config: Config, settings: str) -> Variant:
    """The --vary variant of `config`: one setting, or several joined by ';' changed together
    (checked before any model loads; values with an order between them are checked once all
    are in, so "flush.first_min_words=4; flush.first_max_words=4" is as good in either order)."""
    varied = config
    for setting in (s.strip() for s in settings.split(";") if s.strip()):
        section, _, key = setting.partition("=")[0].strip().partition(".")
        if section == "models" and key not in ROLES:
            raise UsageError(
                f"--vary {setting!r}: of [models] only a role can be varied "
                f"({', '.join(f'models.{r}' for r in ROLES)})"
            )
        varied = with_setting(varied, setting)
        if section == "models":
            check_model_roles(varied, "--vary")
    check_relations(varied, f"--vary {settings.strip()!r}")
    return Variant(settings.strip(), varied)


def changes_engine(base: Config, varied: Config, role: str) -> bool:
    """Whether the engine of `role` loads differently under `varied`."""
    model = getattr(base.models, role) != getattr(varied.models, role)
    return model or getattr(base, role) != getattr(varied, role)


def with_engines(variant: Variant, base: Config, engines: Engines) -> Variant:
    """The variant with engines of its own for the roles it changes (the bench's for the rest);
    as it is when it changes none."""
    changed = [role for role in ROLES if changes_engine(base, variant.config, role)]
    if not changed:
        return variant
    loader = EngineLoader(variant.config)
    own = {role: getattr(loader, role)() for role in changed}
    shared = {role: getattr(engines, role) for role in ROLES if role not in own}
    return dataclasses.replace(variant, engines=Engines(**shared, **own))
