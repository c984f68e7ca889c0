"""gunicorn's settings for the site (`gunicorn -c gunicorn.conf.py config.wsgi`; `make serve` uses it).

Chosen by measurement on the 2-core machine (docs/serving.md has the figures): gthread workers, one
per core, four threads each. A page spends part of its time waiting on PostgreSQL and Redis, which
threads overlap; more processes than that only added context switches (sync workers, 4 or 8 of
them, and 4 gthread workers all served fewer requests). gunicorn's gthread worker, with new connections
shared evenly between the workers (config/gunicorn_worker.py). Keep-alive lets a
phone reuse its connection for the page's static files. Every value can be changed from the
environment (GUNICORN_WORKERS ...) without editing this file.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# gthread, with new connections shared evenly between the workers (config/gunicorn_worker.py).
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "config.gunicorn_worker.BalancedThreadWorker")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", 5))
# A request stuck this long is killed with its worker (a checkout waits on row locks, never this long).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
# Workers are not recycled after a number of requests: one recycled in the middle of a crowd closes the
# connections it keeps alive (docs/serving.md). Set GUNICORN_MAX_REQUESTS if a worker's memory ever grows.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 0))
max_requests_jitter = max_requests // 10
# Load the application once before forking: workers share its memory and start at once.
preload_app = True
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a proxy that sets X-Forwarded-Proto (production's SECURE_PROXY_SSL_HEADER); set to the proxy's address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
