# The two commands: `make run` (install and run Pipegram) and `make test` (install and run the tests).
# Every command here works from a fresh shell: nothing needs the virtual environment activated.
VENV ?= .venv
PY := $(VENV)/bin/python
# torch with torchvision (SAM's mask post-processing needs it). PyPI's torch 2.14.1 is a CUDA build that also runs
# on CPU; for another CUDA version use e.g. TORCH="torch==2.14.1 torchvision==0.29.1 --index-url <your wheel index>".
TORCH ?= torch==2.14.1 torchvision==0.29.1
INSTALL_LOG := $(VENV)/install.log

.PHONY: install run chat status test lint bench screenshot clean

# pip's output goes to a log; only a failure shows its end.
$(VENV)/.installed: pyproject.toml Makefile
	@echo "Installing Pipegram into $(VENV): the first time downloads torch (several GB) and takes minutes; log in $(INSTALL_LOG)"
	@[ -x $(PY) ] || python3 -m venv $(VENV)  # never re-run over a venv: it would re-point it at this shell's python3
	@{ $(PY) -m pip install --upgrade pip && $(PY) -m pip install $(TORCH) && \
	   $(PY) -m pip install -e ".[workers,test]"; } > $(INSTALL_LOG) 2>&1 || \
	 { tail -n 25 $(INSTALL_LOG); echo "Installing failed; the whole log is $(INSTALL_LOG)"; exit 1; }
	@touch $@

install: $(VENV)/.installed

# V=1 prints every process's log too (pipegram up -v).
run: install
	@$(VENV)/bin/pipegram up $(if $(V),-v)

# From a second terminal while `make run` runs: chat with the bot, or see the workers and queues. They install only
# into a missing venv (order-only), never under a running Pipegram.
chat: | $(VENV)/.installed
	@$(VENV)/bin/pipegram chat

status: | $(VENV)/.installed
	@$(VENV)/bin/pipegram status

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: install
	$(PY) bench/run.py

# docs/webchat.png, the README's picture of the web chat, from a real conversation (tiny models unless
# PIPEGRAM_MODELS says otherwise); needs Debian's chromium, espeak-ng and an emoji font, as the tests do.
screenshot: install
	$(PY) docs/webchat.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
