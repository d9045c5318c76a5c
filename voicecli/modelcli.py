"""The `voicecli models` commands: tables and messages around the model store."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn
from rich.table import Table

from voicecli.config import Config
from voicecli.modelinstall import Installer
from voicecli.modelstore import FileState, Model, ModelStore, worst_state

STATE_STYLE = {FileState.OK: "green", FileState.MISSING: "yellow", FileState.CORRUPT: "red"}


def configured_ids(config: Config) -> list[str]:
    """The models config.toml assigns to each role."""
    m = config.models
    return [m.vad, m.turn, m.stt, m.llm, m.tts]


def open_store(config: Config) -> ModelStore:
    store = ModelStore(config.store_path())
    for model_id in configured_ids(config):
        store.model(model_id)  # unknown ids in config.toml fail here, with the list
    return store


def _mb(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def list_models(config: Config, console: Console) -> None:
    store = open_store(config)
    table = Table(title=f"models in {store.root}")
    for column in ("id", "role", "set", "size", "status", "description", "licence"):
        table.add_column(column)
    chosen = set(configured_ids(config))
    for model in store.models.values():
        state = worst_state(store.check(model, rehash=False))
        label = "default" if model.default else "--all"
        if model.id in chosen:
            label += " (in use)"
        style = STATE_STYLE[state]
        table.add_row(
            model.id,
            model.role,
            label,
            _mb(model.size),
            f"[{style}]{state.value}[/]",
            model.description,
            model.licence,
        )
    console.print(table)


def select(store: ModelStore, config: Config, ids: list[str], all_models: bool) -> list[Model]:
    if ids:
        return [store.model(i) for i in ids]
    wanted = set(configured_ids(config))
    return [m for m in store.models.values() if m.default or all_models or m.id in wanted]


def install_models(config: Config, console: Console, ids: list[str], all_models: bool) -> None:
    store = open_store(config)
    models = select(store, config, ids, all_models)
    console.print(f"model store: {store.root}")
    Installer(store, console, keep_wheels=config.models.keep_wheels).install(models)


def verify_models(config: Config, console: Console, ids: list[str]) -> bool:
    """Re-hash models; True when every checked model is OK."""
    store = open_store(config)
    if ids:
        models = [store.model(i) for i in ids]
    else:
        wanted = set(configured_ids(config))
        models = [
            m
            for m in store.models.values()
            if m.default or m.id in wanted or store.model_dir(m).is_dir()
        ]
    table = Table(title=f"verify {store.root}")
    for column in ("id", "role", "status", "detail"):
        table.add_column(column)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn())
    failures: list[Model] = []
    with Progress(*columns, console=console, transient=True) as progress:
        for model in models:
            task = progress.add_task(f"hashing {model.id}", total=model.size)
            statuses = store.check(
                model, rehash=True, progress=lambda n, t=task: progress.advance(t, n)
            )
            state = worst_state(statuses)
            bad = [f"{s.file.name}: {s.detail}" for s in statuses if s.state is not FileState.OK]
            style = STATE_STYLE[state]
            table.add_row(
                model.id, model.role, f"[{style}]{state.value}[/]", "; ".join(bad) or "ok"
            )
            if state is not FileState.OK:
                failures.append(model)
    console.print(table)
    if failures:
        needs_all = any(not m.default for m in failures)
        names = ", ".join(m.id for m in failures)
        flag = " --all" if needs_all else ""
        console.print(
            f"[red]{names}: missing or corrupt[/]; run `voicecli models install{flag}` "
            "to fetch and repair them",
            soft_wrap=True,
        )
    return not failures


def model_path(config: Config, model_id: str) -> str:
    return str(open_store(config).require(model_id))
