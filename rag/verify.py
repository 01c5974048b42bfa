"""Verify: check every answer sentence against the source it cites, bound to the question; re-point, flag or abstain.

A sentence is verified only when one article sentence states its answer *about the thing the question asks*:
- its key facts — the dates, numbers or names of the kind the question asks for (all new names, numbers and dates
  for other questions) — are in one sentence of the cited article, each in a clause that shares MIN_CLAUSE_TOPIC of
  the question's topic words (so "met in Russia for a summit in September" cannot date a visit to Pyongyang);
- that sentence also states the claim's own words, and with the one before it covers enough of the question;
- every fact of the claim is in a span of at most two adjacent sentences, and the span says the same thing
  (lexical overlap or embedding similarity);
- every full name is written so in the articles, never assembled from two people's parts;
- its polarity matches: a "yes", a "no" or a negated claim has the same sense as the clause it rests on.
A wrong [n] is re-pointed to the source that supports the sentence; a sentence no source supports is kept but
flagged unverified. An answer none of whose verified sentences gives the kind of thing asked is an abstention: a
true quote that answers something else is not an answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.chunk import sentence_spans
from index.dates import RelativeDate, relative_dates
from index.embed import Embedder
from index.lexicon import (
    ADJUNCT_OPENERS, ANSWER_FRAME_WORDS, CLAUSE_CONTINUATIONS, LIGHT_VERBS, NO_WORDS, PAST_ROLE_WORDS,
    QUESTION_FRAME_WORDS, TITLE_WORDS, YES_WORDS, content_words, singular, stem,
)
from index.records import Article
from rag.compose import Passage
from rag.facts import (
    Facts, clause_spans, clauses, contains_name, facts_of, measured_numbers, name_positions, stated_word, tokens,
)
from rag.labels import ABSTENTION, DONT_KNOW_REPLY, ECHOED_SOURCE_LABEL, SECOND_READING_DIFFERS, UNCLEAR
from rag.question import KIND_LABELS, Question, read_question
from rag.reread import READ_KINDS, SecondReader, contradicts
from rag.records import AnswerSentence, Citation

MIN_SIMILARITY = 0.55
MIN_OVERLAP = 0.5
MIN_ANCHOR_COVERAGE = 0.3  # share of the question's subject/predicate words the answer sentence (and the one before)
MIN_CLAUSE_TOPIC = 2  # question words (not dates) the clause stating the answer must share, fewer if it has fewer
MIN_PREDICATE = 0.34  # share of the claim's own words, beyond names and dates, the answer sentence must contain
QUESTION_FACT_WINDOW = 2  # sentences before the answer sentence in which the question's own names and dates may be
MIN_SUPERSEDING_COVERAGE = 0.5  # of the question's words, near a newer source's answer that supersedes an older one
MIN_RESTATED = 0.6  # share of the question's words a clause of a yes/no answer must repeat to restate the question
# ... or repeat when a "yes" is followed by an explicit negation the question does not have: "Yes, the talks ended
# without an agreement" contradicts itself. A "no" followed by an antonym ("No, it would breach them" to "would it be
# allowed?") has no cue to read, so it keeps the higher bar.
MIN_DENYING_RESTATED = 0.5
# A statement given to a yes/no question without a "yes" or "no" answers it only if it repeats this share of what the
# question asks: "112 suspected cases were recorded" does not answer "had anyone died?".
MIN_ANSWERING_STATEMENT = 0.5
ROLE_REACH = 2  # words either side of a name where the role it holds stands: "lead author Dr Sofia Brandt"
SPAN_PENALTY = 0.1  # per extra sentence: the shortest span that holds every fact is the best citation
MIN_PART_TOKENS = 3  # words each part of a compound sentence needs to be checked on its own
_COMPOUND_BREAK = re.compile(r"\s*,?\s+(?=(?:while|whereas)\s)|\s*,\s+(?=(?:but|and)\s)|\s*;\s*", re.I)
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")
FRAME_STEMS = frozenset(stem(w) for w in QUESTION_FRAME_WORDS)
ANSWER_FRAME = frozenset(singular(w) for w in ANSWER_FRAME_WORDS)
LIGHT_VERB_STEMS = frozenset(stem(w) for w in LIGHT_VERBS)
# "No" answers only when punctuation or the end follows it: "No one has died" and "No date was set" are statements.
_YES_NO = re.compile(rf"^\s*(?:(?P<word>{'|'.join(YES_WORDS)})\b[\s,.;:!-]*|(?P<no>{'|'.join(NO_WORDS)})"
                     rf"(?:\s*[,.;:!-]+\s*|\s*$))", re.I)


@dataclass(frozen=True)
class Claim:
    """One answer sentence: its text without markers, the statement after a leading yes/no, and what it states."""

    text: str
    body: str
    says_yes: bool | None  # True for "Yes, ...", False for "No, ...", None without either
    facts: Facts
    statements: tuple[str, ...]  # the body's clauses


def read_claim(text: str) -> Claim:
    match = _YES_NO.match(text)
    says = None if not match else bool(match["word"])
    body = text[match.end():] if match else text
    return Claim(text=text, body=body, says_yes=says, facts=facts_of(body),
                 statements=tuple(body[s:e] for s, e in clauses(body)))


@dataclass(frozen=True)
class KeyFacts:
    """The new information a claim gives the question, of the kind it asks for: numbers, months and names the
    question does not contain (all kinds for "other" questions, none for yes/no ones)."""

    numbers: frozenset[str]
    months: frozenset[str]
    names: tuple[tuple[str, ...], ...]
    asked: bool  # whether the claim gives the kind of thing asked at all
    any_name: bool = False  # one of `names` bound is enough: "Putin met North Korean leader Kim Jong Il"

    @property
    def stated(self) -> frozenset[str | tuple[str, ...]]:
        """Every key fact: the numbers and months (words) and the names (word tuples)."""
        return self.numbers | self.months | frozenset(self.names)

    @property
    def words(self) -> frozenset[str]:
        """Every key fact as words: the numbers, the months and each name's words."""
        return self.numbers | self.months | frozenset(word for name in self.names for word in name)

    @property
    def empty(self) -> bool:
        return not self.stated


