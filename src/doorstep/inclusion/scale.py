"""The GDS digital inclusion scale (levels 1 to 9) and the rule that places a person on it.

Pure functions, no database: the routing answers go in, a level and the reason come out. The
same rule is shown on the check pages (`RULE`) and written down in docs/inclusion.md.

The rule asks at most seven questions, in order, and stops at the first that decides:

1. Have you ever used the internet?         no  -> want to be online? yes: 3, no: 1
2. Do you still use it?                     no  -> 2
3. Do you like using it?                    no  -> 4
4. Which of e-mail, search, signing up for and using a service, buying online can you do
   on your own?                             none -> 5, some -> 6
5. Do you need help with things online?     yes -> 7
6. Do you have advanced skills (e.g. set up devices for others, build a website,
   fix problems)?                           no  -> 8, yes -> 9
"""

from dataclasses import dataclass

LEVELS = {
    1: ("Never have, never will", "Has never been online and does not want to be"),
    2: ("Was online, but no longer", "Used the internet before, but not now"),
    3: ("Willing and unable", "Would like to be online but cannot yet"),
    4: ("Reluctantly online", "Uses the internet only when they have to"),
    5: ("Learning the ropes", "Online, but cannot yet do the basic tasks alone"),
    6: ("Task specific", "Can do some of the basic tasks alone"),
    7: ("Basic digital skills", "Can do the basic tasks, with help now and then"),
    8: ("Confident", "Does the basic tasks alone, without help"),
    9: ("Expert", "Has advanced skills and could help others"),
}
# At or below this level someone is offered printed copies and assisted digital by default.
OFFLINE_MAX_LEVEL = 3
BASIC_SKILLS_LEVEL = 7

BASICS_ALL = "all"
BASICS_SOME = "some"
BASICS_NONE = "none"
BASICS_CHOICES = [
    (BASICS_ALL, "All of them"),
    (BASICS_SOME, "Some of them"),
    (BASICS_NONE, "None of them"),
]

RULE = [
    ("Never used the internet, and does not want to be online", 1),
    ("Used the internet before but no longer does", 2),
    ("Never used the internet, but would like to be online", 3),
    ("Online now, but does not like using it", 4),
    ("Online, likes it, can do none of the four basic tasks alone", 5),
    ("Online, likes it, can do some of the four basic tasks alone", 6),
    ("Can do all four basic tasks, but needs help with things online", 7),
    ("Can do all four basic tasks without help, no advanced skills", 8),
    ("Can do all four basic tasks without help and has advanced skills", 9),
]


def label(level: int) -> str:
    return LEVELS[level][0]


def meaning(level: int) -> str:
    return LEVELS[level][1]


@dataclass(frozen=True)
class RoutingAnswers:
    """The answers; None means "not asked" (a later question after an earlier one decided)."""

    ever_used: bool | None
    wants_to_be_online: bool | None = None
    still_uses: bool | None = None
    likes_using: bool | None = None
    basics: str | None = None
    needs_help: bool | None = None
    advanced: bool | None = None


@dataclass(frozen=True)
class Placement:
    level: int
    reason: str

    @property
    def label(self) -> str:
        return label(self.level)


class MissingAnswer(ValueError):
    """A question the rule needed was not answered: `field` says which."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


MESSAGES = {
    "ever_used": "Select whether they have ever used the internet",
    "wants_to_be_online": "Select whether they would like to be online",
    "still_uses": "Select whether they still use the internet",
    "likes_using": "Select whether they like using the internet",
    "basics": "Select which of the four basic tasks they can do on their own",
    "needs_help": "Select whether they need help with things online",
    "advanced": "Select whether they have advanced skills",
}


# The same, for someone doing the check on their own from the public link.
YOU_MESSAGES = {
    "ever_used": "Select whether you have ever used the internet",
    "wants_to_be_online": "Select whether you would like to be online",
    "still_uses": "Select whether you still use the internet",
    "likes_using": "Select whether you like using the internet",
    "basics": "Select which of the four basic tasks you can do on your own",
    "needs_help": "Select whether you need help with things online",
    "advanced": "Select whether you have advanced skills",
}


def _need(answers: RoutingAnswers, field: str):
    value = getattr(answers, field)
    if value is None:
        raise MissingAnswer(field, MESSAGES[field])
    return value


def place(answers: RoutingAnswers) -> Placement:
    """The level for these answers. Raises MissingAnswer naming the first question needed."""
    if not _need(answers, "ever_used"):
        if _need(answers, "wants_to_be_online"):
            return Placement(3, "Has never used the internet but would like to")
        return Placement(1, "Has never used the internet and does not want to")
    if not _need(answers, "still_uses"):
        return Placement(2, "Used the internet before but does not now")
    if not _need(answers, "likes_using"):
        return Placement(4, "Uses the internet but does not like it")
    basics = _need(answers, "basics")
    if basics not in (BASICS_ALL, BASICS_SOME, BASICS_NONE):
        raise MissingAnswer("basics", MESSAGES["basics"])
    if basics == BASICS_NONE:
        return Placement(5, "Cannot yet do any of the four basic tasks alone")
    if basics == BASICS_SOME:
        return Placement(6, "Can do some of the four basic tasks alone")
    if _need(answers, "needs_help"):
        return Placement(7, "Can do the four basic tasks but needs help now and then")
    if not _need(answers, "advanced"):
        return Placement(8, "Does the four basic tasks alone, without help")
    return Placement(9, "Does the basic tasks alone and has advanced skills")
