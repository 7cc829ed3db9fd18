"""Production settings refuse unsafe defaults; development settings start on their own."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

GOOD_KEY = "k8Jq2vX9-tR4mZp7_Lw3nB6yC1dF5hG0sA2eQ9uV8iO7jK4xN3"


def _start(env: dict[str, str], tmp_path: object) -> subprocess.CompletedProcess[str]:
    """Import the settings in a fresh interpreter with this environment."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("YOUPIN_")}
    base.update(
        {"DJANGO_SETTINGS_MODULE": "youpin.config.settings", "YOUPIN_VAR_DIR": str(tmp_path)}
    )
    base.update(env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env=base, capture_output=True, text=True, check=False
    )


def test_production_refuses_missing_secret_key(tmp_path: object) -> None:
    """Production without YOUPIN_SECRET_KEY does not start and says why."""
    result = _start(
        {"YOUPIN_ENV": "production", "YOUPIN_ALLOWED_HOSTS": "youpin.example"}, tmp_path
    )
    assert result.returncode != 0
    assert "YOUPIN_SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize("key", ["django-insecure-" + "x" * 50, "short", "a" * 60])
def test_production_refuses_weak_secret_key(tmp_path: object, key: str) -> None:
    """Production refuses the default, short or repetitive secret keys."""
    result = _start(
        {
            "YOUPIN_ENV": "production",
            "YOUPIN_SECRET_KEY": key,
            "YOUPIN_ALLOWED_HOSTS": "youpin.example",
        },
        tmp_path,
    )
    assert result.returncode != 0
    assert "too weak" in result.stderr


def test_production_refuses_debug(tmp_path: object) -> None:
    """Production with DEBUG on does not start."""
    env = {
        "YOUPIN_ENV": "production",
        "YOUPIN_SECRET_KEY": GOOD_KEY,
        "YOUPIN_DEBUG": "1",
        "YOUPIN_ALLOWED_HOSTS": "youpin.example",
    }
    result = _start(env, tmp_path)
    assert result.returncode != 0
    assert "YOUPIN_DEBUG must be off" in result.stderr


def test_production_starts_with_safe_settings(tmp_path: object) -> None:
    """A strong key, DEBUG off and named hosts start production with DEBUG False."""
    env = {
        "YOUPIN_ENV": "production",
        "YOUPIN_SECRET_KEY": GOOD_KEY,
        "YOUPIN_ALLOWED_HOSTS": "youpin.example",
    }
    result = _start(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_development_keeps_a_generated_secret_key(tmp_path: object) -> None:
    """Without a key, development generates one in var/ and reuses it on the next start."""
    first = _start({}, tmp_path)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "secret_key"  # type: ignore[operator]
    key = key_file.read_text()
    assert len(key) >= 40
    second = _start({}, tmp_path)
    assert second.returncode == 0
    assert key_file.read_text() == key
