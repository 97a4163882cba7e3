"""factory-boy factories shared by the whole suite."""

import datetime

import factory
from django.contrib.auth.models import Group

from doorstep.cases.models import Case, CaseType, Task
from doorstep.core.models import Staff, Team
from doorstep.residents.models import Phone, Resident

PASSWORD = "correct horse battery staple"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Staff
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"staff{n}@council.example")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.set([Group.objects.get(name=name) for name in extracted])

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            self.teams.set(extracted)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.Faker(
        "date_between", start_date=datetime.date(1940, 1, 1), end_date=datetime.date(2006, 1, 1)
    )
    postcode = "E8 1DY"
    address_line_1 = factory.Faker("street_address", locale="en_GB")
    consents_to_text = True


class PhoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phone

    resident = factory.SubFactory(ResidentFactory)
    number = factory.Sequence(lambda n: f"+4477009{n:05d}")
    is_mobile = True
    is_primary = True


class CaseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseType
        django_get_or_create = ("name",)

    name = "Housing register"
    reference_prefix = "HR"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    resident = factory.SubFactory(ResidentFactory)
    case_type = factory.SubFactory(CaseTypeFactory)
    reference = factory.Sequence(lambda n: f"HR-{n + 1:06d}")
    team = factory.SubFactory(TeamFactory)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    case = factory.SubFactory(CaseFactory)
    title = factory.Sequence(lambda n: f"Task {n}")
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=3))
