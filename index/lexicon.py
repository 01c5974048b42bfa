"""The one home of Dateline's English vocabulary: months, weekdays, number words, stop words, negation cues, verb
forms, the plural rule, and the question patterns that say what kind of answer a question asks for.

Both paths read it: the write path to resolve dates, the read path to retrieve, compose and verify, the eval suite
to normalise answers. Every other module imports from here instead of keeping a copy.
"""

from __future__ import annotations

import re
from functools import lru_cache

MONTHS = tuple("january february march april may june july august september october november december".split())
MONTH_NUMBERS = {month: number for number, month in enumerate(MONTHS, start=1)}
# "jan" -> "january"; "may" is its own abbreviation and also a verb, so it is left out.
MONTH_ABBREVIATIONS = {m[:3]: m for m in MONTHS if m != "may"} | {"sept": "september"}
YEAR = r"(?:1[89]|20)\d\d"  # a year as news text writes one: 1800-2099
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Words before a weekday that put it after the article's date: "a strike will begin on Monday", "forecasters expect
# rain on Thursday".
FUTURE_CUES = re.compile(
    r"\b(?:will|shall|(?:is|are) (?:due|set|scheduled|expected) to|(?:is|are) scheduled for|expects?|forecasts?)\b"
    r"|'ll\b", re.I)
# Words that name a stretch of time: "last <unit>" is a date relative to the article, not "the last time".
DATE_UNITS = ("week", "month", "year", "weekend", "night", "summer", "winter", "spring", "autumn", *WEEKDAYS, *MONTHS)

NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100}
# Words that give a quantity without digits ("dozens", "half", "a million").
QUANTITY_WORDS = ("hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "dozen",
                  "dozens", "half", "once", "twice", "several", "single", "both", "first", "second", "third")

STOP_WORDS = frozenset(
    "a an the of in on at to for and or is was were be been being did do does what when where who whom whose which "
    "why how with by from as that this it its his her their has have had not no yes than then there about into "
    "he she they them him we you i our your my me us so if but also any all some would will could should can may "
    "might must shall over after before during since until while according said".split()
)
# Words of a page's dateline rather than of news: "Published 21 Jan 2024, 06:57 AM", "Updated 3 hours ago".
DATELINE_WORDS = frozenset("published updated posted modified am pm gmt utc bst cet est edt hour hours ago min "
                           "mins minute minutes read".split())
# Capitalised words that start sentences and questions rather than name anyone.
SENTENCE_START_WORDS = frozenset(
    "The A An In On At It He She They This That These Those After Before During But And Yes No According What Who "
    "Whom Whose When Where Why How Which Did Does Do Is Are Was Were Has Have Had Can Could Will Would Should As "
    "His Her Their Its Since While Under Over Both Neither Not There Then So If Although Though Because By For From "
    "With To Until Between Of Among Despite".split()
)

# Words that turn a statement into its opposite; counted to compare a claim's polarity with its source's.
NEGATIONS = frozenset(
    "not no never without none neither nor nobody nothing cannot refused denied rejected failed unable lacked "
    "declined deny denies refuse refuses reject rejects fail fails lack lacks decline declines".split()
)
# "no longer", "not only ... but", "no one but": phrases that contain a cue but do not negate the fact.
NON_NEGATING = re.compile(r"\bnot only\b|\bno sooner\b|\bwithout delay\b|\bnever(?:theless)?theless\b", re.I)

YES_WORDS = ("yes", "yeah", "indeed", "correct")
NO_WORDS = ("no",)

# Titles and roles that stand inside capitalised runs without being part of a name: "Foreign Minister Choe Son Hui".
TITLE_WORDS = frozenset(
    "president minister prime foreign defence defense leader spokesman spokeswoman spokesperson secretary general "
    "chancellor king queen prince senator governor mayor ambassador envoy official chief head deputy vice supreme "
    "chairman chairwoman commander colonel general admiral judge justice director dr mr mrs ms sir lord pope "
    "premier representative delegate coach captain ceo".split()
)

# Words before a role that say its holder no longer holds it: "the previous governor, Tomas Reyes".
PAST_ROLE_WORDS = frozenset("former previous ex late outgoing erstwhile then".split())

# Irregular verb forms news writes, so "met" counts as "meet" and "said" as "say" when matching words.
IRREGULAR_VERBS = {
    "met": "meet", "said": "say", "says": "say", "told": "tell", "went": "go", "gone": "go", "came": "come",
    "took": "take", "taken": "take", "left": "leave", "held": "hold", "began": "begin", "begun": "begin",
    "won": "win", "lost": "lose", "made": "make", "gave": "give", "given": "give", "flew": "fly", "flown": "fly",
    "sent": "send", "spoke": "speak", "spoken": "speak", "wrote": "write", "written": "write", "became": "become",
    "saw": "see", "seen": "see", "led": "lead", "paid": "pay", "rose": "rise", "risen": "rise", "fell": "fall",
    "fallen": "fall", "struck": "strike", "sought": "seek", "bought": "buy", "sold": "sell", "built": "build",
    "chose": "choose", "chosen": "choose", "drew": "draw", "drawn": "draw", "hit": "hit", "ran": "run",
    "stood": "stand", "thought": "think", "brought": "bring", "kept": "keep", "found": "find", "signed": "sign",
}
# Words that name the same kind of event, so a question's "trip" is bound by an article's "visit".
SYNONYMS = (
    ("visit", "trip", "travel", "arriv", "tour", "go"),
    ("meet", "talk", "summit", "meeting"),
    ("say", "state", "tell", "announc", "report", "quot", "speak", "confirm"),
    ("kill", "dead", "death", "die"),
    ("win", "victori", "beat", "winner"),
    ("expect", "due", "schedul"),
    ("elect", "vote", "poll"),
    ("accus", "charg"),
    ("pay", "fee", "sell", "buy"),  # "sold", "bought": IRREGULAR_VERBS
)

