# Village Market: every task a developer or CI runs. `make help` lists them.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.DEFAULT_GOAL := help
.PHONY: help run test lint messages bench worker clean

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
		$(VENV)/bin/celery -A config worker --beat --schedule var/celerybeat-schedule --concurrency 2 --loglevel INFO & \
	fi; \
	$(PY) manage.py runserver $(HOST)

worker: $(VENV)/.installed ## run a Celery worker with beat (needs REDIS_URL)
	$(VENV)/bin/celery -A config worker --beat --schedule var/celerybeat-schedule --concurrency 2 --loglevel INFO

test: $(VENV)/.installed messages ## run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.installed messages ## print checkout SQL counts and notification throughput/latency (needs PostgreSQL + Redis)
	$(PY) -m tests.bench

lint: $(VENV)/.installed ## ruff
	$(VENV)/bin/ruff check .

clean: ## remove the local database, media and search index
	rm -rf var