def key_facts(claim: Claim, question: Question) -> KeyFacts:
    """The claim's answer to the question: the new facts in its clauses about the question's subject (all of its
    clauses when none is), of the kind the question asks for. "Putin was last in Pyongyang in July 2000, after taking
    over from Yeltsin in 1999" answers "when" with July 2000; 1999 is background, checked only as part of the span."""
    needed = min(MIN_CLAUSE_TOPIC, len(question.topic))
    about: list[str] = []
    previous_about = False
    for statement in claim.statements:  # a prepositional adjunct completes the statement before it: "..., to 13.75
        words = tokens(statement)       # euros a share" after "Castellan raised its offer for Marlow & Finch"
        previous_about = (len(question.topic & {stem(w) for w in words}) >= needed
                          or (previous_about and bool(words) and words[0] in ADJUNCT_OPENERS))
        if previous_about:
            about.append(statement)
    facts = facts_of(" , ".join(about)) if about else claim.facts
    asked = question.facts
    numbers = facts.numbers - asked.numbers
    months = facts.months - asked.months
    # A capitalised first word the question writes as a common word is that word, not a name: "Counting is slower"
    # names no one to "Who is leading the count?", "Shares in Marlow & Finch jumped" no offer to "per-share offer".
    opening = tuple(tokens(claim.body)[:1])
    names = tuple(name for name in facts.names if not set(name) & asked.name_words
                  and not (name == opening and stem(name[0]) in question.predicate)
                  and not _describes_asked(name, claim.body, facts.names, asked.name_words))
    if question.kind == "date":  # the date itself: "July 2023", not the "70" of "the 70th anniversary"
        dates = numbers & facts.date_numbers
        return KeyFacts(dates, months, (), bool(dates or months))
    if question.kind == "number":  # "how long": "six days", not the "16" of "16 January"
        counts = numbers - facts.date_numbers
        if question.counted:  # "how many soldiers": "600 soldiers", not the "four helicopters" sent with them
            counts &= frozenset().union(*(facts_of(statement).numbers for statement in claim.statements
                                          if question.counted in {stem(w) for w in tokens(statement)}))
        if question.units:  # "how wide": "9.2 metres", not "61 hexagonal segments"
            counts &= measured_numbers(claim.body, question.units)
        return KeyFacts(counts, frozenset(), (), bool(counts))
    if question.kind == "name":
        return KeyFacts(frozenset(), frozenset(), names, bool(names), any_name=True)
    if question.kind == "place":  # "where": a name after "in", "at", "to"... ("met in Pyongyang")
        places = tuple(name for name in facts.places if name in names)
        if not question.asks_where:  # "which country summoned...": the answer may be the subject, "South Korea"
            places += tuple(name for name in facts.subjects if name in names and name not in places)
        return KeyFacts(frozenset(), frozenset(), places or names, bool(places), any_name=True)
    if question.kind == "yesno":  # bound through the question's own words and their polarity (`_restates`)
        predicate = question.predicate
        restates = len(predicate & claim.facts.stems) >= MIN_ANSWERING_STATEMENT * len(predicate)
        return KeyFacts(frozenset(), frozenset(), (),
                        claim.says_yes is not None or (bool(claim.body.strip()) and restates))
    return KeyFacts(numbers, months, names, True)


@dataclass
class _Sentence:
    start: int
    end: int
    words: list[str]  # its tokens, with the dates its relative dates mean ("last September" + "september 2023")
    stems: frozenset[str]  # its content words, stemmed
    word_stems: frozenset[str]  # every one of `words`, stemmed
    dates: frozenset[str]  # the words of the dates its relative dates mean ("thursday" -> "3", "july", "2025")
    clauses: list[list[str]] = field(default_factory=list)  # tokens of each clause, relative dates included
    clause_word_stems: list[frozenset[str]] = field(default_factory=list)
    clause_stems: list[frozenset[str]] = field(default_factory=list)  # content words of each clause, stemmed
    clause_negations: list[int] = field(default_factory=list)
    clause_facts: list[Facts] = field(default_factory=list)
    clause_words: list[frozenset[str]] = field(default_factory=list)  # `clauses` as sets
    continues: list[bool] = field(default_factory=list)  # whether each clause continues the one before it
    adjunct: list[bool] = field(default_factory=list)  # whether it opens with a preposition ("with To Lam")

    def statement(self, j: int) -> list[int]:
        """Clause j and the clauses it forms one statement with: the one it continues, the one continuing it."""
        return [i for i in (j - 1, j, j + 1) if 0 <= i < len(self.clauses)
                and (i == j or self.continues[max(i, j)])]

    def joined(self, j: int, of: list[frozenset[str]]) -> frozenset[str]:
        """Clause j's entry of `of` with those of the clauses it forms one statement with."""
        return frozenset().union(*(of[i] for i in self.statement(j)))

    def verb_stems(self, j: int) -> frozenset[str]:
        """Where clause j says what it does: its own words, and the clause before it if it is a prepositional
        adjunct completing that one ("held talks in Hanoi, ..., with To Lam")."""
        return self.clause_word_stems[j] | (self.clause_word_stems[j - 1] if j and self.adjunct[j] else frozenset())


