"""Conflicting reports: when the sources answer a question differently, the answer says so, citing each side.

After verification, every source the model read that the answer does not cite — and, unless the question asks for
the latest state, up to MAX_UNREAD retrieved articles composition left out of the prompt (a differing report's best
sentence often scores too far below the best source's to be shown) — is searched for a sentence that states an
answer to the question (the verifier's `answers_in`: a fact of the kind asked, in a clause about the question's
subject and predicate, with the question's names near it). A sentence whose answer differs from the verified
answer's (counts of the same unit with no number in common, a date neither contains, another spelling of the name)
is another side. It is added to the answer as a quote of that sentence, cited to it, so the span backs it by
construction, and said for what it is:
- "differs": another source published within SAME_TIME_DAYS of the answer's source, which reports otherwise;
- "newer" / "earlier": a source published later or earlier: a change over time, not a conflict, and which is newer
  is said (for a "last"/"latest" question the newest source's answer is the answer, so older ones are not added;
  for a question about one day, "by 17 February", neither is: they report other moments);
Only dates, numbers, names and places are compared: differing characterisations ("intended to" / "was willing to")
are not detected.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from itertools import combinations, islice

from index.chunk import sentence_spans
from index.embed import embedder_for
from index.lexicon import PEOPLE_COUNTED, STOP_WORDS, stem
from index.records import Article
from index.store import Store
from rag.facts import AMOUNT, facts_of, plain_number, spelling_variant, tokens
from rag.labels import SIDE_LABELS
from rag.records import AnswerSentence, Citation, Disagreement
from rag.timeline import articles_about
from rag.verify import KeyFacts, StatedAnswer, Verified, Verifier, with_markers

COMPARED_KINDS = ("date", "number", "name", "place")  # the question kinds whose answers are compared
SAME_TIME_DAYS = 1  # sources published on the same or the next day report the same moment: a difference conflicts
MAX_SIDES = 2  # other sides added to one answer, best-ranked sources first
MIN_SAID = 0.5  # share of the question's predicate words in the answer's spans that another side's sentence states
MAX_UNREAD = 4  # retrieved articles the model was not shown, searched for other sides too, best-ranked first


def _values(keys: KeyFacts, kind: str) -> frozenset[str]:
    """What an answer states, comparably: a date's numbers and months, a count's digits ("4.2" of "4.2 million"),
    a name's words."""
    if kind == "date":
        return keys.numbers | keys.months
    if kind == "number":
        return frozenset(n for n in keys.numbers if n[0].isdigit())
    return frozenset(word for name in keys.names for word in name)


def _all_facts(text: str) -> KeyFacts:
    facts = facts_of(text)
    return KeyFacts(facts.numbers, facts.months, facts.names, True)


def _agrees(values: frozenset[str], other: frozenset[str], kind: str) -> bool:
    """Two answers agree when one states no more than the other ("July 2000" and "19 July 2000"; "Solak" and
    "Aydin Solak"), and counts when they share one ("at least 14 died and nine are missing" does not dispute
    "risen to 26, up from 14"). Another spelling of a name ("Gallagher" for "Gallacher") is a difference to show."""
    if kind == "number":
        return bool(values & other)
    return values <= other or other <= values


def _comparable(given: frozenset[str], values: frozenset[str], kind: str, units: tuple[set[str], set[str]]) -> bool:
    """Whether another source's answer is about the same thing as the answer's, so that a difference is one: counts
    of the same unit ("600 soldiers" is not disputed by "killed 42 people"; a count with no unit word after it is
    compared), and a name only with another spelling of itself (a sentence naming someone else mostly says something
    else: "Governor Helena Marsh said..." does not answer who leads the inquiry)."""
    if kind == "number":
        return not (units[0] and units[1]) or bool(units[0] & units[1])
    if kind in ("name", "place"):
        return any(spelling_variant(a, b) for a in given - values for b in values - given)
    return True


