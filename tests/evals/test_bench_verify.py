"""The labelled claims behind `make bench-verify`: a data contract, checked without running the verifier."""

from evals.bench_verify import articles_by_set, load_claims
from evals.dataset import HELD_OUT_SET

CLASSES = {"paraphrase", "neighbour_fact", "mixed_name", "polarity", "off_question", "swapped_number", "unsupported"}


def test_every_claim_is_labelled_and_cites_an_article_of_its_corpus():
    claims = load_claims()
    assert len(claims) >= 400 and len({c["id"] for c in claims}) == len(claims)
    articles = articles_by_set(20 * 1024 * 1024)
    for claim in claims:
        assert claim["label"] in ("correct", "wrong") and claim["class"] in CLASSES, claim["id"]
        assert (claim["class"] == "paraphrase") == (claim["label"] == "correct"), claim["id"]
        assert claim["source"] in articles[claim["corpus"]], claim["id"]
        assert claim["claim"].strip() and claim["question"].strip(), claim["id"]


def test_the_held_out_split_keeps_all_claims_of_a_question_together_and_follows_the_held_out_question_set():
    claims = load_claims()
    by_question = {}
    for claim in claims:
        by_question.setdefault(claim["question_id"], set()).add(claim["split"])
    assert all(len(splits) == 1 for splits in by_question.values())
    assert {c["split"] for c in claims if c["corpus"] == HELD_OUT_SET} == {"test"}
    assert {c["split"] for c in claims if c["corpus"] == "news-dev"} == {"dev"}
    hashed = [c for c in claims if c["corpus"] in ("sample", "seeds")]
    assert 0.15 <= sum(c["split"] == "test" for c in hashed) / len(hashed) <= 0.35
