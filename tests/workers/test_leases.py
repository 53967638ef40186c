"""Job leases on kombu's real Redis transport: renewed jobs stay put, a silent holder's job goes back on its queue."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import redis
from kombu import Connection, Exchange, Queue

from shared.celery_app import make_celery, soft_shutdown_s, transport_options
from shared.settings import Settings
from workers.leases import Renewer

LEASE_S = 9.0


@pytest.fixture
def broker(own_redis_url: str) -> Iterator[tuple[Connection, redis.Redis]]:
    """A kombu connection with the product's lease options (shortened) and a queue holding one message."""
    options = transport_options(Settings(_env_file=None, pipegram_lease_s=LEASE_S, pipegram_lease_renew_s=3))
    with Connection(own_redis_url, transport_options=options) as conn:
        queue = Queue("text", Exchange("text"), routing_key="text")
        with conn.Producer() as producer:
            producer.publish({"job": 1}, exchange=queue.exchange, routing_key="text", declare=[queue],
                             serializer="json")
        yield conn, redis.Redis.from_url(own_redis_url)


def take(conn: Connection) -> tuple[object, object]:
    """A channel that took the message and holds it unacked, like a worker running the job."""
    channel = conn.channel()
    message = channel.basic_get("text")
    assert message is not None
    return channel, message


def sweep(conn: Connection) -> None:
    """What any live worker does every PIPEGRAM_LEASE_RENEW_S: restore messages whose lease lapsed."""
    conn.channel().qos.restore_visible(num=10, interval=1)


def age_lease(r: redis.Redis, seconds: float) -> None:
    """Pretend every held message was last stamped this long ago."""
    for tag, _ in r.zrange("unacked_index", 0, -1, withscores=True):
        r.zadd("unacked_index", {tag: time.time() - seconds})


def test_a_holder_that_stopped_renewing_loses_the_job_to_the_queue(broker: tuple[Connection, redis.Redis]) -> None:
    conn, r = broker
    take(conn)
    assert r.llen("text") == 0 and r.zcard("unacked_index") == 1
    age_lease(r, LEASE_S + 1)
    sweep(conn)
    assert r.llen("text") == 1 and r.zcard("unacked_index") == 0


def test_a_renewed_job_stays_with_its_worker_however_long_it_runs(broker: tuple[Connection, redis.Redis]) -> None:
    conn, r = broker
    channel, _ = take(conn)
    renewer = Renewer(channel, every_s=3)
    for _ in range(3):  # three lease lengths of running, renewed in between
        age_lease(r, LEASE_S + 1)
        assert renewer.renew() == 1
        sweep(conn)
        assert r.llen("text") == 0 and r.zcard("unacked_index") == 1


def test_an_acked_job_is_not_brought_back_by_a_late_renewal(broker: tuple[Connection, redis.Redis]) -> None:
    conn, r = broker
    channel, message = take(conn)
    renewer = Renewer(channel, every_s=3)
    message.ack()  # type: ignore[attr-defined]
    renewer.renew()
    assert r.zcard("unacked_index") == 0 and r.hlen("unacked") == 0 and r.llen("text") == 0


def test_the_renewer_thread_keeps_the_lease_fresh_and_stops(broker: tuple[Connection, redis.Redis]) -> None:
    conn, r = broker
    channel, _ = take(conn)
    age_lease(r, 100)
    renewer = Renewer(channel, every_s=0.1)
    renewer.start()
    try:
        deadline = time.monotonic() + 5
        while r.zrange("unacked_index", 0, 0, withscores=True)[0][1] < time.time() - 5:
            assert time.monotonic() < deadline, "the lease was never renewed"
            time.sleep(0.05)
    finally:
        renewer.stop()
    renewer.thread.join(2)
    assert not renewer.thread.is_alive()


def test_the_default_bounds_bring_a_dead_workers_job_back_well_within_a_minute() -> None:
    settings = Settings(_env_file=None)
    # Restored at most one lease plus one sweep after the last renewal, which came before the death.
    assert settings.pipegram_lease_s + settings.pipegram_lease_renew_s <= 40
    options = make_celery(settings).conf.broker_transport_options
    assert options["visibility_timeout"] == settings.pipegram_lease_s
    assert options["unacked_restore_interval"] == settings.pipegram_lease_renew_s
    assert options["unacked_restore_throttle"] == 1
    assert make_celery(settings).conf.worker_soft_shutdown_timeout == soft_shutdown_s(settings) < 60


def test_a_renewal_too_slow_for_its_lease_is_refused() -> None:
    with pytest.raises(ValueError, match="PIPEGRAM_LEASE_RENEW_S"):
        Settings(_env_file=None, pipegram_lease_s=10, pipegram_lease_renew_s=5)
