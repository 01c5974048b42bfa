import pytest

from evals.dataset import EvalQuestion
from evals.metrics import alias_match, normalise, score_question, summarise_by_type, token_f1


@pytest.mark.parametrize(
    ("answer", "alias"),
    [("He went in 2000-07.", "July 2000"), ("one million shells", "1 million"), ("On 19th Jul 2000", "19 July 2000"),
     ("a six-day trip", "six days"), ("THE Vostochny Cosmodrome!", "Vostochny Cosmodrome")],
)
def test_normalised_aliases_match(answer, alias):
    assert alias_match(answer, [alias])


def test_alias_must_match_whole_words():
    assert not alias_match("Northern Korea", ["North"])
    assert not alias_match("June 2023", ["June 2024"])
    assert normalise("Sept. 13") == ["september", "13"]


def test_token_f1():
    assert token_f1("July 2000", ["July 2000"]) == 1.0
    assert token_f1("in July 2000 with Kim", ["July 2000"]) == pytest.approx(2 * (2 / 5) * 1 / (2 / 5 + 1))
    assert token_f1("nothing", ["July 2000"]) == 0.0


def _result(answer, abstained=False, citations=(), retrieved=(), sentences=None):
    return {"answer": answer, "abstained": abstained, "citations": list(citations), "retrieved": list(retrieved),
            "sentences": sentences if sentences is not None else [{"text": answer, "verified": True}],
            "latency_s": 1.0}


def test_scores_and_summary_over_handmade_results_deterministic():
    factoid = EvalQuestion(id="f", question="q", answers=["July 2000"], sources=["a.md"], evidence=["in July 2000"],
                           type="factoid")
    none = EvalQuestion(id="u", question="q", answers=[], type="unanswerable")
    good = score_question(factoid, _result("Putin went in July 2000.",
                                           citations=[{"source": "a.md", "text": "x"},
                                                      {"source": "b.md", "text": "He was there in July 2000."},
                                                      {"source": "c.md", "text": "unrelated"}],
                                           retrieved=[{"source": "z.md"}, {"source": "a.md"}]))
    assert good["correct"] and good["precise_citations"] == 2 and good["first_gold_rank"] == 2
    abstained = score_question(none, _result("The articles here don't say.", abstained=True, sentences=[]))
    assert abstained["correct"]
    summary = summarise_by_type([factoid, none], [good, abstained])
    overall = summary["overall"]
    assert overall["accuracy"] == 1.0 and overall["citation_precision"] == round(2 / 3, 4)
    assert overall["mrr"] == 0.5 and overall["hit@1"] == 0.0 and overall["hit@3"] == 1.0
    assert summary["unanswerable"]["abstention_accuracy"] == 1.0
    assert summary["factoid"]["false_abstention_rate"] == 0.0


def test_a_list_alias_needs_every_phrase():
    both = [["12 dead", "19 dead"], "nineteen and twelve"]
    assert alias_match("The Herald said 12 dead [1]; the Post said 19 dead [2].", both)
    assert not alias_match("The Herald said 12 dead [1].", both)
    assert token_f1("12 dead, 19 dead", both) == 1.0


def _timeline_question():
    return EvalQuestion(id="t", question="Timeline of the visits", answers=[], type="timeline", events=[
        {"date": "2000-07-19", "what": "first visit",
         "evidence": [{"source": "a", "quote": "arrived on 19 July 2000"}]},
        {"date": "2024-06", "what": "second visit", "evidence": [{"source": "b", "quote": "arrived in June 2024"}]},
    ])


def _item(day, precision, text, n):
    return {"date": day, "day": day, "precision": precision, "text": text, "citations": [n], "planned": False}


