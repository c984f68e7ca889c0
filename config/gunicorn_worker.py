"""gunicorn's gthread worker, with new connections shared evenly between the workers (gunicorn.conf.py).

Every worker waits on the same listening socket, and the kernel wakes all of them for a new connection: the
first to call ``accept`` gets it. A browser, a proxy's pool or wrk keeps its connections open (keep-alive),
so where they land at first is where their requests go for as long as they live. Left to that race, the
16 connections of a measurement (or a proxy's pool) sometimes all went to one of the two workers, and the
site served half of what it could (docs/serving.md).

Here each worker publishes, in memory shared by all of them, how many connections it holds, with the time it
last did (gunicorn's heartbeat, ``notify``, at least once a second). Woken for a new connection while it holds
more than another live worker, a worker waits ``DEFER_SECONDS`` before its ``accept``, so the other one, woken
too, takes it; if the other is busy and does not, it is taken after that short wait, as before.
"""

import multiprocessing
import time

from gunicorn.workers.gthread import ThreadWorker

SLOTS = 64
# A worker whose heartbeat is older than this is gone (or stuck): its count is not compared.
LIVE_SECONDS = 3.0
DEFER_SECONDS = 0.001

# Made when the master imports this class, before it forks: every worker writes its own slot, reads the others.
_held = multiprocessing.RawArray("i", SLOTS)
_beat = multiprocessing.RawArray("d", SLOTS)


class BalancedThreadWorker(ThreadWorker):
    def __init__(self, age, *args, **kwargs):
        super().__init__(age, *args, **kwargs)
        # Built in the master: a replacement worker's age is new, so its slot is one no live worker uses
        # unless 64 workers were started while one lived on.
        self.slot = age % SLOTS
        _held[self.slot] = 0
        _beat[self.slot] = 0.0

    def notify(self):
        super().notify()
        self._publish()

    def accept(self, server, listener):
        if self._holds_more_than_another():
            time.sleep(DEFER_SECONDS)  # the others were woken too: leave the connection to one holding fewer
        super().accept(server, listener)  # a connection taken meanwhile is EAGAIN, which gunicorn ignores
        self._publish()

    def _publish(self) -> None:
        _held[self.slot] = self.nr_conns
        _beat[self.slot] = time.monotonic()

    def _holds_more_than_another(self) -> bool:
        alive_since = time.monotonic() - LIVE_SECONDS
        return any(
            _beat[slot] > alive_since and _held[slot] < self.nr_conns for slot in range(SLOTS) if slot != self.slot
        )
