"""Sentinel settings become Celery's sentinel:// broker and kombu's options, passwords where each side needs them."""

from __future__ import annotations

import pytest

from shared import sentinel
from shared.celery_app import make_celery
from shared.settings import Settings


def sentinel_settings(**extra: object) -> Settings:
    return Settings(_env_file=None, redis_url="redis://:master%40pw@mymaster/3",  # type: ignore[arg-type]
                    redis_sentinels="10.0.0.1:26379, 10.0.0.2:26380", redis_sentinel_master="pipegram",
                    redis_sentinel_password="sentinel-pw", **extra)


def test_every_sentinel_becomes_a_broker_url_with_the_masters_password_and_database() -> None:
    assert sentinel.broker_url(sentinel_settings()) == \
        "sentinel://:master%40pw@10.0.0.1:26379/3;sentinel://:master%40pw@10.0.0.2:26380/3"


def test_the_broker_names_the_master_and_sends_the_sentinels_own_password() -> None:
    app = make_celery(sentinel_settings())
    options = app.conf.broker_transport_options
    assert options["master_name"] == "pipegram"
    assert options["sentinel_kwargs"]["password"] == "sentinel-pw"
    assert app.conf.broker_url.startswith("sentinel://")


def test_without_sentinels_the_broker_is_redis_url() -> None:
    app = make_celery(Settings(_env_file=None, redis_url="redis://127.0.0.1:1/2"))
    assert app.conf.broker_url == "redis://127.0.0.1:1/2" and "master_name" not in app.conf.broker_transport_options


def test_a_malformed_sentinel_list_is_refused_with_what_to_write() -> None:
    with pytest.raises(ValueError, match="host:port pairs"):
        _ = Settings(_env_file=None, redis_sentinels="10.0.0.1").sentinels
