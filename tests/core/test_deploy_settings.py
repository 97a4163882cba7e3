"""Production settings, read in fresh processes: the documented environment passes Django's
deploy checks with no warning, the secret key is never made up on a live server, and the
virus scanner is named when it is missing."""

import os
import secrets
import subprocess  # noqa: S404 - runs manage.py in a clean interpreter
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "deploy" / "production.env.example"
FILLED = {
    "SECRET_KEY": lambda: secrets.token_urlsafe(50),
    "AUDIT_KEY": lambda: secrets.token_hex(32),
    "EVIDENCE_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
}


def production_environment(data_dir: Path) -> dict[str, str]:
    """The example file's variables, each <...> filled in, with a throwaway data folder."""
    environment = {}
    for line in EXAMPLE.read_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, value = line.partition("=")
        value = value.strip().strip('"')
        if name in FILLED:
            value = FILLED[name]()
        environment[name] = value.replace("<password>", "not-used")
    assert not [value for value in environment.values() if "<" in value]
    environment["DOORSTEP_DATA_DIR"] = str(data_dir)
    return environment


def manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT / "src"),
        "DJANGO_SETTINGS_MODULE": "doorstep.settings",
        **environment,
    }
    return subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_documented_production_environment_passes_the_deploy_checks(tmp_path):
    environment = production_environment(tmp_path / "data")
    assert environment["SECURE_HSTS_SECONDS"] == "31536000"
    done = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
    assert "WARNING" not in done.stdout + done.stderr


def test_hsts_follows_its_setting(tmp_path):
    environment = production_environment(tmp_path / "data")
    shown = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.SECURE_HSTS_SECONDS, "
        "settings.SECURE_HSTS_INCLUDE_SUBDOMAINS, settings.SECURE_HSTS_PRELOAD)",
        **environment,
    )
    assert shown.stdout.split() == ["31536000", "True", "True"], shown.stderr
    environment.pop("SECURE_HSTS_SECONDS")
    done = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert done.returncode != 0 and "security.W004" in done.stderr + done.stdout


def test_without_debug_a_missing_secret_key_stops_the_start(tmp_path):
    environment = production_environment(tmp_path / "data")
    del environment["SECRET_KEY"]
    done = manage("check", **environment)
    assert done.returncode != 0
    assert "SECRET_KEY is not set" in done.stderr
    assert not (tmp_path / "data" / "secret_key").exists()


def test_with_debug_on_a_machine_keeps_its_own_key(tmp_path):
    data_dir = tmp_path / "data"
    done = manage("check", DEBUG="1", DOORSTEP_DATA_DIR=str(data_dir))
    assert done.returncode == 0, done.stderr
    key_file = data_dir / "secret_key"
    assert len(key_file.read_text().strip()) >= 50
    assert key_file.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("scanner", ["CLAMD_SOCKET", "CLAMD_HOST"])
def test_the_deploy_check_names_a_missing_virus_scanner(tmp_path, scanner):
    environment = production_environment(tmp_path / "data")
    environment.pop("CLAMD_SOCKET")
    done = manage("check", "--deploy", "--fail-level", "WARNING", **environment)
    assert done.returncode != 0
    assert "doorstep.W002" in done.stderr + done.stdout
    environment[scanner] = "/run/clamav/clamd.ctl" if scanner == "CLAMD_SOCKET" else "clamav"
    assert manage("check", "--deploy", "--fail-level", "WARNING", **environment).returncode == 0