@dataclass(frozen=True)
class _ArticleFacts:
    sentences: list[_Sentence]
    words: frozenset[str]  # every word it states, title, outlet and label included
    heading: frozenset[str]  # the words of its title and outlet: what every sentence of it is about
    heading_stems: frozenset[str]  # `heading`, stemmed
    published: frozenset[str]  # its publication date's day, month and year: the moment it reports on


@dataclass(frozen=True)
class Support:
    score: float
    start: int
    end: int
    answers: bool  # the claim gives the kind of thing asked, bound to the question in this span


@dataclass(frozen=True)
class StatedAnswer:
    """An article sentence (its place among the article's sentences, its offsets) that states an answer to the
    question, and that answer's key facts."""

    index: int
    start: int
    end: int
    keys: KeyFacts


def _relative_words(relative: list[RelativeDate], start: int, end: int) -> list[str]:
    return [word for found in relative if start <= found.start and found.end <= end for word in tokens(found.label)]


class Verifier:
    def __init__(self, passages: list[Passage], embedder: Embedder, question: Question):
        self.passages = {p.n: p for p in passages}
        self.question = question
        self.embedder = embedder
        self._articles: dict[int, _ArticleFacts] = {}
        self._vectors: dict[int, list[list[float]]] = {}
        self._answers: dict[int, list[StatedAnswer]] = {}
        self._question_words = tokens(question.text)
        self._written_names: list[list[str]] = [tokens(f"{p.article.text} {p.article.title} {p.label()}")
                                                for p in passages]

    def _article(self, n: int) -> _ArticleFacts:
        """What every claim checked against source n needs of its article, computed once per answer."""
        if n not in self._articles:
            passage = self.passages[n]
            article = passage.article
            relative = relative_dates(article.text, article.published)  # "last September" states "September 2023"
            sentences = []
            for start, end in sentence_spans(article.text):
                text = article.text[start:end]
                dates = _relative_words(relative, start, end)
                words = tokens(text) + dates
                sentence = _Sentence(start, end, words, facts_of(text).stems, frozenset(map(stem, words)),
                                     frozenset(dates))
                for c_start, c_end, own_start in clause_spans(text):
                    clause = tokens(text[c_start:c_end]) + _relative_words(relative, start + c_start, start + c_end)
                    opener = tokens(text[own_start:c_end])[:1]
                    sentence.continues.append(bool(opener) and _continues(opener[0]))
                    sentence.adjunct.append(bool(opener) and opener[0] in ADJUNCT_OPENERS)
                    sentence.clauses.append(clause)
                    sentence.clause_words.append(frozenset(clause))
                    sentence.clause_word_stems.append(frozenset(map(stem, clause)))
                    clause_facts = facts_of(text[c_start:c_end])
                    sentence.clause_facts.append(clause_facts)
                    sentence.clause_stems.append(clause_facts.stems)
                    sentence.clause_negations.append(clause_facts.negations)
                if _setting_the_scene(sentence):  # "In Cawley, 12 km up the coast, 19 cases have been confirmed"
                    sentence.continues[1] = True
                sentences.append(sentence)
            label = f"{article.title} {passage.label()}"
            heading = tokens(f"{article.title} {article.outlet or ''}")
            self._articles[n] = _ArticleFacts(
                sentences=sentences,
                words=frozenset(tokens(article.text) + tokens(label)
                                + [w for found in relative for w in tokens(found.label)]),
                heading=frozenset(heading),
                heading_stems=frozenset(map(stem, heading)),
                published=frozenset(tokens(f"{article.published:%d %B %Y}")) if article.published else frozenset(),
            )
        return self._articles[n]

    def sentence_vectors(self, n: int) -> list[list[float]]:
        """One embedding per sentence of source n, computed when a claim first needs them (a source searched only
        for another side of a conflict never does)."""
        if n not in self._vectors:
            article, sentences = self.passages[n].article, self._article(n).sentences
            self._vectors[n] = self.embedder.embed([article.text[s.start:s.end] for s in sentences])
        return self._vectors[n]

    def add_unread(self, articles: list[Article], limit: int) -> None:
        """Add up to `limit` of `articles` that are not sources yet as sources after the last [n]: articles
        retrieval found but the model was not shown. The answer cites none of them, but rag/conflicts.py looks in
        them for other sides (composition keeps an article only when its best sentence scores near the best
        source's, and a differing report often does not)."""
        known = {passage.article.id for passage in self.passages.values()}
        for article in articles:
            if limit <= 0:
                return
            if article.id not in known:
                known.add(article.id)
                n = max(self.passages, default=0) + 1
                spans = sentence_spans(article.text)
                self.passages[n] = Passage(n, article, spans, [0.0] * len(spans))
                limit -= 1

    def written(self, name: tuple[str, ...]) -> bool:
        """A full name some article here (or the question) writes as it is, not assembled from parts."""
        return len(name) < 2 or contains_name(name, self._question_words) or any(
            contains_name(name, words) for words in self._written_names)

    def support(self, claim: Claim, claim_vector: list[float], n: int) -> Support | None:
        """The best span of source n that states `claim` about what the question asks; None if none does, or if the
        question asks for the latest state and a newer source states a different answer."""
        found = self._support(claim, claim_vector, n)
        if found and found.answers and self.question.latest and self._superseded(claim, n):
            return None
        return found

    def _superseded(self, claim: Claim, n: int) -> bool:
        """Whether a source published after source n states, about what the question asks, an answer the claim
        does not give: asked "When did Putin last visit Pyongyang?", "July 2000" from a 2023 article is superseded
        by a 2024 article's "arrived in Pyongyang on 19 June 2024, on his first visit since July 2000"."""
        published = self.passages[n].article.published
        if published is None:
            return False
        given = key_facts(claim, self.question).stated
        return any(not stated.keys.stated <= given for m, passage in self.passages.items()
                   if passage.article.published is not None and passage.article.published > published
                   for stated in self.answers_in(m))

    def answers_in(self, m: int) -> list[StatedAnswer]:
        """Each sentence of source m that states an answer about what the question asks, with its key facts,
        computed once per answer (every claim of a "last" question is checked against them, and rag/conflicts.py
        looks in them for sources that give another answer)."""
        if m not in self._answers:
            text, sentences = self.passages[m].article.text, self._article(m).sentences
            found = []
            for i, sentence in enumerate(sentences):
                stated = key_facts(read_claim(text[sentence.start:sentence.end]), self.question)
                if (stated.asked and not stated.empty and self._says_predicate_of(sentence, stated)
                        and self._coverage(m, i) >= MIN_SUPERSEDING_COVERAGE):
                    found.append(StatedAnswer(i, sentence.start, sentence.end, stated))
            self._answers[m] = found
        return self._answers[m]

    def stems_near(self, m: int, stated: StatedAnswer) -> frozenset[str]:
        """The words, stemmed, of that sentence of source m, the QUESTION_FACT_WINDOW before it and the article's
        title and outlet: what the sentence reports is about ("Eleven workers ... were taken to hospital" under "Fire
        guts Wexley paint factory")."""
        return self._article(m).heading_stems.union(*(s.word_stems for s in self._leading_up_to(m, stated)))

    def names_near(self, m: int, stated: StatedAnswer) -> bool:
        """Whether the question's own names are stated in that sentence of source m, the QUESTION_FACT_WINDOW
        before it or the article's title and outlet: another source's answer must be about the same people and
        places (the Serrat earthquake's toll, not the Dunmore floods')."""
        window = self._article(m).heading.union(*(s.words for s in self._leading_up_to(m, stated)))
        return all(stated_word(word, window) for word in self.question.facts.name_words)

    def _leading_up_to(self, m: int, stated: StatedAnswer) -> list[_Sentence]:
        """That sentence of source m and the QUESTION_FACT_WINDOW sentences before it."""
        return self._article(m).sentences[max(0, stated.index - QUESTION_FACT_WINDOW):stated.index + 1]

    def _says_predicate_of(self, sentence: _Sentence, keys: KeyFacts) -> bool:
        """Whether a clause of `sentence` states one of the facts together with what the question asks of it
        ("After talks at the Kumsusan state guest house" for "where did they last meet?")."""
        predicate = self.question.predicate
        return any((not predicate or predicate & sentence.verb_stems(j))
                   and any(_in_clause(fact, clause) for fact in keys.stated)
                   for j, clause in enumerate(sentence.clauses))

    def _support(self, claim: Claim, claim_vector: list[float], n: int) -> Support | None:
        if n not in self.passages:
            return None
        if not all(self.written(name) for name in claim.facts.names):
            return None  # a full name no source writes: parts of two people
        if not self._yes_no_agrees(claim):
            return None  # "Yes, the talks ended without a deal" to "Did the talks produce a deal?"
        known = self._article(n)
        facts, asked = claim.facts, self.question.facts
        specific = set(facts.numbers) | set(facts.months) | {name[-1] for name in facts.names}
        context = {word for name in facts.names for word in name[:-1]}
        if not all(stated_word(word, known.words) for word in specific | context):
            return None
        # What the question itself names (its subject: "Putin", "June 2024") may be stated a little before the answer
        # sentence ("Putin arrived ... After talks, the two leaders signed..."), within QUESTION_FACT_WINDOW, or in the
        # article's title or outlet ("Governor Helena Marsh declared..." under "Dunmore floods: ...").
        repeated = specific & (set(asked.numbers) | set(asked.months) | set(asked.name_words))
        # The day the question names ("on 22 September 2025") is stated near the answer or is the article's date,
        # whether or not the claim repeats it: a 15 September count does not answer for 22 September.
        moment = set(asked.date_numbers) | set(asked.months) if self.question.names_day else set()
        specific -= repeated
        keys = key_facts(claim, self.question)
        # A first name must not pull in a longer span, and the words that frame the answer ("The Continental Observer
        # spells the name as ...") are not what the span must say.
        article = self.passages[n].article
        claim_words = content_words(claim.body) - context - ANSWER_FRAME - content_words(article.outlet or "")
        text = article.text
        best: Support | None = None
        for i, sentence in enumerate(known.sentences):
            if not self._states_key_facts(sentence, keys, known.heading_stems):
                continue
            coverage = self._coverage(n, i)
            if coverage < MIN_ANCHOR_COVERAGE:
                continue
            window = {w for s in known.sentences[max(0, i - QUESTION_FACT_WINDOW):i + 2] for w in s.words}
            if not all(stated_word(word, window | known.heading | known.published) for word in repeated | moment):
                continue
            if not self._states_predicate(claim, keys, sentence) or not self._colocated(claim, keys, sentence):
                continue
            for first, last in ((i, i), (i - 1, i), (i, i + 1)):
                if first < 0 or last >= len(known.sentences):
                    continue
                span_words = set(known.sentences[first].words) | set(known.sentences[last].words)
                if not all(stated_word(word, span_words) for word in specific - context):
                    continue
                if not self._same_polarity(claim, known.sentences[first:last + 1]):
                    continue
                if not self._restates(claim, known.sentences[first - 1:last + 1] if first
                                      else known.sentences[:last + 1], known.heading_stems):
                    continue
                start, end = known.sentences[first].start, known.sentences[last].end
                vectors = self.sentence_vectors(n)
                similarity = max(sum(a * b for a, b in zip(claim_vector, vectors[j])) for j in (first, last))
                # the dates its relative dates mean count as its words: "on Thursday" states "3 July 2025"
                span_content = content_words(text[start:end]).union(
                    *(sentence.dates for sentence in known.sentences[first:last + 1]))
                overlap = len(claim_words & span_content) / (len(claim_words) or 1)
                if similarity < MIN_SIMILARITY and overlap < MIN_OVERLAP:
                    continue
                score = similarity + overlap + coverage - SPAN_PENALTY * (last - first)
                if best is None or score > best.score:
                    best = Support(score, start, end, keys.asked)
        return best

    def supporting(self, claim: Claim, claim_vector: list[float], cited: list[int],
                   reader: SecondReader | None) -> tuple[list[tuple[int, Support]], bool]:
        """The cited sources that support `claim` — or, when none does (a wrong or missing [n]), the one other source
        that supports it best — and whether the `reader` withdrew any of them (it read another answer there)."""
        supported = [(n, self.support(claim, claim_vector, n)) for n in dict.fromkeys(cited)]
        found = [(n, hit) for n, hit in supported if hit]
        if not found:
            candidates = [(n, self.support(claim, claim_vector, n)) for n in self.passages if n not in cited]
            found = sorted([(n, hit) for n, hit in candidates if hit], key=lambda item: item[1].score,
                           reverse=True)[:1]
        if reader is None:
            return found, False
        kept = [(n, hit) for n, hit in found if not self.read_otherwise(claim, n, hit, reader)]
        return kept, len(kept) < len(found)

    def read_otherwise(self, claim: Claim, n: int, hit: Support, reader: SecondReader) -> bool:
        """Whether the LLM, reading the span `hit` of source n alone, answers the question with another date,
        number, name or place than the claim (`rag/reread.py`)."""
        if not hit.answers or self.question.kind not in READ_KINDS:
            return False
        span = self.passages[n].article.text[hit.start:hit.end]
        given = key_facts(claim, self.question).words
        return contradicts(reader(self.question.text, span), given, self.question, span)

    def _states_key_facts(self, sentence: _Sentence, keys: KeyFacts, heading_stems: frozenset[str]) -> bool:
        """Whether `sentence` states each of the claim's key facts in a clause that shares MIN_CLAUSE_TOPIC of the
        question's topic words (when the claim has no key facts: whether any clause shares them), or, asked "who",
        names the claim's person in the role the question asks about (`_in_role`)."""
        topic = self.question.topic
        needed_topic = min(MIN_CLAUSE_TOPIC, len(topic))
        # A clause and the ones continuing it ("..., when he met Kim Jong Il in Pyongyang") make one statement, and
        # the clause itself says what is asked ("meet"), or the one before it if it is an adjunct ("..., with To Lam").
        predicate = self.question.predicate
        about = [len(topic & sentence.joined(j, sentence.clause_word_stems)) >= needed_topic
                 and (not predicate or bool(predicate & sentence.verb_stems(j)))
                 for j in range(len(sentence.clauses))]
        if keys.empty:
            return any(about)

        def bound(fact) -> bool:
            return any(about[j] and _in_clause(fact, clause) for j, clause in enumerate(sentence.clauses))

        if not all(bound(fact) for fact in [*keys.numbers, *keys.months]):
            return False
        names = [name for name in keys.names if (bound(name) or self._in_role(name, sentence, heading_stems))
                 and (not keys.asked or self._is_place_in(name, sentence))]
        return not keys.names or (bool(names) if keys.any_name else len(names) == len(keys.names))

    def _in_role(self, name: tuple[str, ...], sentence: _Sentence, heading_stems: frozenset[str]) -> bool:
        """Asked who holds a role ("Who chairs the department store chain Marlow & Finch?"), a sentence names the
        person in it when a word of what is asked stands right beside the name ("Chair Beatrix Holm said ...",
        "lead author Dr Sofia Brandt") and the question's own names are in the article's title or that sentence:
        news names a role once, beside the person, and the company it belongs to in the title. A past holder ("the
        previous governor, Tomas Reyes") does not hold it."""
        question = self.question
        if not question.asks_who or not question.predicate:
            return False
        if not question.name_stems <= heading_stems | sentence.word_stems:
            return False
        for clause in sentence.clauses:
            for i in name_positions(name, clause):
                if PAST_ROLE_WORDS & set(clause[max(0, i - ROLE_REACH - 1):i]):  # "the previous governor, ..."
                    continue
                beside = clause[max(0, i - ROLE_REACH):i] + clause[i + len(name):i + len(name) + ROLE_REACH]
                if question.predicate & {stem(word) for word in beside}:
                    return True
        return False

    def _is_place_in(self, name: tuple[str, ...], sentence: _Sentence) -> bool:
        """Asked "where", the sentence stating the claim's place must name it as a place, after "in", "at", "to"...:
        "Pyongyang's transfer of missiles ..., said at a meeting in Seoul" places the meeting in Seoul, not in
        Pyongyang. (Names of a statement that gives no place, "he invited Putin to North Korea", are not checked.)"""
        return not self.question.asks_where or any(name in facts.places for facts in sentence.clause_facts)

    def _colocated(self, claim: Claim, keys: KeyFacts, sentence: _Sentence) -> bool:
        """The dates and counts a claim states beside its answer are those of the article clause that states the
        answer: "Putin visited Vietnam on 18 and 19 June" is not stated by "... North Korea on 18 and 19 June,
        followed by a state visit to Vietnam on 19 and 20 June". A clause with no date of its own takes the dates of
        the clause it continues ("in July 2000, when Putin met Kim Jong Il"), and of the span if neither has one."""
        asked = self.question.facts
        for statement in claim.statements:
            words = tokens(statement)
            answer = [key for key in (*keys.numbers, *keys.months) if key in words] + \
                     [name for name in keys.names if contains_name(name, words)]
            if not answer:
                continue
            holding = [j for j, clause in enumerate(sentence.clauses) if any(_in_clause(a, clause) for a in answer)]
            names = [name for name in answer if isinstance(name, tuple)]  # "the G8 summit in Seoul": both there
            if not any(all(_has_name(name, [w for i in sentence.statement(j) for w in sentence.clauses[i]])
                           for name in names) for j in holding):
                return False
            facts = facts_of(statement)
            for kind, stated in enumerate(_dates_and_counts(facts)):
                needed = stated - asked.numbers - asked.months
                if not needed:
                    continue
                if not any(needed <= _dated_words(sentence, j, kind) for j in holding):
                    return False
        return True

    def _states_predicate(self, claim: Claim, keys: KeyFacts, sentence: _Sentence) -> bool:
        """The sentence stating the key facts also states what the claim says of them: "Kim Jong Un said they could
        sign a pact" is not stated by "...at the invitation of Kim Jong Un", even if the next sentence has the pact."""
        names = {stem(w) for w in claim.facts.name_words}
        dates = {stem(m) for m in claim.facts.months}
        own = {w for w in claim.facts.stems if w not in names and w not in dates and w not in FRAME_STEMS}
        if not own:
            return True
        return len(own & sentence.stems) >= MIN_PREDICATE * len(own)

    def _restates(self, claim: Claim, span: list[_Sentence], heading_stems: frozenset[str]) -> bool:
        """An answer rests on a span that says what it repeats of the question: "To Lam met Putin at the airport"
        needs "airport" in the span; "Yes, he stayed more than a day" needs "more" in it, not "less than a day".
        Words that describe what the article is about may stand in its title instead ("Kelmora Harbour football
        club" above "Club chair Ingrid Solberg said"), except for a yes/no answer, which rests on its span alone. A
        light verb it repeats ("received a fine") need not be there: "will pay a fine" restates it."""
        asked = self.question.topic if self.question.kind == "yesno" else self.question.predicate
        repeated = (asked & claim.facts.stems) - LIGHT_VERB_STEMS
        stated = {w for sentence in span for w in sentence.word_stems}
        if self.question.kind != "yesno":
            stated |= heading_stems
        return repeated <= stated

    def _coverage(self, n: int, i: int) -> float:
        """Share of the question's subject/predicate words in sentence i of source n and the one before it ("he" ->
        Putin); a date the question names may be the source's publication date ("How many cases by 17 February?")."""
        anchors = self.question.anchors
        if not anchors:
            return 1.0
        known = self._article(n)
        sentences = known.sentences
        near = (sentences[i].word_stems | (sentences[i - 1].word_stems if i > 0 else frozenset())
                | {stem(word) for word in known.published})
        return len(anchors & near) / len(anchors)

    def as_meant(self, claim: Claim) -> Claim:
        """The claim with the yes/no its own statement gives: "Yes, the talks ended without an agreement" to "Did
        the talks end in an agreement?" is a small model's slip for "No, ...". When a "yes" stands before a
        statement that restates the question and denies it, the answer is checked, and shown, as "No, <statement>";
        the statement must still be stated, with its negation, by the span."""
        restating = self._restating(claim)
        denies = restating is not None and restating.negations > self.question.facts.negations
        # _yes_no_agrees holds such a "yes" to restating MIN_DENYING_RESTATED of the question, and then to agreeing
        if self.question.kind == "yesno" and claim.says_yes and denies and not self._yes_no_agrees(claim):
            return read_claim(f"{NO_WORDS[0].capitalize()}, {claim.body.lstrip()}")
        return claim

    def _restating(self, claim: Claim) -> Facts | None:
        """The facts of the claim's clause most like what the question asks of its subject; None for a bare yes/no
        or a question that asks too little to restate."""
        asked = self.question.predicate
        if not claim.body.strip(" .!?") or len(asked) < 2:
            return None
        return max((facts_of(text) for text in claim.statements), key=lambda facts: len(asked & facts.stems))

    def _yes_no_agrees(self, claim: Claim) -> bool:
        """A "yes"/"no" before a statement that restates the question must agree with that statement: the clause
        that restates it, not the whole sentence ("Yes, the vaccine has not been approved for children because
        trials have not finished" denies the question in its first clause; the second negation is another matter)."""
        question = self.question
        # What it asks of its subject: "the talks ended without an agreement" restates it without names and date.
        asked = question.predicate
        restating = self._restating(claim)
        if claim.says_yes is None or restating is None:
            return True
        agrees = (question.facts.negations + (not claim.says_yes)) % 2 == restating.negations % 2
        denying = claim.says_yes and restating.negations > question.facts.negations
        if len(asked & restating.stems) < (MIN_DENYING_RESTATED if denying else MIN_RESTATED) * len(asked):
            return True  # the statement says something else ("No, the visit lasted less than a day")
        return agrees

    def _same_polarity(self, claim: Claim, span: list[_Sentence]) -> bool:
        """Each statement of the claim has the polarity of the span clause most like it ("no date had been agreed"
        rests on a negated clause, "a date was agreed" cannot); a bare "Yes."/"No." affirms or denies the question's
        own statement."""
        question = self.question
        if claim.body.strip(" .!?"):
            statements = [(text, facts_of(text).negations) for text in claim.statements]
        else:
            statements = [(question.text, question.facts.negations + (not claim.says_yes))]
        clause_facts = [(stems, negations) for sentence in span
                        for stems, negations in zip(sentence.clause_stems, sentence.clause_negations)]
        for text, negations in statements:
            facts = facts_of(text)
            stems = facts.stems - {stem(w) for w in facts.name_words}  # names are shared by every clause about them
            if len(stems) < 2:
                continue
            closest = max(clause_facts, key=lambda clause: len(stems & clause[0]))
            if negations % 2 != closest[1] % 2:
                return False
        return True


