# voicecli: `make demo` sets everything up and runs the main job; `make test` runs the suite.
# Both call scripts/setup first, which is idempotent (fast when nothing changed).

VENV := .venv/bin

.PHONY: setup demo test test-fast lint

setup:
	scripts/setup

demo: setup
	$(VENV)/voicecli doctor

test: setup lint
	$(VENV)/pytest

test-fast: setup
	$(VENV)/pytest -m 'not slow'

lint: setup
	$(VENV)/ruff check voicecli tests
