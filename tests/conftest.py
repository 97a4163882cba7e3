import pytest
from django.conf import settings

from doorstep.core import roles

from .factories import PASSWORD, StaffFactory, TeamFactory


def pytest_configure(config):
    # Real hashing costs ~0.3 s a password; the tests check behaviour, not hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    return TeamFactory(name="Housing Needs", slug="housing-needs")


@pytest.fixture
def officer(db, team):
    return StaffFactory(email="officer@council.example", roles=[roles.OFFICER], teams=[team])


@pytest.fixture
def team_leader(db, team):
    return StaffFactory(email="leader@council.example", roles=[roles.TEAM_LEADER], teams=[team])


@pytest.fixture
def administrator(db, team):
    return StaffFactory(email="admin@council.example", roles=[roles.ADMINISTRATOR], teams=[team])


@pytest.fixture
def digital_friend(db):
    return StaffFactory(email="friend@council.example", roles=[roles.DIGITAL_FRIEND])


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def admin_client_verified(client, administrator, settings):
    """An Administrator's browser, with two-factor sign-in not required for the test."""
    settings.OTP_REQUIRED_ROLES = []
    client.force_login(administrator)
    return client


@pytest.fixture
def password():
    return PASSWORD
