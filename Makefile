# A fresh clone needs nothing but Python 3.11: every target installs what it uses.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run demo test lint typecheck imports pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

run: install
	THIDUA_DEMO=$${THIDUA_DEMO:-1} $(BIN)/thidua run

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy --strict src

imports: install
	$(BIN)/lint-imports

pytest: install browser
	$(BIN)/pytest

test: lint typecheck imports pytest

bench: install
	$(BIN)/python -m bench.append
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.projections
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.workflows
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.seal

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
