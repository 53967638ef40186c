"""Settings for every Pipegram process, read from the environment and `.env`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"
MB = 1024 * 1024
CLOUD_DOWNLOAD_LIMIT = 20 * MB  # getFile refuses larger files on Telegram's servers
LOCAL_DOWNLOAD_LIMIT = 2000 * MB  # a telegram-bot-api server run with --local hands out files this big
LOCAL_MAX_AUDIO_S = 3 * 3600  # PIPEGRAM_MAX_AUDIO_S's default in local mode, where long recordings can arrive


class ConfigError(ValueError):
    """A setting is missing or wrong; the message tells the operator what to set."""


class Settings(BaseSettings):
    """One place for configuration; environment names are the field names in upper case."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = TELEGRAM_API_URL
    # The Bot API server at TELEGRAM_API_URL runs with --local: files up to 2,000 MB, getFile gives a path on its disk.
    telegram_local_mode: bool = False
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Redis Sentinel (docs/architecture.md): "host:port,host:port" of the Sentinels; then REDIS_URL gives only the
    # master's password and database number, and every client asks the Sentinels where the master is.
    redis_sentinels: str = ""
    redis_sentinel_master: str = "mymaster"
    redis_sentinel_password: SecretStr | None = None
    # Job leases (workers/leases.py): a job whose worker stops renewing its lease for PIPEGRAM_LEASE_S goes back on
    # its queue; live workers renew, and look for lapsed leases, every PIPEGRAM_LEASE_RENEW_S.
    pipegram_lease_s: float = 30.0
    pipegram_lease_renew_s: float = 5.0
    # SIGTERM: a worker finishes its running job within this, or hands it back to the queue, then exits.
    pipegram_shutdown_grace_s: float = 60.0
    pipegram_models: str = "default"
    allowed_users: Annotated[frozenset[int], NoDecode] = frozenset()
    allowed_groups: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_users: Annotated[frozenset[int], NoDecode] = frozenset()
    webhook_url: str | None = None
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    webhook_secret: SecretStr | None = None
    # `pipegram emulator`: accept only this bot token (default: any well-formed one). Never a command-line flag.
    emulator_token: SecretStr | None = None
    pipegram_cache_dir: Path = Field(default_factory=lambda: Path.home() / ".cache" / "pipegram")
    pipegram_history_turns: int = 8
    pipegram_history_ttl: int = 7 * 24 * 3600
    pipegram_recent_messages: int = 500
    pipegram_recent_ttl: int = 7 * 24 * 3600
    pipegram_max_waiting: int = 5
    pipegram_user_rate: int = 30
    # Daily quotas per user, reset at 00:00 UTC (0: no limit); admins are counted but never limited (bot/quotas.py).
    pipegram_quota_messages: int = Field(default=0, ge=0)
    pipegram_quota_audio_minutes: float = Field(default=0, ge=0)
    pipegram_quota_images: int = Field(default=0, ge=0)
    pipegram_detection_threshold: float = 0.5
    pipegram_max_image_pixels: int = 40_000_000
    pipegram_max_audio_s: float = 600
    # Documents (/summarize, /translate, /find, /ask on a PDF, DOCX, HTML...): the most pages and characters read.
    pipegram_document_max_pages: int = 100
    pipegram_document_max_chars: int = 200_000
    # A "queued" status message is sent when the expected wait is at least this long (0: always).
    pipegram_status_after_s: float = 2.0
    # How often "typing…" / "sending a voice note…" is renewed while a job runs (Telegram shows it ~5 s).
    pipegram_chat_action_every_s: float = 4.0
    # CPU threads per worker process for torch (0: every core but one). Several workers on one CPU host should
    # split the cores between them, or their threads fight.
    pipegram_torch_threads: int = 0
    log_level: str = "INFO"
    log_format: str = "text"  # "json": one JSON object per line, for log collectors
    # /metrics and /healthz. The bot serves on its port; a worker on its port (its batched sibling on port + 1,
    # GPU i of `--gpus` on port + 2i). 0 turns the endpoint off.
    pipegram_metrics_listen: str = "0.0.0.0"
    pipegram_metrics_port: int = 9180
    pipegram_worker_metrics_port: int = 9181
    # `pipegram up`: where it keeps logs, its private Redis's data and the state other terminals read, and the
    # port of its emulator (without a token).
    pipegram_run_dir: Path = Path(".pipegram")
    pipegram_emulator_port: int = 8081

    @field_validator("allowed_users", "allowed_groups", "admin_users", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(int(part) for part in value.replace(" ", "").split(",") if part)
        return value

    @field_validator("log_format")
    @classmethod
    def _known_format(cls, value: str) -> str:
        if value.lower() not in ("text", "json"):
            raise ConfigError(f"LOG_FORMAT must be 'text' or 'json', not {value!r}")
        return value.lower()

    @field_validator("telegram_api_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _lease_renewed_in_time(self) -> Settings:
        if not 0 < self.pipegram_lease_renew_s * 3 <= self.pipegram_lease_s:
            raise ConfigError(f"PIPEGRAM_LEASE_RENEW_S ({self.pipegram_lease_renew_s}) must be above 0 and at most a "
                              f"third of PIPEGRAM_LEASE_S ({self.pipegram_lease_s}), or a slow renewal lets a "
                              "running job be handed to a second worker")
        if self.pipegram_shutdown_grace_s < 1:
            raise ConfigError("PIPEGRAM_SHUTDOWN_GRACE_S must be at least 1 second")
        return self

    @model_validator(mode="after")
    def _longer_recordings_in_local_mode(self) -> Settings:
        if self.telegram_local_mode and "pipegram_max_audio_s" not in self.model_fields_set:
            self.pipegram_max_audio_s = LOCAL_MAX_AUDIO_S
        return self

    @property
    def sentinels(self) -> list[tuple[str, int]]:
        """REDIS_SENTINELS as (host, port) pairs; empty when Redis is used directly."""
        pairs = [part.strip().rsplit(":", 1) for part in self.redis_sentinels.split(",") if part.strip()]
        try:
            return [(host, int(port)) for host, port in pairs]
        except ValueError:
            raise ConfigError(f"REDIS_SENTINELS must be host:port pairs separated by commas, not "
                              f"{self.redis_sentinels!r}") from None

    @property
    def download_limit_bytes(self) -> int:
        """The largest file a bot may download from the Bot API server in use."""
        return LOCAL_DOWNLOAD_LIMIT if self.telegram_local_mode else CLOUD_DOWNLOAD_LIMIT

    @property
    def token(self) -> str:
        """The bot token; raises a clear error when it is missing."""
        if self.telegram_bot_token is None:
            raise ConfigError("TELEGRAM_BOT_TOKEN is not set (or run `pipegram up`, which starts the emulator)")
        return self.telegram_bot_token.get_secret_value()

    def is_admin(self, user_id: int | None) -> bool:
        """Whether ADMIN_USERS names this user (empty means nobody)."""
        return user_id is not None and user_id in self.admin_users

    def group_allowed(self, chat_id: int) -> bool:
        """Whether ALLOWED_GROUPS lets the bot work in this group (empty means every group)."""
        return not self.allowed_groups or chat_id in self.allowed_groups


def port_taken(setting: str, port: int, reason: str = "in use") -> ConfigError:
    """The error for a metrics port already in use: fatal, so a health URL never answers for another process."""
    return ConfigError(f"cannot serve metrics on port {port} ({reason}), perhaps another Pipegram's: set {setting} "
                       "to a free port, or to 0 to serve none")


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
