"""Directories for the benchmarks, generated fast with bulk INSERTs (one ``executemany`` per table) on
SQLite or PostgreSQL: N verified cities with 3 themes and a focal point each, extra members, and practices
whose titles and summaries are in English, Spanish and French with their accents.

Also the hand-written search queries with known answers (``SEARCH_QUERIES``): the practices that answer
each are planted in the corpus, so a search's top 5 can be scored.
"""

from __future__ import annotations

import random
import resource
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from handlers.text import fold
from handlers.vocab import REGIONS, THEMES
from storage.migrate import upgrade
from storage.models import (
    City,
    CityStatus,
    CityTheme,
    FocalPoint,
    FocalStatus,
    Member,
    Practice,
    PracticeTheme,
)
from storage.session import Database

THEME_SLUGS = [t.slug for t in THEMES]
COUNTRIES = ["AR", "BR", "CL", "CO", "MX", "PE", "UY", "ES", "FR", "PT", "IT", "DE", "BE", "CH", "PL", "SE", "NO",
             "KR", "JP", "ID", "PH", "IN", "TR", "MA", "TN", "SN", "CI", "CM", "ZA", "KE", "CA", "US", "AU", "NZ"]
SYLLABLES = ["sa", "lo", "ma", "ri", "ve", "to", "qui", "na", "bel", "mon", "gra", "do", "lú", "cé", "ño", "ła", "ø", "tz"]
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
BATCH = 5000

# Words of the generated practices, by language (accents included); {x} and {y} are drawn from TOPICS.
TEMPLATES = {
    "en": ("{x} for {y} in the city centre", "Neighbourhood councils on {x}: how {y} shape local policy, with the "
           "municipality's yearly report and an open register."),
    "es": ("{x} para {y} en los barrios", "Consejos vecinales sobre {x}: cómo {y} participan en la política "
           "municipal, con informe anual y registro público."),
    "fr": ("{x} pour {y} dans les quartiers", "Conseils de quartier sur {x} : comment {y} participent à la "
           "politique municipale, avec un rapport annuel et un registre ouvert."),
}
TOPICS = {
    "en": (["Housing support", "Street lighting", "Public libraries", "Cycling lanes", "Food banks", "Waste sorting",
            "Legal aid", "Night buses", "Green roofs", "Youth centres", "Drinking water", "Heating aid"],
           ["older people", "newcomers", "families", "students", "workers", "tenants", "volunteers"]),
    "es": (["Apoyo a la vivienda", "Alumbrado público", "Bibliotecas públicas", "Carriles bici", "Bancos de alimentos",
            "Reciclaje de residuos", "Asesoría jurídica", "Autobuses nocturnos", "Techos verdes", "Centros juveniles",
            "Agua potable", "Calefacción"],
           ["personas mayores", "recién llegados", "familias", "estudiantes", "trabajadores", "inquilinos"]),
    "fr": (["Aide au logement", "Éclairage public", "Bibliothèques publiques", "Pistes cyclables", "Banques alimentaires",
            "Tri des déchets", "Aide juridique", "Bus de nuit", "Toits végétalisés", "Maisons de jeunes",
            "Eau potable", "Aide au chauffage"],
           ["personnes âgées", "nouveaux arrivants", "familles", "étudiants", "travailleurs", "locataires"]),
}


@dataclass(frozen=True)
class Query:
    """A search typed as ``words``, whose right answers are the planted practices titled ``answers``."""

    words: str
    answers: frozenset[str]


