"""Headers on every page: nothing personal is cached, and a Content-Security-Policy that lets
only the site's own files and the page's nonce'd inline blocks run."""

import re

import pytest
from django.urls import reverse

from doorstep.api import services as api_services


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


# --- Cache-Control ----------------------------------------------------------------------------


def test_staff_pages_are_never_stored(officer_client):
    response = officer_client.get(reverse("cases:my_work"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_never_stored(client, db):
    _, raw = api_services.issue_token(actor=None, name="Council CRM")
    response = client.get(
        "/api/v1/residents", {"q": "Grace"}, headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_pages_before_sign_in_are_never_stored(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]


def test_a_view_that_chose_its_own_caching_keeps_it(client, db):
    response = client.get(reverse("housing:lookup"))
    assert response["Cache-Control"].startswith("max-age=0")


# --- Content-Security-Policy ------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [True, False])
def test_every_page_has_a_policy_with_a_nonce_for_its_inline_blocks(client, officer, signed_in):
    if signed_in:
        client.force_login(officer)
    response = client.get(reverse("cases:my_work" if signed_in else "login"))
    directives = _directives(response)
    assert directives["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]
    assert directives["object-src"] == ["'none'"]
    [nonce] = [value for value in directives["script-src"] if value.startswith("'nonce-")]
    assert f"'{nonce[1:-1]}'" in directives["style-src"]
    page = response.content.decode()
    value = nonce[len("'nonce-") : -1]
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline_scripts and all(f'nonce="{value}"' in attrs for attrs in inline_scripts)
    inline_styles = re.findall(r"<style([^>]*)>", page)
    assert inline_styles and all(f'nonce="{value}"' in attrs for attrs in inline_styles)


def test_each_response_has_its_own_nonce(officer_client):
    first = _directives(officer_client.get(reverse("cases:my_work")))["script-src"]
    second = _directives(officer_client.get(reverse("cases:my_work")))["script-src"]
    assert first != second
