"""The campaign's vocabulary: themes, UCLG world regions and sizes of local governments.

Each entry has a stable slug (stored in the database), a display name and synonyms. Matching is
case- and accent-insensitive and forgiving of typos: an unknown word gets "did you mean …?".
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import UserError
from handlers.i18n import N_, Translate
from handlers.text import fold, suggest


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    synonyms: tuple[str, ...] = ()

    def spellings(self) -> tuple[str, ...]:
        return (self.slug, self.slug.replace("-", " "), self.name, *self.synonyms)


THEMES: tuple[Term, ...] = (
    Term("right-to-the-city", N_("Right to the city"), ("right to city", "urban rights", "cities")),
    Term("housing", N_("Housing"), ("right to housing", "homelessness", "shelter")),
    Term("water-sanitation", N_("Water & sanitation"), ("water", "sanitation", "right to water", "wash")),
    Term("food", N_("Food"), ("right to food", "food security", "hunger", "nutrition")),
    Term("culture", N_("Culture"), ("cultural rights", "heritage", "arts")),
    Term("health", N_("Health"), ("right to health", "public health", "mental health")),
    Term("informality", N_("Informality"), ("informalities", "informal economy", "informal settlements")),
    Term("gender", N_("Gender / women's rights"), ("women", "womens rights", "women's rights", "gender equality", "feminism")),
    Term("lgbti", N_("LGBTI"), ("lgbt", "lgbtq", "lgbtqi", "lgbtiq")),
    Term("disability", N_("Disability"), ("disabilities", "people with disabilities", "accessibility")),
    Term("antidiscrimination", N_("Antidiscrimination"), ("anti discrimination", "non discrimination", "nondiscrimination", "anti racism", "antiracism", "racism", "discrimination")),
    Term("climate-justice", N_("Climate justice"), ("climate", "climate change", "energy")),
    Term("environment", N_("Environment"), ("biodiversity", "nature", "ecology", "oceans")),
    Term("participatory-democracy", N_("Participatory democracy"), ("participation", "democracy", "participatory budgeting")),
    Term("peace-memory", N_("Peace and memory"), ("peace", "memory", "historical memory", "peacebuilding", "remembrance")),
    Term("migration", N_("Migration"), ("migrants", "refugees", "asylum", "displacement")),
    Term("education", N_("Education"), ("human rights education", "literacy", "schools")),
    Term("children-youth", N_("Children & youth"), ("children", "youth", "young people", "childhood")),
    Term("older-persons", N_("Older persons"), ("elderly", "ageing", "aging", "older people")),
    Term("indigenous", N_("Indigenous peoples"), ("indigenous peoples", "first nations")),
    Term("decent-work", N_("Decent work"), ("work", "labour", "labor", "employment")),
    Term("poverty", N_("Poverty & social inclusion"), ("social inclusion", "inequality", "basic services")),
    Term("solidarity", N_("International solidarity"), ("cooperation", "international cooperation")),
    Term("human-rights", N_("Human rights (general)"), ("human rights", "rights")),
)

REGIONS: tuple[Term, ...] = (
    Term("africa", N_("Africa")),
    Term("asia-pacific", N_("Asia-Pacific"), ("asia", "pacific", "aspac")),
    Term("eurasia", N_("Eurasia")),
    Term("europe", N_("Europe")),
    Term("latin-america", N_("Latin America"), ("latam", "latin america and the caribbean", "south america", "caribbean")),
    Term("mewa", N_("Middle East & West Asia"), ("middle east", "west asia", "middle east and west asia")),
    Term("north-america", N_("North America"), ("usa", "canada")),
)

SIZES: tuple[Term, ...] = (
    Term("metropolis", N_("Metropolis"), ("metropolitan", "big city", "large city")),
    Term("intermediary-city", N_("Intermediary city"), ("intermediary", "intermediate city", "medium city", "mid size city")),
    Term("small-town", N_("Small town"), ("small city", "town", "village")),
    Term("rural", N_("Rural"), ("rural municipality", "countryside")),
    Term("peri-urban", N_("Peri-urban"), ("periurban", "peripheral", "suburb")),
    Term("region", N_("Region"), ("regional government", "province", "state", "territory")),
)

THEME_BY_SLUG = {t.slug: t for t in THEMES}
REGION_BY_SLUG = {t.slug: t for t in REGIONS}
SIZE_BY_SLUG = {t.slug: t for t in SIZES}


def _index(terms: tuple[Term, ...]) -> dict[str, Term]:
    index: dict[str, Term] = {}
    for term in terms:
        for spelling in term.spellings():
            index.setdefault(fold(spelling), term)
    return index


_THEME_INDEX = _index(THEMES)
_REGION_INDEX = _index(REGIONS)
_SIZE_INDEX = _index(SIZES)


def _match(word: str, index: dict[str, Term]) -> Term | None:
    return index.get(fold(word))


def _suggestions(word: str, terms: tuple[Term, ...], index: dict[str, Term], _: Translate) -> list[str]:
    hits = suggest(word, index.keys(), n=6, cutoff=0.6)
    names: list[str] = []
    for hit in hits:
        name = _(index[hit].name)
        if name not in names:
            names.append(name)
    return names[:3]


def _unknown(kind: str, word: str, suggestions: list[str], listing: str, _: Translate) -> UserError:
    if suggestions:
        message = _("I don't know the {kind} “{word}”. Did you mean {choices}?").format(
            kind=kind, word=word, choices=_(" or ").join(f"“{s}”" for s in suggestions)
        )
    else:
        message = _("I don't know the {kind} “{word}”.").format(kind=kind, word=word)
    return UserError(message, hint=listing)


def find_theme(word: str, _: Translate) -> Term:
    term = _match(word, _THEME_INDEX)
    if term is None:
        raise _unknown(
            _("theme"), word, _suggestions(word, THEMES, _THEME_INDEX, _), _("`/hrc themes` lists every theme."), _
        )
    return term


def find_region(word: str, _: Translate) -> Term:
    term = _match(word, _REGION_INDEX)
    if term is None:
        listing = _("Regions: {names}.").format(names=", ".join(_(r.name) for r in REGIONS))
        raise _unknown(_("region"), word, _suggestions(word, REGIONS, _REGION_INDEX, _), listing, _)
    return term


def find_size(word: str, _: Translate) -> Term:
    term = _match(word, _SIZE_INDEX)
    if term is None:
        listing = _("Sizes: {names}.").format(names=", ".join(_(s.name) for s in SIZES))
        raise _unknown(_("size"), word, _suggestions(word, SIZES, _SIZE_INDEX, _), listing, _)
    return term


def theme_name(slug: str, _: Translate) -> str:
    term = THEME_BY_SLUG.get(slug)
    return _(term.name) if term else slug


def region_name(slug: str, _: Translate) -> str:
    term = REGION_BY_SLUG.get(slug)
    return _(term.name) if term else slug


def size_name(slug: str | None, _: Translate) -> str:
    if not slug:
        return "—"
    term = SIZE_BY_SLUG.get(slug)
    return _(term.name) if term else slug
