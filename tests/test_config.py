"""Settings: development makes and keeps a secret key; production refuses to run without a real one."""

from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.config import Settings


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path):
    first = Settings(environment="development", data_dir=tmp_path, secret_key="")
    second = Settings(environment="development", data_dir=tmp_path, secret_key="")
    assert len(first.secret_key) >= 48
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_a_missing_or_short_secret_key(tmp_path):
    with pytest.raises(ValidationError, match="HALLWAY_SECRET_KEY must be set in production"):
        Settings(environment="production", data_dir=tmp_path, secret_key="")
    with pytest.raises(ValidationError, match="too short"):
        Settings(environment="production", data_dir=tmp_path, secret_key="short")
    assert not (tmp_path / "secret_key").exists()


def test_settings_come_from_hallway_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("HALLWAY_ENVIRONMENT", "production")
    monkeypatch.setenv("HALLWAY_SECRET_KEY", "k" * 40)
    monkeypatch.setenv("HALLWAY_PUBLIC_URL", "https://openspace.example.org/")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://db/hallway")
    settings = Settings(data_dir=tmp_path)
    assert settings.public_url == "https://openspace.example.org"
    assert settings.database_url == "postgresql+psycopg://db/hallway"
    assert settings.cookie_secure is True


def test_default_database_is_sqlite_in_the_data_dir(tmp_path):
    settings = Settings(environment="development", data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path / 'hallway.db'}"
    assert settings.cookie_secure is False


def test_redis_channel_prefix_is_a_plain_name(tmp_path, monkeypatch):
    monkeypatch.setenv("HALLWAY_REDIS_CHANNEL_PREFIX", "venue-b")
    assert Settings(environment="development", data_dir=tmp_path).redis_channel_prefix == "venue-b"
    with pytest.raises(ValidationError, match="redis_channel_prefix"):
        Settings(environment="development", data_dir=tmp_path, redis_channel_prefix="has spaces and *")


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://hall:pw@db.example:5432/hallway", "postgresql+psycopg://hall:pw@db.example:5432/hallway"),
        ("postgresql://hall@db.example/hallway", "postgresql+psycopg://hall@db.example/hallway"),
        ("postgresql+psycopg://hall@db.example/hallway", "postgresql+psycopg://hall@db.example/hallway"),
        ("sqlite:///data/hallway.db", "sqlite:///data/hallway.db"),
    ],
)
def test_database_urls_as_hosting_platforms_write_them_use_the_installed_driver(tmp_path, given, used):
    assert Settings(data_dir=tmp_path, DATABASE_URL=given).database_url == used


def test_the_notes_fold_window_comes_from_the_environment_and_is_never_negative(tmp_path, monkeypatch):
    assert Settings(data_dir=tmp_path).notes_fold_window == timedelta(seconds=60)
    monkeypatch.setenv("HALLWAY_NOTES_FOLD_SECONDS", "15")
    assert Settings(data_dir=tmp_path).notes_fold_window == timedelta(seconds=15)
    monkeypatch.setenv("HALLWAY_NOTES_FOLD_SECONDS", "-1")
    with pytest.raises(ValidationError, match="notes_fold_seconds"):
        Settings(data_dir=tmp_path)
