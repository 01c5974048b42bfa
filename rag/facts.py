"""What a piece of text states, in comparable form: its numbers, months, names (as word sequences), word stems and
negations, and the clauses it is made of. The question, each answer sentence and each article sentence are read
the same way, so the verifier can ask "does this clause state that fact about that subject?"."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from index.lexicon import (
    LOCATIVES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NEGATIONS,
    NON_NEGATING,
    NUMBER_WORDS,
    QUANTITY_WORDS,
    QUESTION_FRAME_WORDS,
    SENTENCE_START_WORDS,
    STOP_WORDS,
    TITLE_WORDS,
    WEEKDAYS,
    YEAR,
    stem,
)

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
_NAME_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’-]*|(?:de|da|von|van|bin|al|el|le|la)\b))*")
# Clause boundaries: semicolons, colons, dashes, commas, and the conjunctions that join two statements.
# A comma breaks a clause, except the thousands separator of a number ("5,100 people").
_CLAUSE_BREAK = re.compile(
    r"\s*[;:—–]\s*|\s+-\s+|,(?!\d{3}(?!\d))\s*|\s+(?=(?:but|while|whereas|although|though|because)\s)", re.I)
_TENS = {w: v for w, v in NUMBER_WORDS.items() if v >= 20}
_UNITS = {w: v for w, v in NUMBER_WORDS.items() if 1 <= v <= 9}
_COMPOUND_NUMBER = re.compile(rf"\b({'|'.join(_TENS)})[- ]({'|'.join(_UNITS)})\b", re.I)
_WORD_NUMBER = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# An amount as written: a currency sign, its number, then "and a half", a percent sign or words, a scale and the word
# after it (its unit, or what it counts): "42.6%", "4.2 million euros", "$5 billion", "six-day", "1,140 kilograms".
AMOUNT = re.compile(
    rf"(?:(?P<currency>[€$£¥])\s?)?(?<![\w.,])"
    rf"(?P<number>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|{_WORD_NUMBER})\b(?![\w,]*\d)"
    rf"(?P<half>\s+and\s+a\s+half)?(?:\s*(?P<percent>%|per\s?cent\b|percentage points?\b))?"
    rf"(?:\s*(?P<scale>million|billion|thousand)\b)?(?:(?:\s+|-)(?P<unit>[a-z]+))?", re.I)
MIN_VARIANT_LETTERS = 5
MIN_VARIANT_RATIO = 80  # "novak" / "nowak" is 80; "shoigu" / "lavrov", "il" / "un" are far below
LIGHT_CLAUSE_TOKENS = 4  # "19 June 2024", "Sept 13": clauses this short belong to their neighbour


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers; "1,000" -> "1000", "Kim's" -> "kim", "Song-hee" -> "song", "hee",
    "twenty-four" -> "24"."""
    text = _COMPOUND_NUMBER.sub(lambda m: str(_TENS[m[1].lower()] + _UNITS[m[2].lower()]), text.replace("’", "'"))
    words = []
    for token in _TOKEN.findall(text):
        token = token.lower()
        if token[0].isdigit():
            token = token.replace(",", "").rstrip(".")
        elif token.endswith("'s"):
            token = token[:-2]
        elif token in NUMBER_WORDS and token != "one":  # "two" -> "2", so "the two leaders" = "2 leaders"
            token = str(NUMBER_WORDS[token])
        words.append(MONTH_ABBREVIATIONS.get(token, token))
    return words


def number_value(token: str) -> str | None:
    """"2000" -> "2000", "three" -> "3", "million" -> "million"; None for words that are not numbers ("one" is
    mostly a pronoun, so it is not one either)."""
    if token[0].isdigit():
        return token
    if token in QUANTITY_WORDS:
        return token
    value = NUMBER_WORDS.get(token)
    return str(value) if value is not None and token != "one" else None


def plain_number(number: str) -> str:
    """A number as `tokens` writes it: "5,100" -> "5100", "six" -> "6"."""
    word = number.lower()
    return str(NUMBER_WORDS[word]) if word in NUMBER_WORDS else number.replace(",", "")


def measured_numbers(text: str, units: Collection[str]) -> frozenset[str]:
    """The numbers `text` gives in one of `units` (singular, lower case; "%" for a percentage), as `tokens` writes
    them: "9.2 metres across" -> {"9.2"} for lengths, but not the "61" of "61 hexagonal segments"."""
    found = set()
    for match in AMOUNT.finditer(text):
        unit = "%" if match["percent"] else match["currency"] or (match["unit"] or "").lower()
        if unit in units or unit.removesuffix("s") in units or unit.removesuffix("es") in units:
            found.add(plain_number(match["number"]))
    return frozenset(found)


