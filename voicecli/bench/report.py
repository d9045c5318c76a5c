"""Bench output: the Rich summary tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from voicecli.bench.longcall import drift_line, long_call_table, long_calls, pooled_lines
from voicecli.bench.summary import TIMINGS

LABELS = {
    "ttfa_ms": "TTFA",
    "first_content_audio_ms": "first content audio",
    "endpoint_ms": "endpoint delay",
    "stt_final_ms": "STT final",
    "llm_first_token_ms": "LLM first token",
    "llm_first_clause_ms": "LLM first clause",
    "tts_first_chunk_ms": "TTS first chunk",
    "barge_in_stop_ms": "barge-in stop",
}
ORDER = (
    "ttfa_ms",
    "first_content_audio_ms",
    "endpoint_ms",
    "stt_final_ms",
    "llm_first_token_ms",
    "llm_first_clause_ms",
    "tts_first_chunk_ms",
    "barge_in_stop_ms",
)
RATES = {
    "false_cutoff": "false cut-offs",
    "reopened": "turns reopened",
    "missing_reply": "turns with no reply",
    "expect_pass": "expect pass rate",
    "false_barge_in": "false barge-ins (backchannels)",
}


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def summary_table(report: dict[str, Any]) -> Table:
    summary = report["summary"]
    pipelines = list(summary["pipelines"])
    ratio = summary.get("ratio_cascade_over_streaming")
    header = report["header"]
    table = Table(
        title=f"voicecli bench · {header['models']['llm']} · {header['models']['stt']} · "
        f"{header['repeat']} repeat(s) · {header['machine']['cores']} cores"
    )
    table.add_column("metric")
    for p in pipelines:
        table.add_column(f"{p} p50", justify="right")
        table.add_column(f"{p} p95", justify="right")
    if ratio:
        table.add_column("cascade / streaming (p50)", justify="right")
    for name in ORDER:
        assert name in TIMINGS
        row = [LABELS[name]]
        for p in pipelines:
            t = summary["pipelines"][p]["timings"][name]
            row += [_ms(t["p50"]), _ms(t["p95"])]
        if ratio:
            r = ratio[name]["p50"]
            row.append("—" if r is None else f"{r:.2f}x")
        table.add_row(*row)
    for key, label in RATES.items():
        row = [label]
        for p in pipelines:
            row += [_pct(summary["pipelines"][p]["rates"][key]), ""]
        if ratio:
            row.append("")
        table.add_row(*row)
    for key, label, fmt in (
        ("wer", "WER", _pct),
        ("phantom_turns", "phantom turns (self-transcriptions)", str),
        ("capture_overruns", "capture overruns", str),
        ("playout_underruns", "playout underruns (reply ran dry)", str),
        ("device_xruns", "device xruns (the sound card's own)", str),
    ):
        row = [label]
        for p in pipelines:
            value = summary["pipelines"][p][key]
            row += [fmt(value) if value is not None else "—", ""]
        if ratio:
            row.append("")
        table.add_row(*row)
    return table


def tag_table(report: dict[str, Any]) -> Table:
    by_tag = report["summary"]["by_tag"]
    pipelines = list(report["summary"]["pipelines"])
    table = Table(title="TTFA by scenario tag")
    table.add_column("tag")
    for p in pipelines:
        table.add_column(f"{p} p50", justify="right")
        table.add_column(f"{p} p95", justify="right")
        table.add_column("n", justify="right")
    for tag, values in by_tag.items():
        row = [tag]
        for p in pipelines:
            v = values.get(p, {"p50": None, "p95": None, "n": 0})
            row += [_ms(v["p50"]), _ms(v["p95"]), str(v["n"])]
        table.add_row(*row)
    return table


def caller_tables(report: dict[str, Any], key: str, title: str) -> list[Table]:
    """Understanding per corpus split or caller voice (holdout first), one table per pipeline,
    where the run had any voiced or split scenario."""
    tables = []
    for pipeline, values in report["summary"].get(key, {}).items():
        table = Table(title=f"{title} · {pipeline}")
        for column in (
            key.removeprefix("by_"),
            "n",
            "expect",
            "WER",
            "no reply",
            "cut-offs",
            "wrong order",
            "TTFA p50",
            "TTFA p95",
        ):
            table.add_column(column, justify="left" if column in ("split", "voice") else "right")
        for name, v in values.items():
            table.add_row(
                name,
                str(v["turns"]),
                _pct(v["expect_pass"]),
                _pct(v["wer"]),
                str(v["unanswered"]),
                str(v["false_cutoffs"]),
                f"{v['wrong_order_calls']}/{v['order_calls']}",
                _ms(v["ttfa_ms"]["p50"]),
                _ms(v["ttfa_ms"]["p95"]),
            )
        tables.append(table)
    return tables


def echo_table(report: dict[str, Any]) -> Table | None:
    """ERLE and heard-text accuracy, where the run measured them."""
    pipelines = report["summary"]["pipelines"]
    if not any(p["erle_db"]["n"] or p["heard_text"]["checked"] for p in pipelines.values()):
        return None
    table = Table(title="echo cancellation and heard text")
    for column in (
        "pipeline",
        "ERLE over all echo",
        "ERLE p50",
        "ERLE p95",
        "n",
        "interrupted replies checked",
        "history within one word",
    ):
        table.add_column(column)
    for name, p in pipelines.items():
        erle, heard = p["erle_db"], p["heard_text"]
        overall = p.get("erle_overall_db")
        table.add_row(
            name,
            "—" if overall is None else f"{overall:.1f} dB",
            "—" if erle["p50"] is None else f"{erle['p50']:.1f} dB",
            "—" if erle["p95"] is None else f"{erle['p95']:.1f} dB",
            str(erle["n"]),
            str(heard["checked"]),
            _pct(heard["within_one_word"]),
        )
    return table


def print_report(report: dict[str, Any], console: Console) -> None:
    console.print(summary_table(report))
    echo = echo_table(report)
    if echo is not None:
        console.print(echo)
    console.print(tag_table(report))
    for key, title in (("by_split", "callers by corpus split"), ("by_voice", "callers by voice")):
        for table in caller_tables(report, key, title):
            console.print(table)
    res = report["resources"]
    idle = res["idle_cpu_percent"]
    steal = res.get("cpu_steal_percent")
    console.print(
        f"resident memory (max): {res['rss_mb_max']:.0f} MB · idle listening: "
        + ("—" if idle is None else f"{idle:.1f} % of one core")
        + ("" if steal is None else f" · CPU taken by the host (steal): {steal:.1f} %")
    )
    for label, percent in res.get("idle_cpu_percent_by_variant", {}).items():
        if percent is not None:
            console.print(
                f"idle listening with {label}: {percent:.1f} % of one core "
                "(measured beside the configuration as loaded, A B B A)"
            )
    for line in load_lines(report["turns"]):
        console.print(line)
    calls = long_calls(report["turns"])
    for call in calls:
        console.print(long_call_table(call))
        console.print(drift_line(call))
    for line in pooled_lines(calls):
        console.print(line)
    if report["errors"]:
        console.print(f"{len(report['errors'])} error(s), each reported above when it happened")


def load_lines(turns: list[dict]) -> list[str]:
    """Per --load level: how much CPU each busy process really took beside the runs."""
    taken: dict[int, list[float]] = {}
    for turn in turns:
        if turn.get("load") and turn.get("load_cpu_percent") is not None:
            taken.setdefault(turn["load"], []).append(turn["load_cpu_percent"])
    return [
        f"load {level}: {level} busy process(es), each took {min(cpu):.0f}-{max(cpu):.0f} % "
        "of one core over its runs"
        for level, cpu in sorted(taken.items())
    ]
