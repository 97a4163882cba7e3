"""Administrator page: the costs behind cost per transaction."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .. import queries, services
from ..forms import CostsForm


@permission_required("reporting.manage_costs", raise_exception=True)
@require_http_methods(["GET", "POST"])
def costs(request):
    if request.method == "POST":
        form = CostsForm(request.POST)
        if form.is_valid():
            services.save_costs(
                actor=request.user,
                channels=form.cleaned_data["channels"],
                price_per_fragment_pence=form.cleaned_data["price_per_fragment_pence"],
                monthly_overhead_pence=form.cleaned_data["monthly_overhead_pence"],
                request=request,
            )
            messages.success(request, "Costs saved. Cost per transaction now uses them")
            return redirect("reporting:costs")
    else:
        form = CostsForm(initial=CostsForm.initial_from(queries.load_costs()))
    return render(request, "reporting/costs.html", {"form": form})
