"""Command words and option keys in Spanish and French, as aliases of the one English grammar.

``/hrc quién vivienda región: América Latina`` is ``/hrc who vivienda region: América Latina``: each
word of a command name (``who``, ``theme``, ``add``) and each option key (``region``) has its Spanish
and French spellings here, matched without regard to case or accents. The first alias of a word is
the one the translated usage lines (the catalogues) show; ``tests/test_words.py`` checks that every
translated usage and example parses back to its own command, so help and grammar never disagree.
Words are global (``add`` is ``añadir`` in ``theme add`` and ``days add``), so a new command made of
known words needs nothing here; a new word or key needs one line.
"""

from __future__ import annotations

from functools import lru_cache

from handlers.text import fold

# English word -> (Spanish spellings, French spellings); the first of each is the preferred one.
COMMAND_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "help": (("ayuda",), ("aide",)),
    "register": (("registrar",), ("inscrire", "enregistrer")),
    "profile": (("perfil",), ("profil",)),
    "theme": (("tema",), ("thème",)),
    "themes": (("temas",), ("thèmes",)),
    "add": (("añadir", "agregar"), ("ajouter",)),
    "remove": (("quitar", "eliminar"), ("retirer", "supprimer")),
    "who": (("quién",), ("qui",)),
    "share": (("compartir",), ("partager",)),
    "practices": (("prácticas",), ("pratiques",)),
    "subscribe": (("suscribir", "suscribirse"), ("abonner", "sabonner")),
    "unsubscribe": (("desuscribir", "desuscribirse"), ("désabonner",)),
    "progress": (("progreso", "avance"), ("progrès",)),
    "verify": (("verificar",), ("vérifier",)),
    "reject": (("rechazar",), ("rejeter",)),
    "pending": (("pendientes", "pendiente"), ("attente",)),
    "days": (("días",), ("jours",)),
    "day": (("día",), ("jour",)),
    "channel": (("canal",), ("canal",)),
    "channels": (("canales",), ("canaux",)),
    "set": (("activar",), ("activer",)),
    "unset": (("desactivar",), ("désactiver",)),
    "announce": (("anunciar",), ("annoncer",)),
    "announcements": (("anuncios",), ("annonces",)),
    "confirm": (("confirmar",), ("confirmer",)),
    "cancel": (("cancelar",), ("annuler",)),
    "status": (("estado",), ("état", "statut")),
    "language": (("idioma",), ("langue",)),
    "pause": (("pausar", "pausa", "suspender"), ("pause", "suspendre")),
    "resume": (("reanudar", "retomar"), ("reprendre", "reprise")),
    "export": (("exportar",), ("exporter",)),
    "audit": (("auditoría",), ("audit", "journal")),
    "act": (("actuar",), ("agir",)),
    "acting": (("acciones",), ("actions",)),
    "merge": (("fusionar",), ("fusionner",)),
    "leave": (("dejar",), ("quitter",)),
    "transfer": (("traspasar", "transferir"), ("transférer",)),
    # "enlace"/"lien" first: the same words as share's link: option, which Discord's tree names alike.
    "link": (("enlace", "vincular", "enlazar"), ("lien", "lier", "relier")),
    "unlink": (("desvincular",), ("délier", "dissocier")),
}

