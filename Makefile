# voicecli: `make demo` sets everything up and runs the main job; `make test` runs the suite.
# Both call scripts/setup first, which is idempotent (fast when nothing changed).

VENV := .venv/bin

.PHONY: setup demo doctor test test-fast lint

setup:
	scripts/setup

# talk to the bundled example caller; out/demo.wav is the exchange (left: caller, right: agent),
# out/demo.jsonl its session log; then check that every question got a spoken answer
demo: setup
	$(VENV)/voicecli talk --input voicecli/samples/example-conversation.wav \
		--output out/demo.wav --log out/demo.jsonl --overwrite
	$(VENV)/python scripts/check-demo out/demo.wav out/demo.jsonl

doctor: setup
	$(VENV)/voicecli doctor

test: setup lint
	$(VENV)/pytest

test-fast: setup
	$(VENV)/pytest -m 'not slow'

lint: setup
	$(VENV)/ruff check voicecli tests $$(grep -l '^#!/usr/bin/env python3' scripts/*)
