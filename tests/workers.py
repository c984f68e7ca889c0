"""Starting a real Celery worker process, for the tests that need one (tests/conftest.py) and `make bench`."""

import itertools
import os
import subprocess
import sys
import time

_started = (f"{os.getpid()}-{n}" for n in itertools.count())


class WorkerDidNotStart(RuntimeError):
    pass


def spawn_celery_worker(*, log_path, queue: str, env=None, timeout: float = 30) -> subprocess.Popen:
    """A worker (solo pool, one queue) in its own process, logging to ``log_path``; returns once it is
    ready. Raises WorkerDidNotStart (the process is killed) when it exits or is not ready in time."""
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "-Q", queue]
    command += ["--without-mingle", "--without-gossip", "--loglevel", "INFO"]
    # A node name of its own: parallel test workers (pytest-xdist) each start theirs on this host.
    command += ["--hostname", f"{queue}-{next(_started)}@%h"]
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + timeout
    while "ready." not in log_path.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise WorkerDidNotStart(f"Celery worker did not start:\n{log_path.read_text()}")
        time.sleep(0.1)
    process.log_path = log_path
    return process