@dataclass(frozen=True)
class Facts:
    """The checkable content of a text."""

    numbers: frozenset[str]  # digits, number words as digits ("three" -> "3"), quantity words ("million")
    months: frozenset[str]  # full month names
    names: tuple[tuple[str, ...], ...]  # capitalised runs as lower-case words: ("kim", "jong", "il")
    stems: frozenset[str]  # content words, stemmed ("visited" -> "visit")
    negations: int  # how many negation cues it has ("no date had been agreed" -> 1)
    date_numbers: frozenset[str] = frozenset()  # numbers of a date or time of day: "19", "2024" of "19 June 2024"
    places: tuple[tuple[str, ...], ...] = ()  # names after "in", "at", "to"...: "in Pyongyang" -> ("pyongyang",)
    subjects: tuple[tuple[str, ...], ...] = ()  # names opening a clause or after "is"/"was": "South Korea summoned"

    @property
    def name_words(self) -> frozenset[str]:
        return frozenset(word for name in self.names for word in name)


_YEAR = re.compile(rf"^{YEAR}$")


# A time of day: "10.50pm", "1.30 am", "03:42" (a count of nothing).
_TIME_OF_DAY = re.compile(r"(?<![\d.,])(\d{1,2})(?:([.:])(\d{2}))?\s*(?:am|pm|a\.m\.|p\.m\.)(?!\w)"
                          r"|(?<![\d.,:])(\d{1,2}):(\d{2})(?!\d)", re.I)


def _times_of_day(text: str) -> set[str]:
    """The numbers of the times of day `text` states, as `tokens` writes them: "10.50pm" -> "10.50", "03:42" -> "03",
    "42"."""
    found = set()
    for match in _TIME_OF_DAY.finditer(text):
        hour, separator, minutes, clock_hour, clock_minutes = match.groups()
        if clock_hour:
            found |= {clock_hour, clock_minutes}
        elif separator == ".":
            found.add(f"{hour}.{minutes}")
        else:
            found |= {hour, minutes} - {None}
    return found


def _date_numbers(words: list[str], text: str) -> frozenset[str]:
    """Years, day numbers next to a month ("19 June", "June 19", "18 and 19 June") and the numbers of times of day
    ("10.50pm", "03:42"): numbers that count nothing."""
    found = {w for w in words if _YEAR.match(w)} | _times_of_day(text)
    for i, word in enumerate(words):
        if word in MONTHS:
            for j in (i - 1, i - 3, i + 1):
                if 0 <= j < len(words) and words[j].isdigit() and len(words[j]) <= 2:
                    found.add(words[j])
    return frozenset(found)


