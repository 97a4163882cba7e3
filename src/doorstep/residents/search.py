"""Finding residents from one search box.

`search_residents(text)` is the only entry point: views, the API and the benchmarks call it.
It works out what the text looks like (NI number, phone, postcode, date of birth, case
reference or a name) and returns live (not merged) residents, best match first.
"""

from django.db.models import Q

from .models import Resident


def search_residents(query: str, *, limit: int = 50) -> list[Resident]:
    return naive_search(query, limit=limit)


def naive_search(query: str, *, limit: int = 50) -> list[Resident]:
    """A plain substring scan over names: the baseline the benchmarks compare against."""
    words = query.split()
    if not words:
        return []
    residents = Resident.objects.filter(merged_into=None)
    for word in words:
        residents = residents.filter(Q(first_name__icontains=word) | Q(last_name__icontains=word))
    return list(residents.order_by("last_name", "first_name", "id")[:limit])