def _units(text: str, values: frozenset[str]) -> set[str]:
    """The words just after each of the counts in `text`, written in digits or words ("4.2 million euros" -> "euro",
    "87.3%" -> "%", "Twelve people" -> "people"), stemmed, people counted under any name as one unit ("eleven
    workers" and "sixteen people" are two counts of people; "two cars" is not one); a count followed by a word that
    is no unit ("reached 47, the agency said") gives none."""
    found = set()
    for match in AMOUNT.finditer(text):
        if plain_number(match["number"]) not in values:
            continue
        unit = "%" if match["percent"] else (match["unit"] or "").lower()
        if unit in PEOPLE_COUNTED:
            found.add("people")
        elif unit == "%" or (unit and unit not in STOP_WORDS):
            found.add(stem(unit))
    return found


def _relation(side: Article, answered: list[Article], latest: bool) -> str | None:
    """How a source giving another answer relates to the sources of the answer, or None when it is not to be
    added (an older source's answer to a "last" question is superseded, not another side)."""
    days = [abs((side.published - a.published).days) for a in answered if side.published and a.published]
    if not days or min(days) <= SAME_TIME_DAYS:
        return "differs"
    newer = all(side.published > a.published for a in answered if a.published)
    if latest and not newer:
        return None
    return "newer" if newer else "earlier"


def side_text(relation: str, article: Article, quote: str) -> str:
    """The sentence that adds another side: what it is, whose, when, and the source's own words."""
    when = f"{article.published:%d %b %Y}" if article.published else "undated"
    return SIDE_LABELS[relation].format(source=article.outlet or article.title, date=when, quote=quote.strip())


def _other_answers(checked: Verified, verifier: Verifier) -> Iterator[tuple[str, Article, StatedAnswer]]:
    """(relation, article, sentence) for the first sentence of each source not cited by the answer that answers the
    question with values neither the answer nor an earlier side gives, sources in their rank order."""
    kind = verifier.question.kind
    articles = {passage.article.id: passage.article for passage in verifier.passages.values()}
    answered = [articles[source] for source in dict.fromkeys(c.source for c in checked.citations)]
    # Every value the verified sentences state, not only their answer: "risen to 26, up from 14" already gives 14.
    given = frozenset().union(*(_values(_all_facts(s.text), kind) for s in checked.sentences if s.verified))
    if not given:
        return
    seen = [given]
    answer_text = " ".join([s.text for s in checked.sentences if s.verified] + [c.text for c in checked.citations])
    answer_units = _units(answer_text, given)
    # What the cited spans say of the question ("people staying in emergency shelters"): another side says at least
    # MIN_SAID of it too, in its sentence, the two before it or its article's title, so "killed 42 people" is not
    # another count of the people in shelters (while "the death toll from the landslide rose to 35" is another count
    # of "people killed in the landslide").
    said = verifier.question.predicate & {stem(word) for c in checked.citations for word in tokens(c.text)}
    for n, passage in sorted(verifier.passages.items()):
        if any(passage.article.id == article.id for article in answered):
            continue
        relation = _relation(passage.article, answered, verifier.question.latest)
        if relation is None or (relation != "differs" and verifier.question.names_day):
            continue  # asked about one day ("by 17 February"), a report of another moment answers another question
        for stated in verifier.answers_in(n):
            values = _values(stated.keys, kind)
            units = (answer_units, _units(passage.article.text[stated.start:stated.end], values))
            says = verifier.stems_near(n, stated)
            if (values and len(said & says) >= MIN_SAID * len(said) and verifier.names_near(n, stated)
                    and _comparable(given, values, kind, units)
                    and not any(_agrees(values, other, kind) for other in seen)):
                seen.append(values)
                yield relation, passage.article, stated
                break  # one side per source: its first sentence answering otherwise


def add_other_sides(checked: Verified, retrieved: list[Article] = ()) -> None:
    """Append to a verified answer, as quoted and cited sentences, up to MAX_SIDES sources that answer its question
    otherwise: the sources the model read, then up to MAX_UNREAD `retrieved` articles (best first) it was not shown,
    unless it asks for the latest state. Then composition chose the newest relevant reports, the newest answer is
    the answer, and an unread report is older or undated: not another side ("a rare visit by Kim Jong Un to the
    Russian Far East last September", from an undated article, is no other date of Putin's last visit to Pyongyang)."""
    verifier = checked.verifier
    if checked.abstained or verifier is None or verifier.question.kind not in COMPARED_KINDS:
        return
    if not verifier.question.latest:  # asked "last"/"latest", composition already showed the newest reports
        verifier.add_unread(retrieved, MAX_UNREAD)
    for relation, article, stated in islice(_other_answers(checked, verifier), MAX_SIDES):
        citation = Citation.of_span(len(checked.citations) + 1, article, stated.start, stated.end)
        checked.citations.append(citation)
        checked.sentences.append(AnswerSentence(text=side_text(relation, article, citation.text),
                                                citations=[citation.n], verified=True, side=relation))
    checked.text = " ".join(with_markers(s) for s in checked.sentences)


