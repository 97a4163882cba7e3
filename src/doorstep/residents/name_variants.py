"""Spellings of one given name: "Jon" typed for John, "Sara" for Sarah.

A typist who knows the person by sound writes the spelling they know. These are spellings of
the same name, not nicknames ("Bob" for Robert) or related names (John and Jonathan), so a
match counts nearly as much as the exact spelling (scoring.VARIANT_SIMILARITY). Each line is
one name's spellings; the list covers the given names most often spelt more than one way in
England and Wales (ONS baby names) and in the communities a council serves.
"""

from functools import cache

SPELLINGS = """
aaliyah aliyah aleah
abigail abigale
adam adem
aidan aiden aden ayden
aisha aysha ayesha
alan allan allen alun
alastair alistair alasdair alister
alexandra alexandria
alice alys
amelia amilia
ann anne
antony anthony
arran aran
ashleigh ashley ashlee
bethany bethanie
brian bryan
caitlin caitlyn katelyn kaitlyn
carl karl
caroline carolyn
catherine katherine kathryn catharine cathryn
cheryl sheryl
chloe chloé
christopher kristopher
claire clare clair
colin collin
daniel danyal
deborah debra debora
dominic dominick
elisabeth elizabeth
ella ela
eleanor elinor eleanore
emily emilie
erin eryn
evie evey
faye fay
frances francis
freya freja
geoffrey jeffrey jeffery
gillian jillian
graham graeme grahame
hailey haley hayley
hannah hanna
imogen imogene
isabel isabelle isobel isabella
jacqueline jaqueline
jamie jaime
jayden jaden jaiden
jessica jesica
jon john
joanne joann joanna
julie julee
kelly kelley
kerry kerrie keri
lara laura
leah lea lia
lewis louis
lindsay lindsey linsey
louise louisa
lucy lucie
luke luc
lydia lidia
mackenzie mckenzie
madeleine madeline madeliene
marc mark
marion marian marianne
matthew mathew
megan meghan meagan
michael micheal
mohammed muhammad mohammad mohamed muhammed mohamad
neil neal niall
nicholas nicolas nikolas
nicola nichola nikola
paige page
peter pieter
philip phillip
rachel rachael
rebecca rebekah
rhys rees reece reese
ryan rian
sara sarah
scarlett scarlet
sean shaun shawn
sophie sofie
stephen steven stephan
stewart stuart
terence terrence
theresa teresa
toby tobey
tracy tracey
vicky vikki vicki
yusuf yousef youssef
zara zarah
zoe zoë zoey
"""


@cache
def _groups() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for line in SPELLINGS.strip().splitlines():
        group = frozenset(line.split())
        for name in group:
            found[name] = group
    return found


def spellings_of(name: str) -> frozenset[str]:
    """The other spellings of a lower-cased given name (empty when it has none listed)."""
    return _groups().get(name, frozenset()) - {name}


def are_spellings_of_one_name(a: str, b: str) -> bool:
    return b in spellings_of(a)
