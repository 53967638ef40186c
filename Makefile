# The two commands: `make run` (install and run Pipegram) and `make test` (install and run the tests).
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of torch; on a GPU machine use e.g. TORCH="torch==2.13.0 --index-url <your CUDA wheel index>".
TORCH ?= torch==2.13.0

.PHONY: install run test lint bench clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e ".[workers,test]"
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/pipegram up

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
