# Everything runs inside .venv, created on first use: `make demo` and `make test` work on a
# fresh machine with only Python 3.11 installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench texts run clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/positie demo

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/fanout.py
	$(BIN)/python benchmarks/digest.py
	$(BIN)/python benchmarks/privacy.py
	$(BIN)/python benchmarks/roster.py

# Re-extract user texts and merge them into the Dutch catalogue (then translate new entries).
texts: $(STAMP)
	$(BIN)/pybabel extract -k gettext -k ngettext:1,2 -k N_ --no-location -o $(VENV)/positie.pot bot adapters positie
	$(BIN)/pybabel update -i $(VENV)/positie.pot -d bot/texts/locale -D positie -l nl --no-fuzzy-matching

run: $(STAMP)
	$(BIN)/positie run --config positie.toml

clean:
	rm -rf $(VENV) demo-output
