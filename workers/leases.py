"""Job leases: a live worker keeps its jobs' leases fresh, so only a dead worker's jobs go back on the queue.

kombu's Redis transport files every message a worker takes but has not acked in the hash `unacked`, with its
delivery time in the sorted set `unacked_index`. Every live worker sweeps that set each PIPEGRAM_LEASE_RENEW_S and
puts back on its queue each message older than PIPEGRAM_LEASE_S (the visibility timeout). This consumer step, in
the worker's main process, re-stamps the messages its worker holds as often, from a thread of its own: the main
process's event loop stops during a soft shutdown, and a lease must outlive that. A machine that dies stops
renewing, so its job is restored within PIPEGRAM_LEASE_S plus one sweep; a job that runs for hours keeps its lease.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import redis
from celery import bootsteps

from shared.keys import lease_holder_key
from shared.settings import get_settings

log = logging.getLogger(__name__)


class Renewer:
    """Re-stamps, every every_s seconds, the delivery time of each message a kombu Redis channel holds unacked."""

    def __init__(self, channel: Any, every_s: float, node: str = "") -> None:
        self.channel, self.every_s, self.node = channel, every_s, node
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="lease-renewer", daemon=True)

    def held(self) -> list[str]:
        """Delivery tags of the messages this worker holds, running or reserved (kombu's own ledger)."""
        for _ in range(3):
            try:
                return list(self.channel.qos._delivered)
            except RuntimeError:  # the event loop took or acked a message while we read: read again
                continue
        return []

    def renew(self) -> int:
        """Stamp the held messages' leases now; only entries still filed (XX): an acked job is not brought back."""
        tags = self.held()
        with self.channel.conn_or_acquire() as client:
            if self.node:  # who holds what, for `pipegram status --json`; gone with the node's leases
                client.set(lease_holder_key(self.node), json.dumps(tags), ex=max(1, round(self.every_s * 3)))
            if not tags:
                return 0
            return int(client.zadd(self.channel.unacked_index_key, dict.fromkeys(tags, time.time()), xx=True,
                                   ch=True))

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.wait(self.every_s):
            try:
                self.renew()
            except (redis.RedisError, OSError) as exc:
                # Lapses after PIPEGRAM_LEASE_S without Redis: another worker may then start the job again once
                # Redis is back; the reply claim keeps that to one answer (docs/architecture.md).
                log.warning("could not renew job leases (%s); retrying in %.0f s", exc, self.every_s)


class LeaseRenewal(bootsteps.StartStopStep):
    """Runs a Renewer for the task consumer's channel while the consumer runs (restarted with a new connection)."""

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.renewer: Renewer | None = None

    def start(self, parent: Any) -> None:
        if parent.task_consumer is None:
            return
        self.renewer = Renewer(parent.task_consumer.channel, get_settings().pipegram_lease_renew_s, parent.hostname)
        self.renewer.start()

    def stop(self, parent: Any) -> None:
        if self.renewer is not None:
            self.renewer.stop()
            self.renewer = None

    shutdown = stop