# Planted practices (title, summary), written as a person would, accents and all. The generated noise
# (TEMPLATES, TOPICS) shares words with several queries (water, agua, eau, youth, jeunes, budget-free
# councils, municipal…), so a search must rank the practices holding every word first.
PLANTED: list[tuple[str, str]] = [
    ("Solar water kiosks", "Kiosks selling clean water in every district, run by women's cooperatives."),
    ("Quioscos de agua solares", "Quioscos que venden agua potable en cada barrio."),
    ("Kiosques à eau solaires", "Des kiosques d'eau potable dans chaque quartier."),
    ("Water kiosks for schools", "Kiosks at school gates give children clean water."),
    ("Kiosks and water points", "A map of every water kiosk in the city."),
    ("Participatory budgeting for youth", "Young people decide on part of the municipal budget."),
    ("Presupuesto participativo juvenil", "Los jóvenes deciden una parte del presupuesto municipal."),
    ("Budget participatif des jeunes", "Les jeunes décident d'une partie du budget municipal."),
    ("Youth budget assemblies", "Assemblies where youth vote on the participatory budget."),
    ("Budgets participatifs scolaires", "Un budget participatif dans chaque collège."),
    ("Accessibility audits of town halls", "Wheelchair users audit accessibility of public buildings."),
    ("Auditorías de accesibilidad", "Personas con discapacidad revisan la accesibilidad de edificios."),
    ("Audits d'accessibilité", "Les personnes handicapées évaluent l'accessibilité des bâtiments."),
    ("Accessible beaches", "Accessibility mats and amphibious chairs on the city's beaches."),
    ("Accessibilité numérique", "L'accessibilité des sites municipaux vérifiée chaque année."),
    ("Intercultural mediation service", "Mediators who speak twelve languages help newcomers."),
    ("Mediación intercultural", "Mediadoras interculturales acompañan a las familias migrantes."),
    ("Médiation interculturelle", "Des médiateurs interculturels dans les écoles et les mairies."),
    ("Neighbourhood mediation", "Free mediation for conflicts between neighbours."),
    ("Médiation de quartier", "Une médiation gratuite pour les conflits de voisinage."),
    ("Heatwave shelters", "Cool rooms open during heatwaves for older people living alone."),
    ("Refugios climáticos", "Espacios frescos abiertos durante las olas de calor."),
    ("Îlots de fraîcheur", "Des lieux frais ouverts pendant les canicules."),
    ("Heat action plan", "Calls to every isolated person during a heatwave."),
    ("Plan canicule", "Un registre des personnes isolées appelées pendant la canicule."),
]


def _q(words: str, *answers: str) -> Query:
    return Query(words, frozenset(answers))


# 20 searches as people type them (no accents, other case, a prefix, two words, three languages), each
# with the practices a reader would want, decided by hand from the texts above.
SEARCH_QUERIES = [
    _q("kiosks", "Solar water kiosks", "Water kiosks for schools", "Kiosks and water points"),
    _q("quioscos agua", "Quioscos de agua solares"),
    _q("kiosques", "Kiosques à eau solaires"),
    _q("water kiosk", "Solar water kiosks", "Water kiosks for schools", "Kiosks and water points"),
    _q("budget participatif", "Budget participatif des jeunes", "Budgets participatifs scolaires"),
    _q("presupuesto participativo", "Presupuesto participativo juvenil"),
    _q("participatory budg", "Participatory budgeting for youth", "Youth budget assemblies"),
    _q("youth budget", "Participatory budgeting for youth", "Youth budget assemblies"),
    _q("accessibilite", "Audits d'accessibilité", "Accessibilité numérique"),
    _q("accesibilidad", "Auditorías de accesibilidad"),
    _q("Accessibility audits", "Accessibility audits of town halls"),
    _q("ACCESSIBILITÉ", "Audits d'accessibilité", "Accessibilité numérique"),
    _q("mediation", "Intercultural mediation service", "Médiation interculturelle", "Neighbourhood mediation",
       "Médiation de quartier"),
    _q("mediacion intercultural", "Mediación intercultural"),
    _q("médiation interculturelle", "Médiation interculturelle"),
    _q("mediat", "Intercultural mediation service", "Médiation interculturelle", "Neighbourhood mediation",
       "Médiation de quartier"),
    _q("canicule", "Plan canicule", "Îlots de fraîcheur"),
    _q("heatwave", "Heatwave shelters", "Heat action plan"),
    _q("olas de calor", "Refugios climáticos"),
    _q("refugios climaticos", "Refugios climáticos"),
]


def focal_user(platform: str, n: int) -> str:
    """The user id of city ``n``'s focal point (a snowflake on Discord)."""
    return str(500000000000100000 + n) if platform == "discord" else f"U{n:05d}"


def reader_user(platform: str, n: int) -> str:
    """The user id of reader ``n`` (someone with no city)."""
    return str(500000000000900000 + n) if platform == "discord" else f"UR{n:04d}"


def city_name(n: int, rng: random.Random) -> str:
    """A made-up place name with accents, unique by its number."""
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
    return f"{word} {n}"


