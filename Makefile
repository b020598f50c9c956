# The two commands: `make run` and `make test`. Both work on a fresh Debian machine with
# Python 3.11; everything else here is what they are made of.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
# Debian packages the test suite needs: a browser, a database server, fonts for PDFs.
APT_PACKAGES := chromium postgresql fonts-liberation
TEST_ENV := DJANGO_SECRET_KEY=test-only-not-secret DJANGO_DEBUG=0 DJANGO_HTTPS=0 DJANGO_DEVTOOLS=1

.PHONY: run test test-sqlite test-postgres lint audit loadtest install install-test system-deps node-deps assets clean

## run: install, migrate, load the Sandwell demo data into an empty database, serve on 127.0.0.1:8000
run: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DJANGO_DEBUG=1 $(PY) manage.py load_sandwell --if-empty --demo-users
	DJANGO_DEBUG=1 $(PY) manage.py open_demo_to_public
	@# The daily jobs (reminders, digests, tidying); it refuses, harmlessly, with DJANGO_TASKS_BACKEND=immediate.
	-DJANGO_DEBUG=1 $(PY) manage.py schedule_daily
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker (Ctrl+C stops both)"
	@# The worker makes report files in the background; it stops when the server stops.
	DJANGO_DEBUG=1 $(PY) manage.py db_worker --no-reload --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

## test: lint, then the whole suite on SQLite and on a throwaway PostgreSQL cluster
test: install-test system-deps node-deps lint
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite:
	@echo "== pytest on SQLite"
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

test-postgres:
	@echo "== pytest on a throwaway PostgreSQL cluster"
	$(TEST_ENV) .ci/with-postgres $(PY) -m pytest $(PYTEST_ARGS)

lint: install-test
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

## loadtest: 50 simulated officers for 60 s against gunicorn on a throwaway PostgreSQL
LOADTEST_ARGS ?= --officers 50 --seconds 60
loadtest: install system-deps
	DJANGO_SECRET_KEY=loadtest-only-not-secret DJANGO_DEBUG=0 DJANGO_HTTPS=0 PG_DURABLE=1 DJANGO_DEVTOOLS=1 \
	.ci/with-postgres sh -c '$(PY) manage.py migrate --noinput -v 0 && \
		$(PY) manage.py createcachetable && \
		$(PY) manage.py loadtest --allow-writes $(LOADTEST_ARGS)'

## audit: known vulnerabilities in the installed dependencies (pip-audit; see .ci/audit-deps)
audit: install-test
	.ci/audit-deps

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-test: $(VENV)/.installed-test

system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	fc-list 2>/dev/null | grep -qi "Liberation Sans" || missing="$$missing fonts-liberation"; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# axe-core for the accessibility audits (and sass/govuk-frontend for `make assets`).
node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

node-deps: node_modules/.package-lock.json

## assets: rebuild static/css/app.css and static/js from govuk-frontend (output is committed)
assets: node-deps
	npm run --silent build

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