def _places(text: str, names: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    words = tokens(text)
    return tuple(name for name in names if any(
        _word_before(words, i) in LOCATIVES for i in name_positions(name, words) if i))


_COPULAS = frozenset("is was are were".split())


def _subjects(text: str, names: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """Names that are what a clause is about: at its start ("South Korea summoned...") or after a copula ("It was
    South Korea")."""
    found = []
    for start, end in clauses(text):
        words = tokens(text[start:end])
        for name in names:
            if name not in found and any(_word_before(words, i) in _COPULAS | {""}
                                         for i in name_positions(name, words)):
                found.append(name)
    return tuple(found)


def _word_before(words: list[str], i: int) -> str:
    """The word before words[i] ("" at the start), skipping a "the": "to the Far East"."""
    j = i - 1 if i and words[i - 1] != "the" else i - 2
    return words[j] if j >= 0 else ""


def _names(text: str) -> tuple[tuple[str, ...], ...]:
    names = []
    for run in _NAME_RUN.finditer(text):
        words = run.group(0).split()
        while words and words[0].strip(".,") in SENTENCE_START_WORDS:
            words = words[1:]
        current: list[str] = []
        for word in words:  # months, weekdays and titles split a run: "Putin in June" is not a name
            lowered = tokens(word)
            if not lowered or lowered[0] in MONTHS or lowered[0] in WEEKDAYS or lowered[0] in TITLE_WORDS \
                    or lowered[0].isdigit():
                if current:
                    names.append(tuple(current))
                current = []
                continue
            current.extend(lowered)
        if current:
            names.append(tuple(current))
    return tuple(dict.fromkeys(names))


def negation_count(text: str) -> int:
    cleaned = NON_NEGATING.sub(" ", text)
    return sum(1 for word in tokens(cleaned) if word in NEGATIONS or word.endswith("n't"))


@lru_cache(maxsize=8192)
def facts_of(text: str) -> Facts:
    words = tokens(text)
    names = _names(text)
    return Facts(
        numbers=frozenset(value for word in words if (value := number_value(word))),
        months=frozenset(word for word in words if word in MONTHS),
        names=names,
        stems=frozenset(stem(word) for word in words if word not in STOP_WORDS and not word.isdigit()),
        negations=negation_count(text),
        date_numbers=_date_numbers(words, text),
        places=_places(text, names),
        subjects=_subjects(text, names),
    )


def content_stems(text: str) -> frozenset[str]:
    """What a question is about: its content words stemmed, without the words that only frame it."""
    return frozenset(stem(word) for word in tokens(text)
                     if word not in STOP_WORDS and word not in QUESTION_FRAME_WORDS)


def clauses(sentence: str) -> list[tuple[int, int]]:
    """A sentence cut into clauses (offsets into it). A clause of a few words ("19 June 2024", "Jung Pak") is an
    apposition: it belongs to the clauses on both sides of it ("..., Jung Pak, US senior official..."), except a date,
    which belongs to the clause before it ("met Putin on Wednesday, 13 September 2023, at the Vostochny Cosmodrome")
    unless it opens the sentence ("On 20 June 2024, Putin met...")."""
    return [(start, end) for start, end, _ in clause_spans(sentence)]


def clause_spans(sentence: str) -> list[tuple[int, int, int]]:
    """`clauses`, each with the offset where its own words begin (after an apposition it shares with the clause
    before): "20 June 2024, with To Lam" begins its own words at "with"."""
    cuts = [0]
    for match in _CLAUSE_BREAK.finditer(sentence):
        if 0 < match.start() and match.end() < len(sentence):
            cuts.append(match.end())
    pieces = [(cuts[i], cuts[i + 1] if i + 1 < len(cuts) else len(sentence)) for i in range(len(cuts))]
    light = [len(tokens(sentence[s:e])) <= LIGHT_CLAUSE_TOKENS for s, e in pieces]
    if all(light):
        return [(0, len(sentence), 0)]
    dated = [any(word in MONTHS or _YEAR.match(word) for word in tokens(sentence[s:e])) for s, e in pieces]
    spans = []
    for i, (start, end) in enumerate(pieces):
        if light[i]:
            continue
        first, last = i, i
        while first > 0 and light[first - 1] and (not dated[first - 1] or all(light[:first - 1])):
            first -= 1  # a date belongs to the clause before it, unless it opens the sentence
        while last + 1 < len(pieces) and light[last + 1]:
            last += 1
        spans.append((pieces[first][0], pieces[last][1], start))
    return spans


def _same_word(a: str, b: str) -> bool:
    """"korean" is written "korea" too ("South Korean" / "South Korea"), and one name is spelled two ways by two
    outlets ("Novak" / "Nowak"); short words must be equal ("Il" != "Un")."""
    return a == b or (min(len(a), len(b)) >= 5 and (a.startswith(b) or b.startswith(a))) or spelling_variant(a, b)


def spelling_variant(a: str, b: str) -> bool:
    """Two spellings of one name word, as outlets transliterate it: "Novak" / "Nowak", "Aleksandra" / "Alexandra",
    "Sergei" / "Sergey". Words of letters only (never numbers or month names: "Marsh" is not "March"), at least
    MIN_VARIANT_LETTERS long, with the same initial and at most about one letter in five different (rapidfuzz's
    normalised similarity)."""
    return (min(len(a), len(b)) >= MIN_VARIANT_LETTERS and a[0] == b[0] and a.isalpha() and b.isalpha()
            and a not in MONTHS and b not in MONTHS and fuzz.ratio(a, b) >= MIN_VARIANT_RATIO)


def stated_word(word: str, words: Collection[str]) -> bool:
    """Whether a text with these words states `word`, as written or as another spelling of the same name word."""
    return word in words or (word.isalpha() and len(word) >= MIN_VARIANT_LETTERS
                             and any(spelling_variant(word, other) for other in words))


def name_positions(name: tuple[str, ...], words: list[str]) -> list[int]:
    """Where the name stands exactly as written (its words in order, together) in a token list."""
    return [i for i in range(len(words) - len(name) + 1) if tuple(words[i:i + len(name)]) == name]


def contains_name(name: tuple[str, ...], words: list[str]) -> bool:
    """Whether the name occurs as written (its words in order, together) in a token list."""
    size = len(name)
    return any(all(_same_word(a, b) for a, b in zip(name, words[i:i + size]))
               for i in range(len(words) - size + 1))
