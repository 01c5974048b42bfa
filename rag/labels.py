"""Strings one step of the read path writes and another reads back (or the user sees), each spelled once: the source
label the prompt puts before each source, the reply the model is told to give when the sources do not answer, and
the texts of an abstention."""

from __future__ import annotations

import re
from datetime import date

DONT_KNOW = "I don't know."
# The ways small models say DONT_KNOW (or paraphrase it) at the start of an answer.
DONT_KNOW_REPLY = re.compile(
    r"^(?:i (?:do not|don't) know|(?:the )?sources? (?:do(?:es)? not|don't) (?:say|mention|answer)|"
    r"there is no information|no information|not (?:mentioned|stated))",
    re.I,
)
ABSTENTION = "The articles here don't say."
NO_TIMELINE = "The articles here give no dated events about this."
UNCLEAR = "The articles here don't clearly state this; the closest passages are listed with the sources."
# Shown when a translated answer keeps some sentences in English (rag/translate.py).
KEPT_IN_ENGLISH = ("Some sentences are shown in English: their translation did not keep every name, number, date or "
                   "negation of the checked sentence.")
AS_OF_NEWEST = "As of the newest article here ({date}):"  # before an answer to a "last"/"latest" question
# Shown with an answer to a question asked in parts (rag/decompose.py) for each part no verified sentence answers.
NOT_STATED = "The articles here don't clearly answer this part of the question: “{question}”"
# How an answer quotes a source that answers otherwise (rag/conflicts.py), by how the two relate in time.
SIDE_LABELS = {
    "differs": "{source} ({date}) reports otherwise: “{quote}”",
    "newer": "A newer report, {source} ({date}), says: “{quote}”",
    "earlier": "An earlier report, {source} ({date}), said: “{quote}”",
}
CHANGE_OVER_TIME = ("newer", "earlier")  # the sides that report a change over time, not a conflict
NO_DISAGREEMENTS = "The articles here about this do not report one figure or date with different values."
# The same texts for a question asked in French, German or Spanish (rag/translate.py answers it in its language);
# in other languages they are shown in English.
TRANSLATED_LABELS = {
    "fr": {ABSTENTION: "Les articles ici ne le disent pas.",
           UNCLEAR: "Les articles ici ne l'indiquent pas clairement ; les passages les plus proches sont listés avec "
                    "les sources.",
           AS_OF_NEWEST: "D'après l'article le plus récent ici ({date}) :",
           NOT_STATED: "Les articles ici ne répondent pas clairement à cette partie de la question : "
                       "« {question} »"},
    "de": {ABSTENTION: "Die Artikel hier sagen es nicht.",
           UNCLEAR: "Die Artikel hier sagen das nicht eindeutig; die nächstliegenden Passagen stehen bei den Quellen.",
           AS_OF_NEWEST: "Laut dem neuesten Artikel hier ({date}):",
           NOT_STATED: "Die Artikel hier beantworten diesen Teil der Frage nicht eindeutig: „{question}“"},
    "es": {ABSTENTION: "Los artículos de aquí no lo dicen.",
           UNCLEAR: "Los artículos de aquí no lo dicen con claridad; los pasajes más cercanos aparecen con las "
                    "fuentes.",
           AS_OF_NEWEST: "Según el artículo más reciente de aquí ({date}):",
           NOT_STATED: "Los artículos de aquí no responden con claridad a esta parte de la pregunta: «{question}»"},
}


def in_language(label: str, language: str | None) -> str:
    """`label` in `language` where Dateline has it, else as it is."""
    return TRANSLATED_LABELS.get(language or "", {}).get(label, label)

_PUBLISHED = ", published "
_UNKNOWN_DATE = "an unknown date"
_LABEL_DATE_FORMAT = "%d %B %Y"


def source_label(name: str, published: date | None) -> str:
    """How the prompt introduces a source: "Reuters, published 21 January 2024"."""
    when = published.strftime(_LABEL_DATE_FORMAT) if published else _UNKNOWN_DATE
    return f"{name}{_PUBLISHED}{when}"


# A source label the model repeated before its claim ("Reuters, published 21 January 2024: ..."), to be dropped.
ECHOED_SOURCE_LABEL = re.compile(
    rf"^[^:\n]{{1,120}}{re.escape(_PUBLISHED)}(?:{_UNKNOWN_DATE}|\d{{1,2}} [A-Z][a-z]+ \d{{4}}):\s*"
)

# Why an answer was withheld when the LLM, re-reading the cited span alone, answered otherwise (rag/reread.py).
SECOND_READING_DIFFERS = "the cited passage, read again on its own, gives another answer"
