"""After signing in, each role lands on the page its work starts from."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role_fixture", "landing"),
    [("officer", "cases:my_work"), ("team_leader", "cases:my_work"),
     ("digital_friend", "inclusion:my_learners")],
)  # fmt: skip
def test_home_sends_each_role_to_its_work(client, request, role_fixture, landing):
    client.force_login(request.getfixturevalue(role_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse(landing)


def test_someone_with_no_work_lands_on_their_account(client):
    from ..factories import StaffFactory

    client.force_login(StaffFactory(roles=[]))
    assert client.get(reverse("home")).url == reverse("account_home")


def test_the_audit_filter_tells_two_people_with_one_name_apart(admin_client_verified):
    from ..factories import StaffFactory

    StaffFactory(full_name="Sam Jones", email="sam.jones@council.example")
    StaffFactory(full_name="Sam Jones", email="sam.jones2@council.example")
    page = admin_client_verified.get(reverse("audit_log")).content.decode()
    assert "Sam Jones (sam.jones@council.example)" in page
    assert "Sam Jones (sam.jones2@council.example)" in page
