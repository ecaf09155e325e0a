# Everything runs inside .venv, created on first use: `make demo` and `make test` work on a
# fresh machine with only Python 3.11 installed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Exactly the versions CI tested; `make constraints` re-resolves them (see README).
CONSTRAINTS := constraints.txt

.PHONY: demo test lint check-deploy bench texts run clean constraints

$(STAMP): pyproject.toml $(CONSTRAINTS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c $(CONSTRAINTS) -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/positie demo

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# The deployment files no machine here can run (no Docker daemon): the Dockerfile under
# hadolint, the compose file and publiccode.yml against their schemas. The installed-wheel
# test (tests/deploy) runs what the image runs and verifies the systemd unit.
check-deploy: $(STAMP)
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec deploy/compose.yaml
	$(BIN)/check-jsonschema --schemafile .ci/schemas/publiccode.schema.json publiccode.yml

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/fanout.py
	$(BIN)/python benchmarks/digest.py
	$(BIN)/python benchmarks/privacy.py
	$(BIN)/python benchmarks/roster.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/export.py

# Re-extract user texts and merge them into the Dutch catalogue (then translate new entries).
texts: $(STAMP)
	$(BIN)/pybabel extract -k gettext -k ngettext:1,2 -k N_ --no-location -o $(VENV)/positie.pot bot adapters positie
	$(BIN)/pybabel update -i $(VENV)/positie.pot -d bot/texts/locale -D positie -l nl --no-fuzzy-matching

run: $(STAMP)
	$(BIN)/positie run --config positie.toml

# Resolve the newest versions pyproject.toml allows in a throw-away venv and pin them all.
constraints:
	rm -rf .venv-constraints
	$(PYTHON) -m venv .venv-constraints
	.venv-constraints/bin/pip install --quiet --upgrade pip
	.venv-constraints/bin/pip install --quiet ".[dev]"
	{ echo "# Exactly the versions CI tested (Python 3.11). Refresh: make constraints, then make test."; \
	  .venv-constraints/bin/pip freeze --exclude positie; } > $(CONSTRAINTS)
	rm -rf .venv-constraints

clean:
	rm -rf $(VENV) demo-output
