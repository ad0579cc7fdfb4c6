# A fresh clone needs nothing but Python 3.11: every target installs what it uses.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser fonts hsm run cluster faults demo test test-fast lint typecheck imports pytest bench clean ui-types lock samples

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every dependency is pinned with its hashes in requirements-dev.lock (the image uses
# requirements.lock); the project itself goes in on top, without resolving anything again.
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Re-resolves both lock files from pyproject.toml (uv: fast, and hashes for every file).
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	--python-platform x86_64-unknown-linux-gnu --no-annotate --custom-compile-command "make lock"
# The XLSX template the API serves and the sample under data/samples/, written again.
samples: install
	$(BIN)/python -m tests.xlsx

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==0.9.30
	$(UV_COMPILE) --quiet -o requirements.lock
	$(UV_COMPILE) --quiet --extra dev -o requirements-dev.lock

install: $(STAMP)

# The UI's lint and format tools, pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

# Browser tests drive Debian's Chromium; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's packages for documents: the PDFs' font (Liberation Serif, metric-compatible with
# Times New Roman) and poppler-utils, whose pdftotext and pdftoppm the tests read PDFs with.
FONT := /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf
fonts:
	@test -f $(FONT) && command -v pdftotext >/dev/null || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq fonts-liberation2 poppler-utils >/dev/null; }

# SoftHSM 2, a PKCS#11 token in software, on which the tests keep a signing key as an HSM
# would (production names its own HSM's module: docs/operations.md).
hsm:
	@command -v softhsm2-util >/dev/null || { \
		SUDO=$$(test "$$(id -u)" = 0 || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq softhsm2 >/dev/null; }

run: install fonts
	THIDUA_DEMO=$${THIDUA_DEMO:-1} $(BIN)/thidua run

# Production-shaped: PostgreSQL, Temporal and two of each process (see README, Operations).
cluster: install fonts
	THIDUA_DEMO=$${THIDUA_DEMO:-1} THIDUA_DATA_DIR=$${THIDUA_DATA_DIR:-var/cluster} $(BIN)/thidua cluster

# The fault suite at length: more load and every fault (make test runs the short version).
faults: install fonts
	THIDUA_FAULTS=long $(BIN)/pytest -m faults -s tests/faults

# The UI's types for every API shape, generated from the OpenAPI document into $$out.
UI_TYPES := src/api/ui/api.d.ts
GENERATE_UI_TYPES = $(BIN)/thidua openapi -o $$out/openapi.json 2>/dev/null \
	&& npx --no-install openapi-typescript $$out/openapi.json -o $$out/api.d.ts --default-non-nullable false --silent \
	&& npx --no-install prettier --config .prettierrc.json --log-level warn --write $$out/api.d.ts

ui-types: install $(NODE_STAMP)
	@out=$$(mktemp -d) && $(GENERATE_UI_TYPES) && cp $$out/api.d.ts $(UI_TYPES)

lint: install $(NODE_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	npx --no-install eslint src/api/ui
	npx --no-install prettier --check src/api/ui
	@out=$$(mktemp -d) && $(GENERATE_UI_TYPES) && cmp -s $$out/api.d.ts $(UI_TYPES) \
		|| { echo "$(UI_TYPES) does not match the API: run make ui-types"; exit 1; }
	npx --no-install tsc -p tsconfig.json

typecheck: install
	$(BIN)/mypy --strict src

imports: install
	$(BIN)/lint-imports

# On every core; tests that share costly set-up stay on one worker (the browser tests, the fault
# suite, a seeded demo), every other test goes where a worker is free (tests/conftest.py).
PYTEST_PARALLEL := -n auto --dist loadgroup

pytest: install browser fonts hsm
	$(BIN)/pytest $(PYTEST_PARALLEL)

# The inner loop: the domain, the API, its attackers and the views, in under two minutes.
test-fast: install fonts
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "(unit or api or security or projections) and not slow"

test: lint typecheck imports pytest

bench: install fonts
	$(BIN)/python -m bench.append
	$(BIN)/python -m bench.load
	$(BIN)/python -m bench.projections
	$(BIN)/python -m bench.relay
	$(BIN)/python -m bench.workflows
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.seal
	$(BIN)/python -m bench.import
	$(BIN)/python -m bench.units
	$(BIN)/python -m bench.soak
	$(BIN)/python -m bench.scale
	$(BIN)/python -m bench.national
	$(BIN)/python -m bench.documents
	$(BIN)/python -m bench.api_start

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