def _describes_asked(name: tuple[str, ...], text: str, names: tuple[tuple[str, ...], ...],
                     asked_names: frozenset[str]) -> bool:
    """Whether `name` stands before a title and a name the question asks about, describing that person: "Russian"
    in "Russian President Vladimir Putin" is not an answer to "Which outlet reported ... Putin?"."""
    words = tokens(text)
    asked = [other for other in names if set(other) & asked_names]
    for i in name_positions(name, words):
        j = i + len(name)
        while j < len(words) and words[j] in TITLE_WORDS:
            j += 1
        if j > i + len(name) and any(tuple(words[j:j + len(other)]) == other for other in asked):
            return True
    return False


def _dates_and_counts(facts: Facts) -> tuple[frozenset[str], frozenset[str]]:
    """A text's date facts (months, years, day numbers) and its other numbers ("six days", "the 70th")."""
    return facts.months | facts.date_numbers, facts.numbers - facts.date_numbers


def _dated_words(sentence: _Sentence, j: int, kind: int) -> frozenset[str]:
    """The words in which clause j's dates (kind 0) or counts (kind 1) are to be found: its own if it states any,
    else those of the clauses it forms one statement with, else the whole sentence's (the span checks the rest)."""
    if _dates_and_counts(sentence.clause_facts[j])[kind]:
        return sentence.clause_words[j]
    if any(_dates_and_counts(sentence.clause_facts[i])[kind] for i in sentence.statement(j)):
        return sentence.joined(j, sentence.clause_words)
    return frozenset(sentence.words)


