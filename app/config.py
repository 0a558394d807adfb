"""Settings, read once from environment variables (prefix HALLWAY_) and an optional .env file."""

from __future__ import annotations

import secrets
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal

from limits import parse
from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HALLWAY_", env_file=".env", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = DEFAULT_DATA_DIR
    # DATABASE_URL without prefix too, because that is what every hosting platform sets.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    # Empty means: generate one and keep it in data_dir (development only).
    secret_key: str = ""
    admin_token: str = ""
    public_url: str = "http://127.0.0.1:8000"
    redis_url: str = ""
    # Names this deployment's channels on Redis: two deployments sharing one Redis set different ones.
    redis_channel_prefix: str = Field(default="hallway", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    # Rate limits (app/ratelimits.py), as "N/second|minute|hour": per attendee, then per address.
    limit_proposals: str = "10/minute"
    limit_edits: str = "30/minute"
    limit_votes: str = "300/minute"
    limit_notes_saves: str = "60/minute"
    limit_attendance: str = "60/minute"
    # A hall behind one venue address joins at once: 2,000 phones in the opening circle's minute, with room.
    limit_joins: str = "3000/minute"
    limit_join_code_tries: str = "100/minute"
    limit_websockets: str = "6000/minute"
    # Past a burst, joins from one address wait their turn at this pace, up to pace_joins_max_wait_seconds,
    # instead of all being served at once (app/ratelimits.py: Pace): 2,000 phones joining in the same instant
    # all get in within 48 seconds, and a script on the venue's network costs everyone else at most this rate.
    # Empty: no pacing, only limit_joins. (Live connections are not paced: after a restart or a wifi drop, a
    # hall's pages must all be live again within seconds.)
    pace_joins: str = "40/second"
    pace_joins_burst: int = Field(default=100, ge=0)
    pace_joins_max_wait_seconds: float = Field(default=50.0, ge=0, le=300)
    # Wrong admin tokens, on the organisers' page and the API, per address: the token opens every event.
    limit_admin_token_tries: str = "10/minute"
    # Someone refused by a limit who tries again within its window waits this long for the 429: a script
    # hammering the server then gets a few answers a second instead of thousands (app/ratelimits.py).
    refusal_hold_seconds: float = Field(default=1.0, ge=0, le=10)
    # Notes saves by one person within this many seconds of their previous one, with nobody else saving
    # between, update that revision instead of adding one (app/services/notes.py); 0 keeps every save.
    notes_fold_seconds: int = Field(default=60, ge=0, le=3600)
    # Secure cookies need HTTPS; on by default in production.
    cookie_secure: bool | None = None
    # "json": one JSON object a line, each with the request's id (app/logs.py), for a log collector.
    log_format: Literal["text", "json"] = "text"
    # Who may read /metrics: with a token, whoever sends it as a bearer token; without one, loopback only.
    metrics_token: str = ""

    @model_validator(mode="after")
    def _fill_defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'hallway.db'}"
        self.database_url = with_driver(self.database_url)
        if not self.secret_key:
            if self.environment == "production":
                raise ValueError(
                    "HALLWAY_SECRET_KEY must be set in production: it signs every session cookie. "
                    "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            self.secret_key = _development_secret(self.data_dir)
        elif self.environment == "production" and len(self.secret_key) < 32:
            raise ValueError("HALLWAY_SECRET_KEY is too short for production: use at least 32 random characters.")
        if self.cookie_secure is None:
            self.cookie_secure = self.environment == "production"
        self.public_url = self.public_url.rstrip("/")
        return self

    @field_validator(
        "limit_proposals", "limit_edits", "limit_votes", "limit_notes_saves", "limit_attendance", "limit_joins",
        "limit_join_code_tries", "limit_websockets", "limit_admin_token_tries", "pace_joins",
    )  # fmt: skip
    @classmethod
    def _a_rate(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.field_name and info.field_name.startswith("pace_"):
            return value  # no pacing
        try:
            parse(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a rate: write it like 10/minute or 300/hour") from None
        return value

    @property
    def notes_fold_window(self) -> timedelta:
        return timedelta(seconds=self.notes_fold_seconds)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def with_driver(url: str) -> str:
    """PostgreSQL URLs as hosting platforms write them (postgres://, postgresql://) with the driver Hallway
    installs (psycopg 3): SQLAlchemy alone reads the first as nothing and the second as psycopg2, not here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _development_secret(data_dir: Path) -> str:
    """A random key kept in data_dir, so that cookies survive a restart of a development server."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@lru_cache
def get_settings() -> Settings:
    return Settings()