# English option key -> (Spanish spellings, French spellings); the first of each is the preferred one (one
# word: Discord's option names are these). A spelling may belong to two keys that no command has together
# (``à:`` is ``to:`` for transfer and ``at:`` for announce): the command decides.
KEY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "city": (("ciudad",), ("ville",)),
    "country": (("país",), ("pays",)),
    "region": (("región",), ("région",)),
    "theme": (("tema",), ("thème",)),
    "themes": (("temas",), ("thèmes",)),
    "size": (("tamaño",), ("taille",)),
    "timezone": (("zona", "zona horaria", "huso horario"), ("fuseau", "fuseau horaire")),
    "languages": (("idiomas",), ("langues",)),
    "language": (("idioma",), ("langue",)),
    "title": (("título",), ("titre",)),
    "summary": (("resumen",), ("résumé",)),
    "link": (("enlace",), ("lien",)),
    "text": (("texto",), ("texte",)),
    # An announcement in another language (``text_es: …``): the language code stays as it is.
    "text_en": (("texto_en",), ("texte_en",)),
    "text_es": (("texto_es",), ("texte_es",)),
    "text_fr": (("texto_fr",), ("texte_fr",)),
    "title_en": (("título_en",), ("titre_en",)),
    "title_es": (("título_es",), ("titre_es",)),
    "title_fr": (("título_fr",), ("titre_fr",)),
    "at": (("cuándo", "a", "hora"), ("quand", "à", "heure")),
    "date": (("fecha",), ("date",)),
    "name": (("nombre",), ("nom",)),
    "reason": (("motivo", "razón"), ("motif", "raison")),
    "dm": (("privado",), ("privé",)),
    "digest": (("boletín",), ("bulletin",)),
    "lead": (("antelación",), ("avance",)),
    "event": (("evento",), ("événement",)),
    "since": (("desde",), ("depuis",)),
    "page": (("página",), ("page",)),
    "format": (("formato",), ("format",)),
    "note": (("nota",), ("note",)),
    "practice": (("práctica",), ("pratique",)),
    "into": (("en",), ("dans",)),
    "to": (("a", "para"), ("à",)),
    "confirm": (("confirmar",), ("confirmer",)),
}

# English spellings of a key besides the key itself.
ENGLISH_KEYS: dict[str, tuple[str, ...]] = {"timezone": ("time zone",)}

# Names that only Discord's command tree uses (its groups and subcommands, its option names for free words),
# for localized command names: the grammar never reads them.
TREE_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "calendar": (("calendario",), ("calendrier",)),
    "subscriptions": (("suscripciones",), ("abonnements",)),
    "campaign": (("campaña",), ("campagne",)),
    "secretariat": (("secretaría",), ("secrétariat",)),
    "dates": (("fechas",), ("dates",)),
    "new": (("nuevo",), ("nouvelle",)),
    "send": (("enviar",), ("envoyer",)),
    "list": (("lista",), ("liste",)),
    "search": (("buscar",), ("chercher",)),
    "city": (("ciudad",), ("ville",)),
    "words": (("palabras",), ("mots",)),
    "command": (("comando",), ("commande",)),
    "month": (("mes",), ("mois",)),
    "what": (("qué",), ("quoi",)),
    "id": (("número",), ("numéro",)),
    "duration": (("duración",), ("durée",)),
    "withdraw": (("retirar",), ("renoncer",)),
    "account": (("cuenta",), ("compte",)),
    "code": (("código",), ("code",)),
}

# Answers to yes/no options (``dm: sí``), folded.
YES = frozenset({"yes", "y", "si", "oui"})
NO = frozenset({"no", "n", "non"})
# "yes" and "all" (``unsubscribe all``) as each language writes them in a command.
YES_WORDS = {"en": "yes", "es": "sí", "fr": "oui"}
ALL_WORDS = {"en": "all", "es": "todos", "fr": "tous"}
# Every spelling of "all" a command takes for "all themes" (``themes: all``, ``unsubscribe todas``, the feed's
# ``?themes=tous``), folded.
ALL_INPUT = frozenset({"all", "todo", "todos", "todas", "tout", "tous", "toutes"})

_LANG_INDEX = {"es": 0, "fr": 1}


