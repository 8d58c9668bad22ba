# Two commands on a fresh machine: `make run` (install, index corpus/, start the app) and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run index test lint eval bench clean

# pip's own output (warnings about find-links, setuptools banners) goes to $(LOG); the screen gets one line per
# step, and on a failure the log's last lines and where the whole log is.
LOG    := $(VENV)/install.log
quiet   = $(1) >>$(LOG) 2>&1 || { echo "  failed: $(1)"; echo "  last lines of $(LOG):"; tail -n 20 $(LOG); exit 1; }

$(STAMP): pyproject.toml
	@echo "[1/4] creating $(VENV) (pip's output goes to $(LOG))"
	@mkdir -p $(VENV) && : >$(LOG)
	@$(call quiet,$(PYTHON) -m venv $(VENV))
	@echo "[2/4] upgrading pip"
	@$(call quiet,$(BIN)/pip install --quiet --upgrade pip)
	@# The CPU build of torch lies on this machine's disk; pin it before anything pulls another one.
	@echo "[3/4] installing torch (CPU build, from local disk)"
	@$(call quiet,$(BIN)/pip install --quiet torch==2.13.0)
	@echo "[4/4] installing nianbao and its dependencies (a few minutes the first time)"
	@$(call quiet,$(BIN)/pip install --quiet -e '.[test]')
	@touch $(STAMP)
	@echo "installed."

install: $(STAMP)

index: install
	@echo "indexing corpus/ (unchanged reports are skipped)"
	@$(BIN)/nianbao ingest --quiet corpus

run: index
	@echo "starting the app on http://127.0.0.1:7860 (press Ctrl+C to stop)"
	@$(BIN)/nianbao serve --host 127.0.0.1 --port 7860

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
