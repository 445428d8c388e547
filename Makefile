# The two commands README.md opens with: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.fdgui-installed

# The tests start ~1,000 Python processes (the CLI, probe workers): with PYTHONDONTWRITEBYTECODE
# set (this machine sets it) each recompiled fdgui's sources and each pytest process rewrote
# every test module's asserts anew. Empty = unset for Python: bytecode is cached in the
# clone's __pycache__ folders (git ignores them), as for a person without that setting.
TEST_ENV := PYTHONDONTWRITEBYTECODE= QT_QPA_PLATFORM=offscreen

.PHONY: run test lint format bench bundle clean setup

run: $(STAMP)
	./scripts/system-deps --x11
	$(BIN)/fdgui

test: $(STAMP)
	./scripts/system-deps --optional desktop-file-utils appstream gcc
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(TEST_ENV) $(BIN)/python -m pytest -q -m serial $(PYTEST_ARGS)
	$(TEST_ENV) $(BIN)/python -m pytest -q -n 2 --dist loadfile --no-loadscope-reorder -m "not serial" $(PYTEST_ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps Makefile
	./scripts/system-deps
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test,packaging,torch,jax]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format . && $(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	for b in benchmarks/bench_*.py; do $(BIN)/python $$b || exit 1; done

bundle: $(STAMP)
	./packaging/build onefolder

clean:
	rm -rf $(VENV) build dist *.egg-info
