"""The campaign's vocabulary: themes, UCLG world regions and sizes of local governments.

Each entry has a stable slug (stored in the database), a display name and synonyms. Matching is
case- and accent-insensitive and forgiving of typos: an unknown word gets "did you mean …?".
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import UserError
from handlers.i18n import LANGUAGES, N_, Translate, translator
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

# Words members use in Spanish and French besides each term's translated name (which the catalogues
# give and ``_index`` adds): matched like the English synonyms, whatever the reader's language.
LOCAL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "right-to-the-city": ("derecho a la ciudad", "droit à la ville"),
    "housing": ("vivienda", "derecho a la vivienda", "logement", "droit au logement", "habitat", "hábitat"),
    "water-sanitation": ("agua", "saneamiento", "derecho al agua", "eau", "assainissement", "droit à l'eau"),
    "food": ("alimentación", "alimentos", "derecho a la alimentación", "seguridad alimentaria", "alimentation",
             "droit à l'alimentation", "sécurité alimentaire"),
    "culture": ("cultura", "derechos culturales", "patrimonio", "droits culturels", "patrimoine"),
    "health": ("salud", "derecho a la salud", "salud pública", "santé", "droit à la santé", "santé publique"),
    "informality": ("informalidad", "economía informal", "asentamientos informales", "informalité",
                    "économie informelle", "quartiers informels"),
    "gender": ("género", "mujeres", "derechos de las mujeres", "igualdad de género", "genre", "femmes",
               "droits des femmes", "égalité de genre", "égalité femmes hommes"),
    "disability": ("discapacidad", "personas con discapacidad", "accesibilidad", "handicap",
                   "personnes handicapées", "accessibilité"),
    "antidiscrimination": ("antidiscriminación", "no discriminación", "racismo", "antirracismo", "discriminación",
                           "lutte contre les discriminations", "non-discrimination", "racisme", "antiracisme"),
    "climate-justice": ("justicia climática", "clima", "cambio climático", "justice climatique", "climat",
                        "changement climatique"),
    "environment": ("medio ambiente", "ambiente", "biodiversidad", "environnement", "biodiversité"),
    "participatory-democracy": ("democracia participativa", "participación", "presupuesto participativo",
                                "démocratie participative", "budget participatif"),
    "peace-memory": ("paz", "memoria", "memoria histórica", "paz y memoria", "paix", "mémoire", "paix et mémoire"),
    "migration": ("migración", "migrantes", "refugiados", "asilo", "migrations", "migrants", "réfugiés", "asile"),
    "education": ("educación", "educación en derechos humanos", "éducation", "éducation aux droits humains"),
    "children-youth": ("infancia", "juventud", "niñez", "jóvenes", "infancia y juventud", "enfance", "jeunesse",
                       "jeunes", "enfance et jeunesse"),
    "older-persons": ("personas mayores", "mayores", "envejecimiento", "personnes âgées", "aînés", "vieillissement"),
    "indigenous": ("pueblos indígenas", "indígenas", "peuples autochtones", "autochtones"),
    "decent-work": ("trabajo decente", "trabajo", "empleo", "travail décent", "travail", "emploi"),
    "poverty": ("pobreza", "inclusión social", "desigualdad", "pauvreté", "inclusion sociale", "inégalités"),
    "solidarity": ("solidaridad internacional", "cooperación", "solidarité internationale", "coopération"),
    "human-rights": ("derechos humanos", "droits humains", "droits de l'homme"),
    "africa": ("áfrica", "afrique"),
    "asia-pacific": ("asia pacífico", "asie-pacifique", "asie"),
    "eurasia": ("eurasie",),
    "latin-america": ("américa latina", "latinoamérica", "amérique latine", "américa latina y el caribe"),
    "mewa": ("oriente medio y asia occidental", "oriente medio", "moyen-orient et asie de l'ouest", "moyen-orient"),
    "north-america": ("américa del norte", "norteamérica", "amérique du nord"),
    "metropolis": ("metrópolis", "metrópoli", "gran ciudad", "métropole", "grande ville"),
    "intermediary-city": ("ciudad intermedia", "ville intermédiaire"),
    "small-town": ("pequeño municipio", "pueblo", "ciudad pequeña", "petite ville", "village", "commune"),
    "rural": ("municipio rural", "commune rurale"),
    "peri-urban": ("periurbano", "periurbana", "périurbain"),
    "region": ("región", "gobierno regional", "provincia", "région", "gouvernement régional", "département"),
}

THEME_BY_SLUG = {t.slug: t for t in THEMES}
REGION_BY_SLUG = {t.slug: t for t in REGIONS}
SIZE_BY_SLUG = {t.slug: t for t in SIZES}


def _index(terms: tuple[Term, ...]) -> dict[str, Term]:
    """Folded spelling -> term: English spellings first, then the names in every catalogue and local synonyms."""
    index: dict[str, Term] = {}
    for term in terms:
        for spelling in term.spellings():
            index.setdefault(fold(spelling), term)
    for language in LANGUAGES:
        _ = translator(language)
        for term in terms:
            index.setdefault(fold(_(term.name)), term)
    for term in terms:
        for spelling in LOCAL_SYNONYMS.get(term.slug, ()):
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
            kind=kind, word=word, choices=_(" or ").join(_.quote(s) for s in suggestions)
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