def test_a_timeline_is_scored_on_its_events_and_their_dates():
    """Dateline's own scoring, on hand-written items: precision, recall, dates true at the coarser precision."""
    items = [_item("2000-07-01", "month", "Putin arrived on 19 July 2000 in Pyongyang.", 1),  # less precise: true
             _item("2024-06-20", "day", "Putin arrived in June 2024 again.", 2),
             _item("2019-04-25", "day", "Kim went to Vladivostok.", 3)]  # no gold event: off the topic
    citations = [{"n": i + 1, "text": item["text"], "source": "a"} for i, item in enumerate(items)]
    scores = score_question(_timeline_question(), {"timeline": items, "citations": citations, "abstained": False,
                                                   "latency_s": 0.1, "retrieved": [], "sentences": []})
    timeline = scores["timeline"]
    assert timeline["event_precision"] == pytest.approx(2 / 3) and timeline["event_recall"] == 1.0
    assert timeline["date_accuracy"] == 1.0 and timeline["order_accuracy"] == 1.0 and timeline["duplicate_items"] == 0
    assert not scores["correct"] and not scores["verified_wrong"]  # precision below 0.9
    items[0]["day"], items[0]["precision"] = "2000-07-20", "day"  # a wrong day, shown as verified
    scores = score_question(_timeline_question(), {"timeline": items[:2], "citations": citations,
                                                   "abstained": False, "latency_s": 0.1, "retrieved": [],
                                                   "sentences": []})
    assert scores["timeline"]["date_accuracy"] == 0.5 and scores["verified_wrong"] and scores["correct"]


def test_translated_questions_are_summarised_beside_their_english_originals():
    from evals.metrics import ENGLISH_ORIGINALS, NON_ENGLISH

    english = EvalQuestion(id="q1", question="When?", answers=["July 2000"])
    french = EvalQuestion(id="q1-fr", question="Quand ?", answers=["July 2000", "juillet 2000"], language="fr",
                          translation_of="q1")
    other = EvalQuestion(id="q2", question="Who?", answers=["Kim"])
    scores = [score_question(english, _result("In July 2000.")), score_question(french, _result("En juillet 2000.")),
              score_question(other, _result("Nobody.", abstained=True, sentences=[]))]
    summary = summarise_by_type([english, french, other], scores)
    assert summary[NON_ENGLISH]["n"] == 1 and summary[NON_ENGLISH]["accuracy"] == 1.0
    assert summary[ENGLISH_ORIGINALS]["n"] == 1 and summary["overall"]["n"] == 3


def test_a_conflict_question_needs_every_side_each_cited_to_its_own_source():
    question = EvalQuestion(id="c", question="How much was Ravelstone fined?", answers=[], type="conflict", sides=[
        {"answers": ["4.2 million"], "source": "post.md", "quote": "fined 4.2 million euros"},
        {"answers": ["4.5 million"], "source": "journal.md", "quote": "a fine of 4.5 million euros"}])
    citations = [{"n": 1, "source": "post.md", "text": "fined 4.2 million euros"},
                 {"n": 2, "source": "journal.md", "text": "a fine of 4.5 million euros"}]
    both = [{"text": "It was fined 4.2 million euros.", "citations": [1], "verified": True},
            {"text": "Another outlet says “a fine of 4.5 million euros”.", "citations": [2], "verified": True}]
    scored = score_question(question, _result("x", citations=citations, sentences=both))
    assert scored["correct"] and scored["sides_cited"] and not scored["verified_wrong"]
    swapped = [{**both[0], "citations": [2]}, {**both[1], "citations": [1]}]  # both stated, each cited to the other
    scored = score_question(question, _result("x", citations=citations, sentences=swapped))
    assert scored["correct"] and not scored["sides_cited"]
    one = score_question(question, _result("x", citations=citations, sentences=both[:1]))
    assert not one["correct"] and not one["sides_cited"] and not one["verified_wrong"]  # it chose one: a miss
    wrong = score_question(question, _result("It was fined 3 million euros.", citations=citations))
    assert not wrong["correct"] and wrong["verified_wrong"]
    summary = summarise_by_type([question, question], [scored, one])
    assert summary["conflict"]["sides_cited"] == 0.0 and summary["overall"]["sides_cited"] == 0.0
