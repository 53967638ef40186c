"""Redis failover under Sentinel: the bot and the workers follow the new master; every accepted message is answered
once, and a master demoted while clients hold connections to it (ReadOnlyError) is left behind too."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from pipegram.ports import free_port
from tests.fleet import one_reply, text_fleet, wait_for_answer
from tests.processes import Process, start, start_redis, wait_until

pytestmark = pytest.mark.e2e

PASSWORD = "master-pass-5678"
SENTINEL_PASSWORD = "sentinel-pass-5678"
MASTER = "pipegram-master"


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].split("/")[0])


def client(port: int, password: str = PASSWORD) -> redis.Redis:
    return redis.Redis(port=port, password=password, socket_timeout=5, decode_responses=True)


def start_replica(log_dir: Path, master_port: int, port: int | None = None) -> tuple[Process, int]:
    proc, url = start_redis(log_dir, "--masterauth", PASSWORD, *(("--replicaof", "127.0.0.1", str(master_port))
                                                                 if master_port else ()), port=port,
                            password=PASSWORD)
    return proc, port_of(url)


def start_sentinel(log_dir: Path, master_port: int) -> tuple[Process, int]:
    """One Sentinel with quorum 1 that calls a master down after 1 s of silence; it needs its own password."""
    port = free_port()
    conf = log_dir / f"sentinel-{port}.conf"
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {log_dir}\nrequirepass {SENTINEL_PASSWORD}\n"
                    f"sentinel monitor {MASTER} 127.0.0.1 {master_port} 1\n"
                    f"sentinel auth-pass {MASTER} {PASSWORD}\n"
                    f"sentinel down-after-milliseconds {MASTER} 1000\n"
                    f"sentinel failover-timeout {MASTER} 10000\n")
    proc = start(f"sentinel-{port}", ["redis-sentinel", str(conf)], log_dir)
    wait_until(lambda: master_port_now(port) == master_port, "the Sentinel watching the master", 20, proc)
    return proc, port


def master_port_now(sentinel_port: int) -> int | None:
    try:
        found = client(sentinel_port, SENTINEL_PASSWORD).sentinel_get_master_addr_by_name(MASTER)
    except redis.RedisError:
        return None
    return int(found[1]) if found else None


def replica_caught_up(master_port: int, replica_port: int) -> bool:
    """The replica has every write the master acknowledged: nothing accepted sits in the loss window."""
    return int(client(replica_port).info("replication")["slave_repl_offset"]) >= \
        int(client(master_port).info("replication")["master_repl_offset"])


@contextmanager
def sentinel_deployment(log_dir: Path) -> Iterator[dict[str, object]]:
    """A master, a replica and a Sentinel, all stopped afterwards."""
    procs: list[Process] = []
    try:
        master, master_url = start_redis(log_dir, "--masterauth", PASSWORD, password=PASSWORD)
        procs.append(master)
        replica, replica_port = start_replica(log_dir, port_of(master_url))
        procs.append(replica)
        wait_until(lambda: client(replica_port).info("replication")["master_link_status"] == "up",
                   "the replica in sync", 20, replica)
        sentinel, sentinel_port = start_sentinel(log_dir, port_of(master_url))
        procs.append(sentinel)
        yield {"procs": procs, "master": master, "master_port": port_of(master_url), "replica_port": replica_port,
               "sentinel_port": sentinel_port}
    finally:
        for proc in procs:
            proc.stop()


@pytest.mark.timeout(900)
def test_killing_the_master_with_jobs_queued_and_running_loses_no_answer(
        emulator_url: str, log_dir: Path, models_cache: Path) -> None:
    with sentinel_deployment(log_dir) as redis_set:
        master_port, replica_port, sentinel_port = (int(redis_set[k])  # type: ignore[call-overload]
                                                    for k in ("master_port", "replica_port", "sentinel_port"))
        env = {"REDIS_SENTINELS": f"127.0.0.1:{sentinel_port}", "REDIS_SENTINEL_MASTER": MASTER,
               "REDIS_SENTINEL_PASSWORD": SENTINEL_PASSWORD}
        with text_fleet("failover", "777004:failover-token", emulator_url, log_dir, models_cache, env,
                        redis_url=f"redis://:{PASSWORD}@{MASTER}/0") as fleet:
            stack = fleet.stack
            chats = [9901, 9902, 9903, 9904]
            asked = {chat: stack.client.send_text(f"question before the failover {chat}", user_id=chat)["message_id"]
                     for chat in chats}
            wait_until(lambda: all(f"chat={c}" in stack.bot.log() for c in chats), "the bot queueing all four", 60)
            wait_until(lambda: fleet.holder(9901), "the first job running", 60)
            wait_until(lambda: replica_caught_up(master_port, replica_port), "the replica caught up", 10)
            master: Process = redis_set["master"]  # type: ignore[assignment]
            master.popen.send_signal(signal.SIGKILL)
            master.popen.wait()
            killed = time.monotonic()
            wait_until(lambda: master_port_now(sentinel_port) == replica_port, "the Sentinel promoting the replica",
                       60)
            promoted = time.monotonic() - killed

            asked[9905] = stack.client.send_text("question after the failover", user_id=9905)["message_id"]
            for chat in [*chats, 9905]:
                wait_for_answer(stack, chat, 240)
            answered = time.monotonic() - killed

            # The old master comes back (as a replica), and is promoted again while clients are connected to the
            # new one: a demoted master answers writes with READONLY, which the clients must treat as "ask again".
            old, _ = start_replica(log_dir, 0, port=master_port)
            redis_set["procs"].append(old)  # type: ignore[attr-defined]
            wait_until(lambda: client(master_port).info("replication")["role"] == "slave" and
                       client(master_port).info("replication")["master_link_status"] == "up",
                       "the old master rejoining as a replica", 60, old)
            wait_until(lambda: replica_caught_up(replica_port, master_port), "the old master caught up", 20)
            client(sentinel_port, SENTINEL_PASSWORD).execute_command("SENTINEL", "FAILOVER", MASTER)
            wait_until(lambda: master_port_now(sentinel_port) == master_port, "the manual failover", 60)
            asked[9906] = stack.client.send_text("question after the switch back", user_id=9906)["message_id"]
            wait_for_answer(stack, 9906, 240)

            stack.client.sent(min_count=99, wait=5)  # room for a duplicate
            for chat, question in asked.items():
                assert one_reply(stack, chat, question), f"chat {chat} did not get exactly one reply"
            print(f"\nfailover: replica promoted {promoted:.1f} s after the master died; "
                  f"all five answered {answered:.1f} s after")
