# dmpilot: one command to run, one to test. Everything installs into ./.venv.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
TEST_WORKERS ?= 2

.PHONY: install browser run demo test bench soak lint eval eval-gate eval-baseline clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "dmpilot needs Python 3.11 (set PYTHON=...)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## run: install, load the demo creator + catalog, serve the API on http://$(HOST):$(PORT)
run: install
	$(BIN)/dmpilot serve --demo --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/dmpilot demo

## test: install and run the whole test suite (offline; LangSmith tracking off) on TEST_WORKERS
## processes (each module's tests stay in one worker, so module fixtures are built once)
## browser: Debian's chromium and chromedriver for the web app's browser tests (once; needs apt)
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	  { apt-get update -q && apt-get install -y -q chromium chromium-driver; }

test: install browser
	LANGSMITH_TEST_TRACKING=false ANONYMIZED_TELEMETRY=False $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadscope

## bench: embeddings, search at 10k and 100k (BENCH_SKIP_100K=1 skips 100k), agent turns, clustering, fan-out, Instagram webhooks -> bench/results/
bench: install
	$(BIN)/python -m bench.run

## soak: real server under a steady mixed load for SOAK_MINUTES (default 5); is it flat? -> bench/results/
soak: install
	$(BIN)/python -m bench.soak $(ARGS)

## eval: offline quality evaluations -> evals/reports/ (ARGS="--model openai:gpt-4o-mini" or "--upload")
eval: install
	$(BIN)/python -m evals.run $(ARGS)

## eval-gate: fail when a headline metric drops below evals/baseline.json by > the tolerance
eval-gate: install
	$(BIN)/python -m evals.run --gate

eval-baseline: install
	$(BIN)/python -m evals.run --write-baseline

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV) .dmpilot .pytest_cache .mypy_cache .ruff_cache
