"""seed_lettings and recompute_housing_estimates."""

import io
import statistics

import pytest
from django.core.management import CommandError, call_command

from doorstep.housing.models import Application, Estimate, Letting
from doorstep.residents.models import ExternalIdentifier

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db

SEED = ["--seed", "42", "--end-date", "2025-03-31", "--lets-per-year", "600"]


def run(name, *args) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def lettings_snapshot():
    return list(
        Letting.objects.order_by("let_on", "band__rank", "bedrooms", "effective_date").values_list(
            "let_on", "band__name", "bedrooms", "property_type", "effective_date"
        )
    )


def test_seed_lettings_is_repeatable_with_a_seed(bands):
    output = run("seed_lettings", *SEED)
    assert "Added 1,800 lettings" in output and "--seed 42" in output
    first = lettings_snapshot()
    register = sorted(Application.objects.values_list("reference", "band__name", "effective_date"))
    run("seed_lettings", *SEED)
    assert lettings_snapshot() == first
    assert (
        sorted(Application.objects.values_list("reference", "band__name", "effective_date"))
        == register
    )
    run("seed_lettings", "--seed", "43", "--end-date", "2025-03-31", "--lets-per-year", "600")
    assert lettings_snapshot() != first


def test_seeded_data_looks_like_a_real_register(bands):
    run("seed_lettings", *SEED)
    lets = list(Letting.objects.values_list("let_on", "band__name", "bedrooms", "effective_date"))
    # Three years of lets, ending on the chosen date.
    assert max(let[0] for let in lets).isoformat() <= "2025-03-31"
    assert min(let[0] for let in lets).isoformat() >= "2022-03-30"
    # Larger homes are scarcer.
    by_size = [sum(1 for let in lets if let[2] == size) for size in (1, 2, 3, 4)]
    assert by_size == sorted(by_size, reverse=True)
    # Band A is housed faster than band D.
    wait = {
        band: statistics.median((let[0] - let[3]).days for let in lets if let[1] == band)
        for band in "ABCD"
    }
    assert wait["A"] < wait["B"] < wait["C"] < wait["D"]
    # Estimates were worked out for every band and size.
    assert Estimate.objects.count() == 20
    assert Estimate.objects.filter(queue_status="ok").exists()


def test_seed_links_residents_so_the_demo_panel_shows(bands):
    residents = ResidentFactory.create_batch(3)
    run("seed_lettings", *SEED, "--link-residents", "2")
    linked = Application.objects.filter(resident__isnull=False).select_related("resident")
    assert linked.count() == 2
    for application in linked:
        assert application.lead_date_of_birth == application.resident.date_of_birth
        assert ExternalIdentifier.objects.filter(
            resident=application.resident, source="Housing register", value=application.reference
        ).exists()
    assert residents[0].pk in {application.resident_id for application in linked}
    # A second run keeps the same residents linked, with the same references.
    references = set(linked.values_list("reference", flat=True))
    run("seed_lettings", *SEED, "--link-residents", "2")
    assert (
        set(Application.objects.filter(resident__isnull=False).values_list("reference", flat=True))
        == references
    )


def test_seed_lettings_refuses_nonsense(bands):
    with pytest.raises(CommandError, match="--years must be 1 or more"):
        run("seed_lettings", "--years", "0")


def test_recompute_command(bands):
    output = run("recompute_housing_estimates")
    assert "Worked out 20 estimates" in output
    assert Estimate.objects.filter(queue_status="no_data").count() == 20
