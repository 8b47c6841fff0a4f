# Two entry points (README): `make demo` and `make test`. Everything else is their plumbing.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
DVCTT := $(BIN)/dvctt
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test venv lint typecheck migrations-check pytest serve seed clean bench messages sample schema

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The locked environment; uv makes the second run a no-op.
venv: $(UV)
	@$(UV) sync --frozen --quiet --python $(PYTHON)

## Run the platform on demo data (SQLite, no other service) at http://$(HOST):$(PORT); the national sign-in goes
## to a local identity sandbox on 127.0.0.1:$(IDENTITY_PORT), stopped with the platform (docs/identity.md)
IDENTITY_PORT ?= 8766
# The national portal's sandbox (docs/national-portal.md): the demo's dossiers are really synced to it, by an
# outbox sender started beside the web server; its page http://127.0.0.1:$(PORTAL_PORT)/ shows what it received.
PORTAL_PORT ?= 8765
PORTAL_ENV := DVCTT_NATIONAL_PORTAL_TRANSPORT=adapter \
	DVCTT_NATIONAL_PORTAL_LOGIN_URL=http://127.0.0.1:$(PORTAL_PORT)/adapter/login \
	DVCTT_NATIONAL_PORTAL_ADAPTER_URL=http://127.0.0.1:$(PORTAL_PORT)/adapter \
	DVCTT_NATIONAL_PORTAL_USERNAME=dvctt DVCTT_NATIONAL_PORTAL_PASSWORD=sandbox \
	DVCTT_NATIONAL_PORTAL_UNIT_CODE=000.00.00.H38 DVCTT_NATIONAL_PORTAL_DSTCODE=DVCQG
# The demo is a development server on loopback: debug on for every step (the production warning about a loopback
# DVCTT_PUBLIC_BASE_URL, dvctt.W002, is not for it).
demo seed: export DVCTT_DEBUG := 1
demo: venv
	$(DVCTT) migrate --noinput
	$(DVCTT) demo_seed
	$(DVCTT) identity_sandbox --port $(IDENTITY_PORT) & pids=$$!; \
	$(DVCTT) national_portal_sandbox --port $(PORTAL_PORT) --data var/portal-sandbox.json & pids="$$pids $$!"; \
	export $(PORTAL_ENV); $(DVCTT) outbox_send --loop 2 & pids="$$pids $$!"; \
	trap 'kill $$pids 2>/dev/null' EXIT; \
	DVCTT_IDENTITY_ISSUER=http://127.0.0.1:$(IDENTITY_PORT) DVCTT_IDENTITY_CLIENT_ID=dvctt \
	DVCTT_IDENTITY_CLIENT_SECRET=sandbox DVCTT_PUBLIC_BASE_URL=http://$(HOST):$(PORT) \
	DVCTT_TASKS_IMMEDIATE=1 DVCTT_DEBUG=1 $(DVCTT) runserver $(HOST):$(PORT)

seed: venv
	$(DVCTT) migrate --noinput
	$(DVCTT) demo_seed

## The whole suite: lint, format, type checks, migration check, tests
test: venv lint typecheck migrations-check pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	DVCTT_TESTING=1 $(BIN)/mypy dvctt

migrations-check:
	DVCTT_TESTING=1 $(DVCTT) makemigrations --check --dry-run

pytest:
	DVCTT_TESTING=1 $(BIN)/pytest -n 2 $(PYTEST_ARGS)

## Refresh the English catalogue from the code (then fill the empty msgstr) and compile it (.mo is committed)
## and compile DRF's messages in Vietnamese (dvctt/locale/vendor, kept by hand, never extracted: docs/api.md)
messages: venv
	DVCTT_TESTING=1 $(DVCTT) makemessages -l en --add-location=file --no-obsolete --ignore=.venv --ignore=.tools --ignore=staticfiles --ignore=var --ignore=bench
	DVCTT_TESTING=1 $(DVCTT) compilemessages -l en --ignore=.venv --ignore=.tools
	msgfmt --check -o dvctt/locale/vendor/vi/LC_MESSAGES/django.mo dvctt/locale/vendor/vi/LC_MESSAGES/django.po

## Refresh the tests' copy of the province's sample (tests/data/sample) from SHARED (default ../shared)
SHARED ?= ../shared
sample:
	test -d $(SHARED)/data/sample
	rm -rf tests/data/sample
	cp -r $(SHARED)/data/sample tests/data/sample
	chmod -R u+w tests/data/sample

## Write the API's OpenAPI schema, as /api/v1/schema/ serves it, to docs/openapi.yaml (a test compares the two)
schema: venv
	DVCTT_TESTING=1 $(DVCTT) spectacular --api-version 1 --lang vi --validate --file docs/openapi.yaml

bench: venv
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(TOOLS) var staticfiles .pytest_cache .mypy_cache .ruff_cache
