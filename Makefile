# Two commands on a fresh machine: `make run` (install, index corpus/, start the app) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run index test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch lies on this machine's disk; pin it before anything pulls another one.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(BIN)/nianbao ingest corpus

run: index
	$(BIN)/nianbao serve --host 127.0.0.1 --port 7860

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

eval: install
	$(BIN)/nianbao eval --corpus corpus

bench: install
	$(BIN)/nianbao bench retrieval
	$(BIN)/nianbao bench answers

clean:
	rm -rf $(VENV) data build *.egg-info
