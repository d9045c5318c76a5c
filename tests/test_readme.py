"""The commands a newcomer copies cannot drift from what works: the README's set-up commands
are the ones CI runs, and every `voicecli` command line in the shell blocks of the README and
docs/ and in the Makefile's recipes parses against the real command line (an unknown option
fails here, as `--trace` once failed `make demo`). CI itself runs `make test` and `make demo`."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
import typer

from voicecli.cli import app

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)


def command_lines(block: str) -> list[str]:
    lines = []
    for raw in block.replace("\\\n", " ").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def parse(args: list[str]) -> None:
    """Parse `voicecli ARGS` as the real CLI would, down to the subcommand, without running it."""
    command = typer.main.get_command(app)
    ctx = command.make_context("voicecli", list(args))
    while hasattr(command, "resolve_command"):
        # a group keeps the subcommand and its words unparsed (`_protected_args` in the click
        # that Typer vendors, `protected_args` in click itself)
        pending = [*getattr(ctx, "protected_args", getattr(ctx, "_protected_args", [])), *ctx.args]
        if not pending:
            break
        name, command, rest = command.resolve_command(ctx, pending)
        ctx = command.make_context(name, rest, parent=ctx)


def voicecli_args(line: str) -> list[str] | None:
    """The arguments of a command line that runs voicecli (`voicecli …`, `.venv/bin/voicecli …`)."""
    words = shlex.split(line)
    if words and (words[0] == "voicecli" or words[0].endswith("/voicecli")):
        return words[1:]
    return None


def test_the_readme_setup_commands_are_what_ci_runs() -> None:
    text = README.read_text()
    setup = text.split("## Two commands", 1)[1]
    first_block = command_lines(shell_blocks(setup)[0])
    ci = (REPO / ".ci" / "run").read_text()
    targets = re.search(r"for target in ([\w ]+); do", ci)
    assert targets is not None, "the .ci/run loop over make targets moved"
    assert sorted(first_block) == sorted(f"make {t}" for t in targets.group(1).split())


def documented_commands() -> list[str]:
    found = []
    for page in [README, *sorted((REPO / "docs").glob("*.md"))]:
        for block in shell_blocks(page.read_text()):
            found += [ln for ln in command_lines(block) if voicecli_args(ln) is not None]
    return found


def test_the_docs_show_voicecli_commands() -> None:
    assert len(documented_commands()) >= 5


@pytest.mark.parametrize("line", documented_commands())
def test_every_voicecli_command_in_the_docs_parses(line: str) -> None:
    args = voicecli_args(line)
    assert args is not None
    parse(args)


def makefile_commands() -> list[str]:
    lines = []
    for target in ("demo", "doctor"):
        dry = subprocess.run(
            ["make", "-n", target], capture_output=True, text=True, cwd=REPO, check=True
        ).stdout
        lines += [ln for ln in command_lines(dry) if voicecli_args(ln) is not None]
    return lines


def test_the_makefile_runs_voicecli_in_its_demo() -> None:
    assert any("talk" in line for line in makefile_commands())


@pytest.mark.parametrize("line", makefile_commands())
def test_every_voicecli_command_in_the_makefile_parses(line: str) -> None:
    args = voicecli_args(line)
    assert args is not None
    parse(args)


def test_an_unknown_option_fails_the_parse() -> None:
    """The check above would have caught the old demo's `--trace`."""
    with pytest.raises(typer.TyperException, match="No such option: --trace"):
        parse(["talk", "--input", "in.wav", "--trace", "out.jsonl"])