def _setting_the_scene(sentence: _Sentence) -> bool:
    """Whether the sentence opens with a prepositional clause of no date of its own that the clause after it
    completes: "In Cawley, 12 kilometres up the coast, 19 cases have been confirmed" states the cases of Cawley. (A
    dated one is left apart: "After meeting Kim in July 2000, Putin visited Beijing" does not date the visit.)"""
    return (len(sentence.clauses) > 1 and sentence.clauses[0][:1] != [] and sentence.clauses[0][0] in ADJUNCT_OPENERS
            and not any(_dates_and_counts(sentence.clause_facts[0])[0]))


def _continues(opener: str) -> bool:
    """Whether a clause opening with this word has no subject of its own and continues the one before: a
    preposition, a relative word or a participle ("flying in directly from North Korea")."""
    return opener in CLAUSE_CONTINUATIONS or opener.endswith(("ing", "ed"))


def _in_clause(fact: str | tuple[str, ...], clause: list[str]) -> bool:
    """A number or month (a word) or a name (a word tuple) stated in a clause's tokens."""
    return _has_name(fact, clause) if isinstance(fact, tuple) else fact in clause


def _has_name(name: tuple[str, ...], words: list[str]) -> bool:
    """The name as written, or its last word ("Peskov" for "Dmitry Peskov", which `Verifier.written` checked)."""
    return contains_name(name, words) or stated_word(name[-1], words)


