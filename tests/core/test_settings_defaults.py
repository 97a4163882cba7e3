"""Defaults that depend on how Doorstep is started, read in a fresh process."""

import os
import subprocess  # noqa: S404 - runs Django's settings in a clean interpreter
import sys

import pytest

SNIPPET = "from django.conf import settings; print(settings.PUBLIC_BASE_URL)"


def _public_base_url(**env) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("PORT", "PUBLIC_BASE_URL")}
    environment |= {"DJANGO_SETTINGS_MODULE": "doorstep.settings", **env}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", SNIPPET], env=environment, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "http://localhost:8000"),
        ({"PORT": "8611"}, "http://localhost:8611"),
        ({"PORT": "8611", "PUBLIC_BASE_URL": "https://doorstep.example.gov.uk/"},
         "https://doorstep.example.gov.uk"),
    ],
)  # fmt: skip
def test_links_in_texts_follow_the_port_the_server_runs_on(env, expected, tmp_path):
    assert _public_base_url(DOORSTEP_DATA_DIR=str(tmp_path), **env) == expected
