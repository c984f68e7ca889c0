# Village Market: every task a developer or CI runs. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help run serve test lint messages bench figures live pages worker clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

messages: $(VENV)/.installed ## compile our translations (Oscar ships its own compiled zh_Hans)
	$(VENV)/bin/pybabel compile --statistics -D django -d shop/locale

run: $(VENV)/.installed messages ## start the site on http://$(HOST)/ with demo data
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@if [ -n "$$REDIS_URL" ]; then \
		echo "REDIS_URL is set: starting a Celery worker"; \
		$(VENV)/bin/celery -A config worker -Q celery,live-orders --beat --schedule var/celerybeat-schedule --concurrency 2 --loglevel INFO & \
	fi; \
	$(PY) manage.py runserver $(HOST)

# `make serve`: the production settings on this machine, over plain HTTP (no HTTPS redirect, no
# secure-only cookies), on the local PostgreSQL and Redis; every variable can be overridden.
SERVE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/village_market
SERVE_REDIS_URL ?= redis://127.0.0.1:6379/0
SERVE_ENV = DJANGO_SETTINGS_MODULE=config.settings.production \
	DATABASE_URL=$${DATABASE_URL:-$(SERVE_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(SERVE_REDIS_URL)} \
	SECRET_KEY=$${SECRET_KEY:-$$(cat var/serve-secret-key)} ALLOWED_HOSTS=$${ALLOWED_HOSTS:-127.0.0.1,localhost} \
	SITE_URL=$${SITE_URL:-http://$(HOST)} SECURE_SSL_REDIRECT=false SECURE_COOKIES=false GUNICORN_BIND=$(HOST)

serve: $(VENV)/.installed messages ## production settings under gunicorn on http://$(HOST)/ (PostgreSQL + Redis)
	@mkdir -p var; test -s var/serve-secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > var/serve-secret-key
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(VENV)/bin/gunicorn -c gunicorn.conf.py config.wsgi

worker: $(VENV)/.installed ## run a Celery worker with beat (needs REDIS_URL)
	$(VENV)/bin/celery -A config worker -Q celery,live-orders --beat --schedule var/celerybeat-schedule --concurrency 2 --loglevel INFO

# Tests run in parallel (pytest-xdist, one process per core; each module's tests stay on one worker,
# so a module's browser starts once). Local runs keep the test databases between runs; CI (CI=true)
# always creates them afresh.
PYTEST_WORKERS ?= auto
PYTEST_DB := $(if $(filter true 1 yes,$(CI)),--create-db,--reuse-db)
# Dummy secrets for `check --deploy`: only the settings are checked, nothing is served.
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=deploy-check-only-q7Zr9xW2pL5mN8vB4cT6yH1jF0dS3aGk4Lm \
	ALLOWED_HOSTS=shop.example.com REDIS_URL=redis://127.0.0.1:6379/0 SITE_URL=https://shop.example.com

test: $(VENV)/.installed messages ## lint, format, migrations and deploy checks, then the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_DB) $(PYTEST_ARGS)

bench: $(VENV)/.installed messages ## checkout, notification and live-sale figures; `make bench pages` (or live, figures, search, vanilla): one part (PostgreSQL + Redis, wrk)
	@command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || echo "make bench: install wrk (apt-get install wrk) for the live-sale figures"; }
	$(PY) -m tests.bench $(filter figures live pages search vanilla,$(MAKECMDGOALS))

# `make bench pages` (live, figures, search, vanilla): the word only selects that part of the bench.
figures live pages search vanilla:
	@:

lint: $(VENV)/.installed ## ruff (rules and formatting)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean: ## remove the local database, media and search index
	rm -rf var
