"""Near-duplicate detection: the same wire story run by two outlets stays two sources, marked as duplicates.

Each article's text gets a MinHash signature of its word 5-shingles (datasketch). Its LSH band keys (the banding
datasketch's MinHashLSH picks for the threshold) are kept in the manifest, so the store finds a new article's
candidates with one indexed lookup instead of rebuilding an LSH index over every article; the estimated Jaccard
similarity decides (>= 0.9). The store marks the earlier-published article (then the one ingested first) as the
original and points the others at it with `duplicate_of`.
"""

from __future__ import annotations

import functools
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


@functools.cache
def _bands() -> tuple[int, int]:
    """(bands, rows per band): datasketch's choice for THRESHOLD, which balances missed and false candidates."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def band_keys(blob: bytes) -> list[tuple[int, bytes]]:
    """(band, key) pairs of a signature: two articles that share one are candidates."""
    bands, rows = _bands()
    width = rows * np.dtype(np.uint32).itemsize
    return [(band, blob[band * width:(band + 1) * width]) for band in range(bands)]


def near_duplicates(blob: bytes, other: bytes) -> bool:
    """Estimated Jaccard similarity of the two texts' shingles (the share of equal MinHash values) >= THRESHOLD."""
    return float(np.mean(np.frombuffer(blob, dtype=np.uint32) == np.frombuffer(other, dtype=np.uint32))) >= THRESHOLD
