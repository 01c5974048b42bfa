"""Near-duplicate detection with real MinHash signatures (datasketch) over real article text."""

from index.dedupe import find_duplicates, signature
from tests.conftest import PARISIEN_SEED, REUTERS_SEED

WIRE = REUTERS_SEED.read_text(encoding="utf-8")


def test_the_same_wire_story_with_small_edits_is_a_near_duplicate_of_the_first():
    rerun = WIRE.replace("Reuters", "Wire services").replace("Sunday", "on Sunday")
    found = find_duplicates([("reuters", signature(WIRE)), ("rerun", signature(rerun)),
                             ("copy", signature(WIRE))])
    assert found == {"rerun": "reuters", "copy": "reuters"}


def test_different_stories_on_the_same_subject_are_not_duplicates():
    other = PARISIEN_SEED.read_text(encoding="utf-8")
    assert find_duplicates([("reuters", signature(WIRE)), ("parisien", signature(other))]) == {}


def test_a_story_with_a_third_rewritten_is_not_a_near_duplicate():
    words = WIRE.split()
    cut = len(words) // 3
    rewritten = " ".join(words[:-cut] + [f"new{i}" for i in range(cut)])
    assert find_duplicates([("reuters", signature(WIRE)), ("rewrite", signature(rewritten))]) == {}
