"""The `voicecli devices` table."""

from __future__ import annotations

from rich.table import Table

from voicecli.audio.devices import DeviceInfo


def device_table(devices: list[DeviceInfo]) -> Table | str:
    if not devices:
        return (
            "PortAudio sees no audio devices on this machine; use `voicecli talk --input "
            "FILE.wav` to talk from a file"
        )
    table = Table(title="audio devices")
    for column in ("index", "name", "host API", "in", "out", "default rate", "default"):
        table.add_column(column)
    for d in devices:
        default = " ".join(
            label
            for label, yes in (("input", d.is_default_input), ("output", d.is_default_output))
            if yes
        )
        table.add_row(
            str(d.index),
            d.name,
            d.host_api,
            str(d.inputs),
            str(d.outputs),
            f"{d.default_rate:.0f}",
            default,
        )
    return table
