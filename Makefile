# Two commands for a newcomer: `make run` and `make test`. Everything else is installed from here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Compiled gettext catalogues, built from the translations at install (and in memory at start when missing).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard handlers/locales/*/LC_MESSAGES/messages.po))

.PHONY: run test install lint messages check-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) $(MO_FILES)

$(MO_FILES): $(STAMP) $(wildcard handlers/locales/*/LC_MESSAGES/messages.po)
	$(BIN)/python -m handlers.catalogues compile

run: install
	$(BIN)/hrc-bot db upgrade
	$(BIN)/hrc-bot run

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# After changing user-facing strings: re-extract handlers/locales/messages.pot and merge it into every
# language's .po (new strings get an empty msgstr to translate); then `make check-messages`.
messages: install
	$(BIN)/python -m handlers.catalogues update

check-messages: install
	$(BIN)/python -m handlers.catalogues check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
