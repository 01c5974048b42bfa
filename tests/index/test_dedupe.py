"""Near-duplicate detection with real MinHash signatures (datasketch) over real article text: the signature's band
keys find candidates, the signatures decide. How the store marks originals and copies is in test_store.py and
test_pipeline.py."""

from index.dedupe import band_keys, near_duplicates, signature
from tests.conftest import PARISIEN_SEED, REUTERS_SEED

WIRE = REUTERS_SEED.read_text(encoding="utf-8")


def _candidates(text: str, other: str) -> bool:
    return bool(set(band_keys(signature(text))) & set(band_keys(signature(other))))


def test_the_same_wire_story_with_small_edits_is_a_near_duplicate():
    rerun = WIRE.replace("Reuters", "Wire services").replace("Sunday", "on Sunday")
    assert _candidates(WIRE, rerun) and near_duplicates(signature(WIRE), signature(rerun))
    assert near_duplicates(signature(WIRE), signature(WIRE))


def test_different_stories_on_the_same_subject_are_not_duplicates():
    other = PARISIEN_SEED.read_text(encoding="utf-8")
    assert not _candidates(WIRE, other) and not near_duplicates(signature(WIRE), signature(other))


def test_a_story_with_a_third_rewritten_is_not_a_near_duplicate():
    words = WIRE.split()
    cut = len(words) // 3
    rewritten = " ".join(words[:-cut] + [f"new{i}" for i in range(cut)])
    assert not near_duplicates(signature(WIRE), signature(rewritten))