# What kind of thing a question asks for, first match wins; "which year" is a date, "which city" a name.
QUESTION_KINDS: tuple[tuple[str, re.Pattern], ...] = (
    ("number", re.compile(r"^\s*(?:for )?how (?:many|much|often|long|old|far|wide|tall|heavy)\b|^\s*what (?:(?:is|was|"
                          r"were|are) the )?(?:percentage|share|number|proportion|amount|sum|price|score|toll|"
                          r"death toll|population|total|size|cost|value|age|rate|width|length|height|diameter|"
                          r"distance|weight|mass)\b", re.I)),
    ("date", re.compile(r"^\s*(?:when|since when|until when|how long ago|(?:on |in )?what (?:year|month|day|date|"
                        r"time)|(?:on |in )?which (?:year|month|day|date))\b", re.I)),
    ("place", re.compile(r"^\s*(?:where|from where|(?:in |at |to |from )?(?:which|what) (?:\w+ )?(?:city|country|"
                         r"town|place|region|province|capital|venue|port|village|island|location)\b)", re.I)),
    ("name", re.compile(r"^\s*(?:who|whom|whose|(?:in |on |at |to |from |by |with |of )?which|"
                        r"(?:in |on |at |to |from )?what (?:agency|outlet|newspaper|company|party|team|"
                        r"organi[sz]ation|name)|what (?:is|was|are|were) the (?:full |first )?(?:name|surname)|"
                        r"how (?:do|does|did) [^?]{1,80}? spell)\b", re.I)),
    ("yesno", re.compile(r"^\s*(?:did|does|do|is|are|was|were|has|have|had|can|could|will|would|should|must)\b",
                         re.I)),
)
# A question that asks how far apart two values are ("By how much did the toll rise ...?", "How many more cases ...
# than ...?", "How many days after the talks failed was the treaty signed?"): rag/compute.py answers it from the two
# values, and does the arithmetic itself.
DIFFERENCE_QUESTION = re.compile(
    r"^\s*by how (?:much|many)\b|\bhow (?:many|much) (?:[a-z-]+ ){0,2}?(?:more|fewer|less|higher|lower)\b"
    r"|\bhow (?:many (?:days|weeks|months|years|hours)|long) (?:[a-z-]+ )?(?:after|before|later|earlier|passed|"
    r"elapsed|went by|between)\b|\bwhat (?:is|was) the (?:difference|gap|change)\b", re.I)
# Units of time a difference may be given in, and their length in days (a month is 30.4375 days on average).
TIME_UNITS = {"day": 1.0, "week": 7.0, "month": 30.4375, "year": 365.25}
# What a measuring question measures, as the units its answer's number must be given in, first match wins: "How wide
# is the mirror?" is not answered by "61 hexagonal segments", nor "What share of the vote...?" by "71,400 votes".
# Units are written singular, lower case; "%" stands for "%", "per cent" and "percentage points".
LENGTH_UNITS = frozenset("metre meter m kilometre kilometer km centimetre centimeter cm millimetre millimeter mm mile "
                         "foot feet ft inch yard".split())
MASS_UNITS = frozenset("gram g kilogram kilo kg tonne ton t pound lb".split())
DURATION_UNITS = frozenset(TIME_UNITS) | frozenset("second minute hour decade century".split())
MONEY_UNITS = frozenset("euro dollar pound yen franc krona kronor crown rouble ruble won yuan rupee cent "
                        "€ $ £ ¥".split())
MEASURES: tuple[tuple[re.Pattern, frozenset[str]], ...] = (
    (re.compile(r"^\s*(?:for )?how long\b", re.I), DURATION_UNITS | LENGTH_UNITS),
    (re.compile(r"^\s*how (?:wide|tall)\b|^\s*what (?:is|was) the (?:width|length|height|diameter|distance)\b",
                re.I), LENGTH_UNITS),
    (re.compile(r"^\s*how heavy\b|^\s*how much (?:does|did|do|will|would|can) [^?]{1,80}?\bweigh|"
                r"^\s*what (?:is|was) the (?:weight|mass)\b", re.I), MASS_UNITS),
    (re.compile(r"^\s*what (?:(?:is|was|were|are) the )?(?:percentage|share|proportion)\b", re.I), frozenset("%")),
    (re.compile(r"^\s*(?:what|how much)\b[^?]*?\b(?:price|prices|cost|fine|fee|salary|bill|budget|"
                r"per-share (?:offer|bid))\b|^\s*how much (?:did|does|do|will|would|was|were|is)\b[^?]*?"
                r"\b(?:cost|costs|pay|paid|spend|spent|fined|raise|raised)\b", re.I), MONEY_UNITS),
)
# "How many <things> did/were ...": what is counted, which the statement giving the count must name ("600 soldiers",
# not "four helicopters"). People are often counted without the word ("the death toll rose to 26").
COUNTED_THING = re.compile(r"^\s*how many (?P<things>(?:[a-z-]+ ){0,2}?[a-z-]+)(?: (?:in|of|at|on|from|for|to|by|with)"
                           r" [\w' -]+?)? (?:did|do|does|were|was|are|is|have|has|had|will|would|could|can)\b", re.I)
