"""TTFA plots of a bench report or a session log (matplotlib, an optional extra): the TTFA
distribution per mode and the waterfall of the median turn's stages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from voicecli.errors import VoicecliError


def median_turn(turns: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The turn whose TTFA is the median of those that have one."""
    timed = sorted((t for t in turns if t.get("ttfa_ms") is not None), key=lambda t: t["ttfa_ms"])
    return timed[len(timed) // 2] if timed else None


def waterfall(turn: dict[str, Any]) -> list[tuple[str, float, float]]:
    """(label, start ms, end ms) from the end of speech, for each stage of one turn."""
    endpoint = turn.get("endpoint_ms") or 0.0
    clause = turn.get("llm_first_clause_ms") or 0.0
    chunk = turn.get("tts_first_chunk_ms") or 0.0
    bars = [
        ("endpoint (commit)", 0.0, endpoint),
        ("STT final", 0.0, turn.get("stt_final_ms") or 0.0),
        ("LLM first clause", endpoint, endpoint + clause),
        ("TTS first chunk", endpoint + clause, endpoint + clause + chunk),
        ("playout → TTFA", endpoint + clause + chunk, turn.get("ttfa_ms") or 0.0),
    ]
    return [(label, start, max(start, end)) for label, start, end in bars]


def plot_report(report: dict[str, Any], path: Path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise VoicecliError(
            "--plot needs matplotlib: pip install -e '.[plot]' (or pip install matplotlib)"
        ) from None
    turns = report["turns"]
    pipelines = list(report["summary"]["pipelines"])
    fig, (hist, fall) = plt.subplots(1, 2, figsize=(13, 4.8))
    for pipeline in pipelines:
        values = [t["ttfa_ms"] for t in turns if t["pipeline"] == pipeline and t["ttfa_ms"]]
        if values:
            hist.hist(values, bins=20, alpha=0.6, label=f"{pipeline} (n={len(values)})")
    hist.set_xlabel("TTFA: first reply sample − end of caller speech (ms)")
    hist.set_ylabel("turns")
    hist.set_title("TTFA distribution")
    hist.legend()
    median = median_turn([t for t in turns if t["pipeline"] == pipelines[0]])
    if median is not None:
        bars = waterfall(median)
        for row, (_label, start, end) in enumerate(bars):
            fall.barh(row, end - start, left=start)
            fall.text(end + 10, row, f"{end:.0f} ms", va="center", fontsize=8)
        fall.set_yticks(range(len(bars)), [b[0] for b in bars])
        fall.invert_yaxis()
        fall.set_xlabel("ms after the end of caller speech")
        fall.set_title(f"median {pipelines[0]} turn: {median['scenario']} #{median['turn']}")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