def unmentioned_facts(question: str, passages: list[Passage]) -> list[str]:
    """Names and numbers of the question that no retrieved article mentions: then the articles cannot answer it. An
    article's publication date counts as mentioned ("What did the Herald report on 20 May 2026?")."""
    facts = facts_of(question)
    words = set(tokens(" ".join(_mentioning_text(p.article) for p in passages)))
    asked = set(facts.name_words) | set(facts.numbers) | set(facts.months)
    return sorted(fact for fact in asked if not _mentioned(fact, words))


def _mentioning_text(article) -> str:
    """What an article mentions: its text, title, outlet and publication date."""
    published = f" {article.published:%d %B %Y}" if article.published else ""
    return f"{article.text} {article.title} {article.outlet or ''}{published}"


def _mentioned(fact: str, words: set[str]) -> bool:
    return stated_word(fact, words) or (len(fact) >= 5 and any(w.startswith(fact) for w in words))


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Answer text -> [(sentence without markers, cited source numbers)]."""
    parts: list[tuple[str, list[int]]] = []
    for s, e in sentence_spans(text.strip()):
        sentence = text.strip()[s:e]
        leading = _LEADING_MARKERS.match(sentence)
        if leading and parts:  # "... 2000. [2] He left." -> the [2] closes the sentence before
            parts[-1][1].extend(int(n) for n in re.findall(r"\d+", leading.group(0)))
            sentence = sentence[leading.end():]
        cited = [int(n) for group in _MARKER.findall(sentence) for n in re.split(r"[,;]", group)]
        claim = ECHOED_SOURCE_LABEL.sub("", _MARKER.sub("", sentence).strip())
        if re.fullmatch(r"\W*", claim):  # a stray marker after the full stop belongs to the sentence before
            if parts:
                parts[-1][1].extend(cited)
            continue
        parts.append((claim, cited))
    return parts


def compound_parts(text: str) -> list[str]:
    """A sentence cut where it joins two statements ("..., while ...", "; ", ", but ..."), each part holding
    MIN_PART_TOKENS words or more, the joining comma or semicolon kept at the end of the part before: a sentence that
    combines two sources' facts is checked part by part, each against its own source."""
    parts, start = [], 0
    for match in _COMPOUND_BREAK.finditer(text):
        if len(tokens(text[start:match.start()])) >= MIN_PART_TOKENS \
                and len(tokens(text[match.end():])) >= MIN_PART_TOKENS:
            parts.append(text[start:match.start()].strip() + match.group().strip())  # its "," or ";", if any
            start = match.end()
    return [*parts, text[start:].strip()]