def _reverse(table: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for english in table:
        index.setdefault(fold(english).replace(" ", ""), english)
    for english, spellings in table.items():
        for alias in (*spellings[0], *spellings[1]):
            index.setdefault(fold(alias).replace(" ", ""), english)
    return index


def _key_index() -> dict[str, tuple[str, ...]]:
    """Folded spelling (spaces dropped) -> every English key it spells, in table order."""
    index: dict[str, tuple[str, ...]] = {}
    for english, spellings in KEY_WORDS.items():
        for alias in (english, *ENGLISH_KEYS.get(english, ()), *spellings[0], *spellings[1]):
            folded = fold(alias).replace(" ", "")
            if english not in index.get(folded, ()):
                index[folded] = (*index.get(folded, ()), english)
    return index


_WORD_INDEX = _reverse(COMMAND_WORDS)
_KEY_INDEX = _key_index()


def command_word(word: str) -> str:
    """The English command word for ``word`` in any language (``quién`` -> ``who``); else ``word`` lower-cased."""
    return _WORD_INDEX.get(fold(word).replace(" ", ""), word.lower())


def option_keys(word: str) -> tuple[str, ...]:
    """Every English option key ``word`` spells in any language (``à`` -> ``at``, ``to``); () when none."""
    return _KEY_INDEX.get(fold(word).replace(" ", ""), ())


def option_key(word: str, among: tuple[str, ...] | None = None) -> str | None:
    """The English option key for ``word`` in any language (``región`` -> ``region``), None when unknown.

    ``among``: a command's keys; the key must be one of them (``à`` is ``at`` for announce, ``to`` for transfer).
    """
    keys = option_keys(word)
    return next((key for key in keys if among is None or key in among), None)


def command_spellings(name: str) -> tuple[str, ...]:
    """A command's name in each of its spellings, English first (``pause``, ``pausar``, ``pausa``…)."""
    words = name.split()
    spellings = [name]
    for index in _LANG_INDEX.values():
        for position, word in enumerate(words):
            for alias in COMMAND_WORDS.get(word, ((), ()))[index]:
                spellings.append(" ".join([*words[:position], alias, *words[position + 1:]]))
    return tuple(dict.fromkeys(spellings))


def localized_word(english: str, language: str) -> str:
    """The preferred spelling of a command word in ``language`` (English when none)."""
    entry = COMMAND_WORDS.get(english)
    index = _LANG_INDEX.get(language)
    return entry[index][0] if entry and index is not None else english


def localized_key(english: str, language: str) -> str:
    entry = KEY_WORDS.get(english)
    index = _LANG_INDEX.get(language)
    return entry[index][0] if entry and index is not None else english


def localized_command(name: str, language: str) -> str:
    """``theme add`` -> ``tema añadir`` in Spanish."""
    return " ".join(localized_word(word, language) for word in name.split())


def tree_name(english: str, language: str) -> str:
    """A name of Discord's command tree (a command, group or option) in ``language``: ``who`` -> ``quién``.

    Looks in the command words, then the option keys, then the tree's own words; English when none.
    """
    index = _LANG_INDEX.get(language)
    if index is None:
        return english
    for table in (COMMAND_WORDS, KEY_WORDS, TREE_WORDS):
        if english in table:
            return table[english][index][0]
    return english


_TREE_INDEX = {
    fold(alias).replace(" ", ""): english
    for table in (TREE_WORDS, KEY_WORDS, COMMAND_WORDS)
    for english, spellings in table.items()
    for alias in (english, *spellings[0], *spellings[1])
}


def tree_word(word: str) -> str:
    """The English name of a tree word in any language (``calendario`` -> ``calendar``); else lower-cased."""
    return _TREE_INDEX.get(fold(word).replace(" ", ""), word.lower())


@lru_cache(maxsize=256)
def key_spellings(key: str, language: str | None = None) -> tuple[str, ...]:
    """The ways to write an option key, preferred first: in ``language`` (``es``: ``zona``, ``zona horaria``…),
    or in every language when None (``timezone``, ``time zone``, ``zona``…)."""
    entry = KEY_WORDS.get(key, ((), ()))
    english = (key, *ENGLISH_KEYS.get(key, ()))
    if language is None:
        return tuple(dict.fromkeys((*english, *entry[0], *entry[1])))
    index = _LANG_INDEX.get(language)
    return entry[index] if index is not None and entry[index] else english


def multiword_keys() -> tuple[str, ...]:
    """The spellings of keys made of several words (``time zone``, ``fuseau horaire``), longest first."""
    spellings = {alias for key in KEY_WORDS for alias in key_spellings(key) if " " in alias.strip()}
    return tuple(sorted(spellings, key=len, reverse=True))
