"""The audit log, readable (never editable) by Administrators."""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from ..dates import DateField
from ..models import AuditEvent, Staff


class AuditFilterForm(forms.Form):
    resident = forms.IntegerField(
        label="Resident record number",
        required=False,
        min_value=1,
        error_messages={"invalid": "Enter a record number using numbers only"},
    )
    staff = forms.ModelChoiceField(
        queryset=Staff.objects.order_by("full_name", "email"),
        required=False,
        label="Staff member",
        empty_label="Anyone",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Two people can share a name: then the e-mail address tells them apart.
        shared = set(
            Staff.objects.values("full_name")
            .annotate(people=Count("id"))
            .filter(people__gt=1)
            .values_list("full_name", flat=True)
        )
        self.fields["staff"].label_from_instance = lambda staff: (
            f"{staff.full_name} ({staff.email})"
            if staff.full_name in shared
            else staff.full_name or staff.email
        )

    date_from = DateField(label="From", noun="The ‘from’ date", required=False)
    date_to = DateField(label="To", noun="The ‘to’ date", required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date")
        return data


@permission_required("core.view_auditevent", raise_exception=True)
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["resident"]:
            events = events.filter(resident_id=data["resident"])
        if data["staff"]:
            events = events.filter(actor=data["staff"])
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
    elif form.is_bound:
        events = events.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"form": form, "page": page})