def practice_text(rng: random.Random) -> tuple[str, str]:
    language = rng.choice(list(TEMPLATES))
    title, summary = TEMPLATES[language]
    topics, groups = TOPICS[language]
    x, y = rng.choice(topics), rng.choice(groups)
    return title.format(x=x, y=y), summary.format(x=x.lower(), y=y)


async def _insert(db: Database, model: type, rows: list[dict[str, object]]) -> None:
    for start in range(0, len(rows), BATCH):
        async with db.transaction() as session:
            await session.execute(insert(model), rows[start:start + BATCH])


async def fill(db: Database, cities: int, practices: int = 0, members: int | None = None, seed: int = 7,
               platform: str = "slack", workspace: str = "T1") -> set[str]:
    """Fill an empty migrated database: ``cities`` verified cities (ids 1…N) with 3 themes and one focal
    point each (``focal_user``), ``members`` people in all (default: one per city), and
    ``practices`` practices plus the planted ones (``PLANTED``) when ``practices`` > 0. Returns the planted titles."""
    rng = random.Random(seed)
    members = cities if members is None else max(members, cities)
    await _insert(db, City, [
        {"id": n + 1, "name": (name := city_name(n, rng)), "name_key": fold(name), "country": (c := rng.choice(COUNTRIES)),
         "country_key": c, "region": rng.choice(REGIONS).slug, "size": None, "timezone": None, "languages": "en",
         "status": CityStatus.VERIFIED, "reject_reason": None, "registered_at": EPOCH, "joined_at": EPOCH + timedelta(hours=n),
         "is_demo": False}
        for n in range(cities)])
    await _insert(db, CityTheme, [{"city_id": n + 1, "theme": t} for n in range(cities) for t in rng.sample(THEME_SLUGS, 3)])
    await _insert(db, Member, [
        {"id": n + 1, "platform": platform, "workspace": workspace, "user_id": focal_user(platform, n), "display_name": f"focal{n}",
         "created_at": EPOCH, "language": None, "last_language": None} for n in range(members)])
    await _insert(db, FocalPoint, [
        {"member_id": n + 1, "city_id": n + 1, "status": FocalStatus.VERIFIED, "created_at": EPOCH} for n in range(cities)])
    planted = PLANTED if practices else []
    rows, themes = [], []
    for n in range(practices + len(planted)):
        if n < len(planted):
            title, summary = planted[n]
        else:
            title, summary = practice_text(rng)
        rows.append({"id": n + 1, "city_id": rng.randrange(cities) + 1, "member_id": None, "title": title, "summary": summary,
                     "link": None, "search_text": fold(f"{title} {summary}"), "created_at": EPOCH + timedelta(minutes=n),
                     "is_demo": False})
        themes += [{"practice_id": n + 1, "theme": t} for t in rng.sample(THEME_SLUGS, 2)]
    await _insert(db, Practice, rows)
    await _insert(db, PracticeTheme, themes)
    async with db.transaction() as session:
        postgresql = session.get_bind().dialect.name == "postgresql"
        if postgresql:  # ids were given: move the sequences past them
            for table in ("cities", "members", "practices"):
                await session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                           f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        else:
            await session.execute(text("ANALYZE"))
    if postgresql:
        # What autovacuum does soon after a bulk load: statistics, the visibility map, and the GIN index's
        # pending list merged (searching a 100,000-row pending list costs ~15 ms a query).
        async with db.engine.connect() as conn:
            await (await conn.execution_options(isolation_level="AUTOCOMMIT")).exec_driver_sql("VACUUM ANALYZE")
    return {title for title, _summary in planted}


async def directory_db(cities: int = 1000, seed: int = 7, platform: str = "slack", workspace: str = "T1",
                       practices: int = 0, members: int | None = None) -> Database:
    """A fresh migrated SQLite database in a temporary directory, filled by ``fill``."""
    path = Path(tempfile.mkdtemp(prefix="hrc-bench-")) / "bench.db"
    db = Database(f"sqlite:///{path}")
    await upgrade(db)
    await fill(db, cities, practices, members, seed, platform, workspace)
    return db


async def city_names(db: Database) -> list[str]:
    """Every city's name, by id (city ``n`` is ``names[n]``)."""
    async with db.transaction(write=False) as session:
        return list((await session.execute(select(City.name).order_by(City.id))).scalars())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """This process's resident memory now (Linux ``/proc``), in MB."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1024 / 1024
