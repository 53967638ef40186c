"""Redis over TLS (`rediss://`): the bot and the workers verify the server's certificate and work as usual."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.e2e.conftest import Stack, start_stack
from tests.processes import free_port, redis_answers, start, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def tls_url(log_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server that speaks only TLS, with a self-signed certificate for 127.0.0.1."""
    certs = tmp_path_factory.mktemp("tls")
    cert, key = certs / "cert.pem", certs / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    port = free_port()
    proc = start("redis-tls", ["redis-server", "--port", "0", "--bind", "127.0.0.1", "--tls-port", str(port),
                               "--tls-cert-file", str(cert), "--tls-key-file", str(key),
                               "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no", "--save", "",
                               "--dir", str(certs)], log_dir)
    url = f"rediss://127.0.0.1:{port}/0?ssl_cert_reqs=required&ssl_ca_certs={cert}"
    wait_until(lambda: redis_answers(url), "redis-server answering over TLS", 20, proc)
    yield url
    proc.stop()


@pytest.fixture(scope="module")
def tls_stack(tls_url: str, emulator_url: str, log_dir: Path, models_cache: Path) -> Iterator[Stack]:
    stack = start_stack("tls", "777777:tls-token", emulator_url, tls_url, log_dir, cache=models_cache)
    yield stack
    stack.stop()


def test_a_message_is_answered_through_redis_over_tls(tls_stack: Stack) -> None:
    asked = tls_stack.client.send_text("hello over TLS", user_id=7700)
    [reply] = tls_stack.client.wait_for_replies(7700, after=asked["message_id"], timeout=60)
    assert reply["message"]["text"].strip()


def test_plain_connections_are_refused_so_tls_really_was_used(tls_url: str) -> None:
    plain = tls_url.replace("rediss://", "redis://").split("?")[0]
    with pytest.raises(redis.RedisError):
        redis.Redis.from_url(plain, socket_connect_timeout=1, socket_timeout=1).ping()
