"""Near-duplicate detection: the same wire story run by two outlets stays two sources, marked as duplicates.

Each article's text gets a MinHash signature of its word 5-shingles (datasketch); an LSH index finds candidate pairs
and the estimated Jaccard similarity decides (>= 0.9). The earlier-published article (then the one ingested first)
is the original; the others point at it with `duplicate_of`.
"""

from __future__ import annotations

import re

import numpy as np

NUM_PERM = 128
SHINGLE_WORDS = 5
THRESHOLD = 0.9
_SEED = 1  # fixed, like the scheme: signatures are stored and compared across runs
_SCHEME = "affine32"

_WORD = re.compile(r"\w+")


def _shingles(text: str) -> set[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()}
    return {" ".join(words[i:i + SHINGLE_WORDS]).encode() for i in range(len(words) - SHINGLE_WORDS + 1)}


def signature(text: str) -> bytes:
    """The MinHash signature of an article's text, as bytes to keep in the manifest."""
    from datasketch import MinHash

    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    minhash.update_batch(list(_shingles(text)))
    return minhash.hashvalues.astype(np.uint32).tobytes()


def _minhash(blob: bytes):
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME, hashvalues=np.frombuffer(blob, dtype=np.uint32))


def find_duplicates(signatures: list[tuple[str, bytes]]) -> dict[str, str]:
    """{article id: id of the article it duplicates}, for `signatures` listed originals-first."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    minhashes = {}
    order = {article_id: i for i, (article_id, _) in enumerate(signatures)}
    duplicate_of: dict[str, str] = {}
    for article_id, blob in signatures:
        minhash = _minhash(blob)
        candidates = [other for other in lsh.query(minhash) if minhashes[other].jaccard(minhash) >= THRESHOLD]
        if candidates:
            # Point at the first-listed original, never at another duplicate.
            first = min(candidates, key=order.__getitem__)
            duplicate_of[article_id] = duplicate_of.get(first, first)
        lsh.insert(article_id, minhash)
        minhashes[article_id] = minhash
    return duplicate_of