# Listing, for a topic, the facts on which the indexed articles disagree (`dateline sources disagreements`, the
# Articles tab). No question says what is asked, so two sentences of different articles report one fact when they
# say nearly the same thing (embedding similarity, and most of their words beyond the values) and they state
# different values of one kind: counts that share none, or dates neither of which contains the other.
SAME_FACT_SIMILARITY = 0.75  # cosine of two sentences' embeddings that may report one fact
SAME_FACT_WORDS = 0.5  # share of the shorter sentence's words (beyond its values) the other must state too
MIN_SHARED_WORDS = 2


@dataclass(frozen=True)
class _Reported:
    article: Article
    start: int
    end: int
    values: dict[str, frozenset[str]]  # "number" -> its counts' digits, "date" -> its dates' numbers and months
    words: frozenset[str]  # its content words, stemmed, without its values


def _reported(article: Article) -> list[_Reported]:
    found = []
    for start, end in sentence_spans(article.text):
        facts = facts_of(article.text[start:end])
        counts = frozenset(n for n in facts.numbers - facts.date_numbers if n[0].isdigit())
        dates = facts.date_numbers | facts.months
        values = {kind: stated for kind, stated in (("number", counts), ("date", dates)) if stated}
        if values:
            words = facts.stems - {stem(w) for w in facts.months} - set(facts.numbers)
            found.append(_Reported(article, start, end, values, frozenset(words)))
    return found


def _differing_kind(a: _Reported, b: _Reported) -> str | None:
    """The kind of value two reports of one fact disagree on, if any."""
    for kind in ("number", "date"):
        if kind in a.values and kind in b.values and not _agrees(a.values[kind], b.values[kind], kind):
            return kind
    return None


def _same_fact(a: _Reported, b: _Reported, similarity: float) -> bool:
    shared = len(a.words & b.words)
    return (similarity >= SAME_FACT_SIMILARITY and shared >= MIN_SHARED_WORDS
            and shared >= SAME_FACT_WORDS * min(len(a.words), len(b.words)))


def disagreements(topic: str, store: Store, settings, as_of: date | None = None) -> list[Disagreement]:
    """The facts on which the articles about `topic` disagree, most similar reports first: each a pair of cited
    sentences from two articles, with the kind of value they differ on and how they relate in time ("differs":
    published within SAME_TIME_DAYS; "newer": the second is a later report, a change over time)."""
    articles = [store.article(article_id) for article_id in articles_about(topic, store, settings, as_of)]
    reports = [r for article in articles if article is not None for r in _reported(article)]
    if len(reports) < 2:
        return []
    vectors = embedder_for(settings).embed([r.article.text[r.start:r.end] for r in reports])
    pairs = []
    for i, j in combinations(range(len(reports)), 2):
        a, b = reports[i], reports[j]
        if a.article.id == b.article.id:
            continue
        similarity = sum(x * y for x, y in zip(vectors[i], vectors[j]))
        kind = _differing_kind(a, b)
        if kind and _same_fact(a, b, similarity):
            pairs.append((similarity, kind, a, b))
    found: list[Disagreement] = []
    used: set[tuple[str, int]] = set()
    for similarity, kind, a, b in sorted(pairs, key=lambda pair: -pair[0]):
        if {(a.article.id, a.start), (b.article.id, b.start)} & used:
            continue  # each sentence in one disagreement: its closest
        used |= {(a.article.id, a.start), (b.article.id, b.start)}
        older, newer = sorted((a, b), key=lambda r: r.article.published or date.min)
        found.append(Disagreement(  # the later report is `newer`, so the relation is "differs" or "newer"
            kind=kind, relation=_relation(newer.article, [older.article], latest=False),
            similarity=round(similarity, 3),
            sides=[Citation.of_span(n, r.article, r.start, r.end) for n, r in enumerate((older, newer), start=1)]))
    return found
