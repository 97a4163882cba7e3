import datetime

import pytest
from django.core.exceptions import ValidationError

from doorstep.core.models import AuditEvent, TimelineEvent
from doorstep.residents import services
from doorstep.residents.models import Phone, Resident

from ..factories import ResidentFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "first_name": "Amina",
    "last_name": "Begum",
    "date_of_birth": "1984-06-03",
    "national_insurance_number": "jh 12 34 56 c",
    "phones": ["07700 900123", "020 7946 0018"],
    "email": "Amina@Example.org",
    "address_line_1": "1 Mare Street",
    "postcode": "e8 1dy",
    "consents_to_text": True,
}


def test_create_normalises_and_records_everything(officer):
    resident = services.create_resident(actor=officer, data=GOOD)
    assert resident.national_insurance_number == "JH123456C"
    assert resident.postcode == "E8 1DY"
    assert resident.email == "amina@example.org"
    assert resident.date_of_birth == datetime.date(1984, 6, 3)
    assert resident.text_consent_recorded_at is not None
    phones = list(
        resident.phones.order_by("-is_primary", "id").values_list(
            "number", "is_mobile", "is_primary"
        )
    )
    assert phones == [("+447700900123", True, True), ("+442079460018", False, False)]
    audit = AuditEvent.objects.get(action="create", resident_id=resident.pk)
    assert audit.actor == officer
    assert "postcode" in audit.fields and "phones" in audit.fields
    assert TimelineEvent.objects.filter(resident_id=resident.pk, kind="record").count() == 1


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(officer):
    bad = {
        "first_name": "",
        "last_name": "",
        "date_of_birth": "2999-01-01",
        "national_insurance_number": "QQ123456C",
        "phones": ["12345"],
        "email": "not-an-email",
        "postcode": "NOT A POSTCODE",
    }
    with pytest.raises(ValidationError) as error:
        services.create_resident(actor=officer, data=bad)
    messages = error.value.message_dict
    assert messages["first_name"] == ["Enter the resident's first name"]
    assert messages["last_name"] == ["Enter the resident's last name"]
    assert messages["date_of_birth"] == ["Date of birth must be in the past"]
    assert "correct format" in messages["national_insurance_number"][0]
    assert messages["phones"][0].startswith("Phone number 1 ('12345')")
    assert "e-mail address" in messages["email"][0]
    assert messages["postcode"] == ["Enter a real postcode, like E8 1DY"]
    assert Resident.objects.count() == 0
    assert Phone.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unknown_fields_are_refused(officer):
    with pytest.raises(ValidationError) as error:
        services.create_resident(actor=officer, data={**GOOD, "shoe_size": 9})
    assert "shoe_size" in error.value.message_dict


def test_a_national_insurance_number_belongs_to_one_live_resident(officer):
    services.create_resident(actor=officer, data=GOOD)
    with pytest.raises(ValidationError) as error:
        services.create_resident(actor=officer, data={**GOOD, "phones": []})
    assert error.value.message_dict["national_insurance_number"] == [
        "Another resident already has this National Insurance number"
    ]


def test_update_records_only_changed_fields(officer):
    resident = services.create_resident(actor=officer, data=GOOD)
    changed = services.update_resident(
        actor=officer,
        resident=resident,
        data={"postcode": "E8 1DY", "town": "London", "phones": ["07700900999"]},
    )
    assert changed == ["town", "phones"]
    resident.refresh_from_db()
    assert list(resident.phones.values_list("number", flat=True)) == ["+447700900999"]
    update = AuditEvent.objects.get(action="update", resident_id=resident.pk)
    assert update.fields == ["phones", "town"]
    event = TimelineEvent.objects.filter(resident_id=resident.pk).first()
    assert event.summary == "Changed town, phone numbers"


def test_update_with_nothing_new_writes_nothing(officer):
    resident = services.create_resident(actor=officer, data=GOOD)
    before = AuditEvent.objects.count()
    assert (
        services.update_resident(actor=officer, resident=resident, data={"first_name": "Amina"})
        == []
    )
    assert AuditEvent.objects.count() == before


def test_bad_update_leaves_the_record_as_it_was(officer):
    resident = services.create_resident(actor=officer, data=GOOD)
    with pytest.raises(ValidationError):
        services.update_resident(
            actor=officer, resident=resident, data={"town": "Leeds", "postcode": "nonsense"}
        )
    resident.refresh_from_db()
    assert resident.town == ""


def test_notes_need_text_and_go_on_the_timeline(officer):
    resident = ResidentFactory()
    with pytest.raises(ValidationError):
        services.add_note(actor=officer, resident=resident, body="   ")
    note = services.add_note(actor=officer, resident=resident, body="Rang about arrears")
    event = TimelineEvent.objects.get(resident_id=resident.pk, kind="note")
    assert event.body == "Rang about arrears"
    assert event.source_id == str(note.pk)


def test_flags_need_a_known_kind_and_a_reason(officer):
    resident = ResidentFactory()
    with pytest.raises(ValidationError) as error:
        services.add_flag(actor=officer, resident=resident, kind="mystery", description="")
    assert set(error.value.message_dict) == {"kind", "description"}
    flag = services.add_flag(
        actor=officer, resident=resident, kind="safeguarding", description="Child at risk"
    )
    assert flag.is_active


def test_a_new_record_like_an_existing_one_is_put_up_for_review(officer):
    from doorstep.residents.models import DuplicateCandidate

    first = services.create_resident(actor=officer, data=GOOD)
    second = services.create_resident(
        actor=officer,
        data={"first_name": "amina", "last_name": "BEGUM", "date_of_birth": "1984-06-03"},
    )
    pair = DuplicateCandidate.objects.get()
    assert (pair.resident_a_id, pair.resident_b_id, pair.reason) == (
        first.pk,
        second.pk,
        "name_dob",
    )


def test_changing_a_phone_to_one_already_held_is_put_up_for_review(officer):
    from doorstep.residents.models import DuplicateCandidate

    services.create_resident(actor=officer, data=GOOD)
    other = services.create_resident(actor=officer, data={"first_name": "Sam", "last_name": "Lee"})
    assert not DuplicateCandidate.objects.exists()
    services.update_resident(actor=officer, resident=other, data={"town": "London"})
    assert not DuplicateCandidate.objects.exists()
    services.update_resident(actor=officer, resident=other, data={"phones": ["07700 900123"]})
    assert DuplicateCandidate.objects.get().reason == "mobile"
