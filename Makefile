# Two commands do everything on a fresh machine: `make run` and `make test`.
# Both create .venv (Python >= 3.12) when it is missing and install the package with its extras.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CONFIG ?= history_1935_37
OUT    ?= runs/history_1935_37
REPLICATES ?= 5
LAB_STAMP := $(VENV)/.lab-installed

# A Python >= 3.12: on PATH, or under pyenv.
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
            command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test lint bench clean help app lab

help:
	@echo "make run   - run the default scenario ($(CONFIG)), $(REPLICATES) replicates, into $(OUT)"
	@echo "             (REPLICATES=20 make run for narrower bands, REPLICATES=1 for one run)"
	@echo "make test  - run the whole test suite"
	@echo "make lint  - ruff check and format check"
	@echo "make app   - the classroom app in the browser (http://127.0.0.1:8765/)"
	@echo "make lab   - install JupyterLab into .venv and open the teaching notebooks"
	@echo "make bench - benchmarks (about 14 min): cost per worker-shift 1k-1M miners, scenarios, ensembles, runs per second against batch size (benchmarks/results.md)"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found (looked for python3.13, python3.12 and pyenv versions)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@echo "compiling the model's kernels once (cached on disk for every later run)"
	$(PY) -c "from stakhanov_sim.experiments.warmup import compile_all; compile_all()"
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/stakhanov-sim run $(CONFIG) -o $(OUT) --replicates $(REPLICATES) --overwrite

app: $(STAMP)
	$(VENV)/bin/stakhanov-sim app

$(LAB_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e ".[lab]"
	@touch $(LAB_STAMP)

lab: $(LAB_STAMP)
	$(VENV)/bin/jupyter lab notebooks/

test: $(STAMP) lint
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/bench.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks
	$(VENV)/bin/ruff format --check src tests benchmarks notebooks

clean:
	rm -rf runs .pytest_cache .ruff_cache
