"""Idle listening per --vary variant: measured beside the loaded configuration, A B B A."""

from __future__ import annotations

from dataclasses import dataclass, field

from voicecli.bench.runner import BenchOptions, idle_by_variant
from voicecli.bench.variants import Variant
from voicecli.config import Config


@dataclass
class RecordingBench:
    """Stands in for the bench: each idle measurement returns the next figure it was given."""

    options: BenchOptions
    figures: list[float | None]
    measured: list[str] = field(default_factory=list)

    def idle_cpu_percent(self, variant: Variant | None = None) -> float | None:
        self.measured.append(variant.label if variant else "")
        return self.figures.pop(0)


def test_each_variant_is_measured_twice_around_the_loaded_one_and_averaged() -> None:
    variant = Variant("audio.wake_per_vad_frame=false", Config())
    bench = RecordingBench(BenchOptions(scenarios=[], variants=[variant]), [8.0, 11.0, 12.0, 9.0])
    idle = idle_by_variant(bench)  # type: ignore[arg-type]
    assert bench.measured == ["", variant.label, variant.label, ""]
    assert idle == {"": 8.5, variant.label: 11.5}


def test_without_variants_it_is_measured_once_and_a_missing_figure_is_none() -> None:
    bench = RecordingBench(BenchOptions(scenarios=[]), [None])
    assert idle_by_variant(bench) == {"": None}  # type: ignore[arg-type]
    assert bench.measured == [""]