@dataclass
class Verified:
    """The checked answer: its text with renumbered markers, its sentences and citations, or an abstention."""

    text: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    abstained: bool
    reason: str | None = None
    # What read the articles for this answer, kept so a later step asks it more (rag/conflicts.py: other answers).
    verifier: Verifier | None = field(default=None, repr=False)


def verify(answer_text: str, passages: list[Passage], embedder: Embedder, question: str,
           reader: SecondReader | None = None) -> Verified:
    """Check each sentence of `answer_text` against the sources it cites; with a `reader`, a sentence whose cited
    span the LLM, reading it alone, answers otherwise is not verified (`rag/reread.py`)."""
    parts = split_answer(answer_text)
    if not parts or DONT_KNOW_REPLY.match(parts[0][0]):
        return Verified(ABSTENTION, [], [], True, "the model said the sources do not answer")
    asked = read_question(question, {p.article.outlet for p in passages if p.article.outlet})
    verifier = Verifier(passages, embedder, asked)
    claims = [verifier.as_meant(read_claim(text)) for text, _ in parts]
    vectors = verifier.embedder.embed([claim.body or claim.text for claim in claims])
    citations: list[Citation] = []
    by_span: dict[tuple[str, int, int], int] = {}
    sentences: list[AnswerSentence] = []
    answered = read_otherwise = False
    for claim, (_, cited), vector in zip(claims, parts, vectors):
        supported, differs = verifier.supporting(claim, vector, cited, reader)
        read_otherwise = read_otherwise or differs
        checked = [(claim, supported)]
        pieces = compound_parts(claim.text) if not supported else []
        if len(pieces) > 1:  # "A reported 41 [1], while B reported 47 [2]": each part on its own source
            piece_claims = [read_claim(piece) for piece in pieces]
            piece_vectors = verifier.embedder.embed([piece.body or piece.text for piece in piece_claims])
            found = [verifier.supporting(piece, piece_vector, cited, reader)
                     for piece, piece_vector in zip(piece_claims, piece_vectors)]
            read_otherwise = read_otherwise or any(differs for _, differs in found)
            if all(hits for hits, _ in found):
                checked = [(piece, hits) for piece, (hits, _) in zip(piece_claims, found)]
        for piece, hits in checked:
            numbers = []
            for n, hit in hits:
                article = verifier.passages[n].article
                key = (article.id, hit.start, hit.end)
                if key not in by_span:
                    by_span[key] = len(citations) + 1
                    citations.append(Citation.of_span(by_span[key], article, hit.start, hit.end))
                numbers.append(by_span[key])
                answered = answered or hit.answers
            sentences.append(AnswerSentence(text=piece.text, citations=numbers, verified=bool(numbers)))
    if not any(s.verified for s in sentences):
        return Verified(UNCLEAR, sentences, [], True, SECOND_READING_DIFFERS if read_otherwise
                        else "no sentence verified")
    if not answered:
        return Verified(UNCLEAR, sentences, [], True, SECOND_READING_DIFFERS if read_otherwise else
                        f"the question asks for a {KIND_LABELS[asked.kind]} and no cited sentence gives one")
    return Verified(" ".join(with_markers(s) for s in sentences), sentences, citations, False, verifier=verifier)


def with_markers(sentence: AnswerSentence) -> str:
    """Place the markers before the closing full stop ("... in July 2000 [1].") or, for the first part of a compound
    sentence, before its comma or semicolon ("... a toll of 41 [1], while ...")."""
    text = sentence.text
    end = text[-1] if text[-1] in ".!?,;" else ""
    return text[: len(text) - len(end)] + "".join(f" [{n}]" for n in sentence.citations) + end
