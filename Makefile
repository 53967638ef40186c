# The two commands: `make run` (install and run Pipegram) and `make test` (install and run the tests).
VENV ?= .venv
PY := $(VENV)/bin/python
# torch with torchvision (SAM's mask post-processing needs it). PyPI's torch 2.14.1 is a CUDA build that also runs
# on CPU; for another CUDA version use e.g. TORCH="torch==2.14.1 torchvision==0.29.1 --index-url <your wheel index>".
TORCH ?= torch==2.14.1 torchvision==0.29.1

.PHONY: install run test lint bench clean

$(VENV)/.installed: pyproject.toml Makefile
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
