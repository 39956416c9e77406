# Two commands: `make run` serves the app with demo data, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := campaign
# Emailed links point at the address served here, unless CAMPAIGN_BASE_URL says otherwise.
RUN_BASE_URL = $${CAMPAIGN_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run test lint bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	$(BIN)/flask db upgrade
	$(BIN)/flask demo
	@echo
	@echo "  campaign is running at http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "  Mail is written to instance/mail/ and its links are printed below."
	@echo
	@export CAMPAIGN_BASE_URL=$(RUN_BASE_URL); \
	 $(BIN)/flask worker --loop & worker=$$!; \
	 trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	 $(BIN)/flask run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Extract every marked string (babel.cfg) and update the Spanish catalogue: new strings
# arrive with an empty msgstr to translate; .mo files are compiled by create_app itself.
translations: $(VENV)/.installed-dev
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -k lazy_ngettext:1,2 \
	  --add-location=file --sort-output --no-wrap -o campaign/translations/messages.pot .
	$(BIN)/pybabel -q update -i campaign/translations/messages.pot -d campaign/translations \
	  --no-fuzzy-matching --ignore-obsolete --no-wrap --omit-header
	$(BIN)/python -c "from campaign.i18n.catalogs import compile_catalogs; compile_catalogs()"

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
