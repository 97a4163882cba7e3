"""Public pages (no sign-in): "How long might I wait?" and a household's own position."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from .. import queries, services
from ..forms import EstimateForm, LookupForm
from ..models import bedrooms_label


@login_not_required
@require_GET
def estimate(request):
    bands = queries.bands()
    form = EstimateForm(request.GET if request.GET else None, bands=bands)
    chosen = None
    if form.is_bound and form.is_valid():
        band = form.bands[form.cleaned_data["band"]]
        chosen = {
            "band": band,
            "bedrooms": form.cleaned_data["bedrooms"],
            "bedrooms_label": bedrooms_label(form.cleaned_data["bedrooms"]),
            "estimate": queries.estimate_for(band=band, bedrooms=form.cleaned_data["bedrooms"]),
        }
    return render(request, "housing/public/estimate.html", {"form": form, "chosen": chosen})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    form = LookupForm(request.POST if request.method == "POST" else None)
    position = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            position = services.lookup_position(
                reference=form.cleaned_data["reference"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                request=request,
            )
        except services.LookupLocked:
            form.add_error(
                None,
                "You have tried too many times. Wait an hour and try again, or contact the "
                "housing team",
            )
            status = 429
        except services.LookupFailed:
            form.add_error(
                "reference",
                "The reference and date of birth do not match our records. Check both and "
                "try again",
            )
    if position is not None:
        return render(request, "housing/public/position.html", {"position": position})
    return render(request, "housing/public/lookup.html", {"form": form}, status=status)