UNNAMED_COUNTS = frozenset("people persons person times".split())
# Words after a count that count people (rag/conflicts.py: "eleven workers" and "sixteen people" may be one count).
PEOPLE_COUNTED = frozenset("people persons person workers worker residents resident passengers passenger patients "
                           "patient employees employee staff".split())
# Words that open a clause continuing the one before it, with no subject of its own: the two are one statement.
# A preposition opens an adjunct, which also takes its verb from the clause before ("..., with President To Lam");
# a relative word or a participle opens a clause with a verb of its own ("..., when he met Kim Jong Il").
ADJUNCT_OPENERS = frozenset("at in on near to from with for during inside outside by".split())
CLAUSE_CONTINUATIONS = ADJUNCT_OPENERS | frozenset(
    "that when where who whom whose which after before including".split())
# Words that open a clause telling of something besides the sentence's own news, whose date is not the event's:
# "certified the result on Monday, confirming a runoff on Sunday, 18 May", "up from 14 on Friday", "after talks on
# Monday" (index/events.py; a word ending in "-ing" opens one too).
SUBORDINATE_OPENERS = frozenset(
    "after before following which who whom whose compared up down than while whereas although though unlike "
    "according".split())
# Prepositions that put a place after them: the answer to "where" is the name after one of these.
LOCATIVES = frozenset("in at to from near into inside outside across".split())
# Verbs that carry little of their own: a question's "receive a fine" is restated by a source's "pay a fine", so an
# answer that repeats one of them is not held to it. Listed as stems find them ("took" is "take": IRREGULAR_VERBS).
LIGHT_VERBS = frozenset("receive get got give take".split())
# Words an answer frames itself with ("The Observer spells the name as ...", "according to the articles") rather than
# stating anything a source must say.
ANSWER_FRAME_WORDS = frozenset(
    "name names spell spells spelled spelt spelling surname according article articles source sources".split())
# Words of a question that frame it rather than say what it is about.
QUESTION_FRAME_WORDS = frozenset(
    "when where who whom whose which what why how many much often long ago year month day date time city country "
    "town place region name happen happened last latest recent recently current currently still newest now most "
    "first ever already yet so far article articles source sources according spell spells spelled spelt spelling "
    "surname".split()
)


def singular(word: str) -> str:
    """The plural rule used everywhere: "days" -> "day", "class" stays."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


_WORD = re.compile(r"[a-z0-9]+")


def content_words(text: str) -> set[str]:
    """Lower-case words without stop words, plural "s" dropped ("days" = "day")."""
    return {singular(word) for word in _WORD.findall(text.lower()) if word not in STOP_WORDS}


@lru_cache(maxsize=1)
def _stemmer():
    from nltk.stem.snowball import SnowballStemmer  # pure Python, no data files

    return SnowballStemmer("english")


_SYNONYM_OF = {stem: group[0] for group in SYNONYMS for stem in group}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """One form per word family: "visited", "visits", "trip" -> "visit"; "met" -> "meet"."""
    word = word.lower()
    word = IRREGULAR_VERBS.get(word, word)
    stemmed = _stemmer().stem(word)
    for prefix in (stemmed, word):
        if prefix in _SYNONYM_OF:
            return _SYNONYM_OF[prefix]
    for key, canonical in _SYNONYM_OF.items():
        if len(key) >= 4 and stemmed.startswith(key):
            return canonical
    return stemmed

# Questions asked in another language than the articles' (rag/translate.py): the words that carry a translated
# answer's polarity, by ISO 639-1 code. A translation must negate where the English sentence does ("not", "no",
# "never", "without", ...) and nowhere else; words that negate by meaning ("rejected") are not polarity here.
GRAMMATICAL_NEGATIONS = {
    "en": frozenset("not no never without none nor nobody nothing cannot".split()),
    "fr": frozenset("ne n pas jamais aucun aucune sans non ni rien personne".split()),
    "de": frozenset("nicht kein keine keinen keinem keiner keines nie niemals ohne nein weder nichts niemand".split()),
    "es": frozenset("no nunca ningún ninguna ninguno sin jamás ni nada nadie".split()),
    "it": frozenset("non no mai nessun nessuna nessuno senza né niente nulla".split()),
    "pt": frozenset("não nunca nenhum nenhuma sem jamais nem nada ninguém".split()),
}
