"""The skills check (with a resident, or on your own) and a resident's access needs."""

from django import forms

from doorstep.core.forms import GovukForm

from .. import scale, skills
from ..models import AccessNeeds
from .fields import (
    checkboxes,
    radio_number,
    yes_no,
)


class SkillsCheckForm(forms.Form):
    """Laid out by hand in check.html: the statements grouped, then the routing questions."""

    tasks = forms.MultipleChoiceField(
        required=False,
        choices=list(skills.ALL_TASKS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose only from the statements listed"},
    )
    ever_used = yes_no("Have you ever used the internet?")
    wants_to_be_online = yes_no(
        "Would you like to be online?", help_text="Only if you have never used the internet"
    )
    still_uses = yes_no("Do you still use the internet?")
    likes_using = yes_no("Do you like using the internet?")
    basics = forms.ChoiceField(
        label="Which of these can you do on your own: send an e-mail, search for something, "
        "sign up for and use an online service, buy something online?",
        choices=scale.BASICS_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    needs_help = yes_no("Do you need help to do things online?")
    advanced = yes_no(
        "Do you have advanced skills?",
        help_text="Like setting up devices for other people, building a website or fixing problems",
    )
    has_device = yes_no("Do you have a device of your own that can go online?")
    connection = forms.ChoiceField(
        label="How do you get online?",
        choices=skills.CONNECTION_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )
    enough_data = yes_no("Do you have enough data or wi-fi for what you need to do?")
    confidence = radio_number("How confident do you feel online?", skills.CONFIDENCE_CHOICES)

    ROUTING = [
        "ever_used",
        "wants_to_be_online",
        "still_uses",
        "likes_using",
        "basics",
        "needs_help",
        "advanced",
    ]

    def groups(self) -> list[dict]:
        """The statements with ids numbered from 1 across the form (id_tasks_1 …)."""
        chosen = set(self.data.getlist("tasks")) if self.is_bound else set()
        number = 0
        layout = []
        sections = [("foundation", "Foundation: using a device", skills.FOUNDATION_TASKS)]
        sections += [(a.slug, a.label, a.tasks) for a in skills.LIFE_AREAS]
        for slug, heading, tasks in sections:
            boxes = []
            for task_slug, text in tasks.items():
                number += 1
                boxes.append(
                    {
                        "id": f"id_tasks_{number}",
                        "slug": task_slug,
                        "text": text,
                        "checked": task_slug in chosen,
                    }
                )
            layout.append({"slug": slug, "heading": heading, "boxes": boxes})
        return layout

    def routing_fields(self):
        return [self[name] for name in self.ROUTING]

    def access_fields(self):
        return [self["has_device"], self["connection"], self["enough_data"], self["confidence"]]

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "tasks": data["tasks"],
            "routing": {name: data[name] for name in self.ROUTING if data[name] not in (None, "")},
            "has_device": bool(data["has_device"]),
            "connection": data["connection"] or "",
            "enough_data": bool(data["enough_data"]),
            "confidence": data["confidence"],
        }


class AccessNeedsForm(GovukForm):
    submit_label = "Save"

    channels = checkboxes(
        "How do they want to be contacted?",
        dict(AccessNeeds.Channel.choices),
        help_text="Select all that apply",
    )
    needs_help_online = forms.BooleanField(
        label="Needs someone to help them use online services", required=False
    )
    language = forms.CharField(
        label="Language they prefer (optional)", required=False, max_length=60
    )
    accessibility_needs = forms.CharField(
        label="Accessibility needs (optional)",
        help_text="For example, large print, a screen reader, British Sign Language",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
