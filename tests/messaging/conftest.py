import pytest


@pytest.fixture(autouse=True)
def _texting_any_time(texting_any_time):
    """Tests send at any hour; tests of quiet hours and inbox hours set their own."""
