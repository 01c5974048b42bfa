from hypothesis import given, settings, strategies as st

from index.chunk import chunk_article, sentence_spans
from index.records import Article

SENTENCE = st.text(alphabet="abcdefgh ijklmnop", min_size=5, max_size=80).map(lambda s: s.strip().capitalize() + ".")


def _article(text: str) -> Article:
    return Article(id="a.txt", title="Title", text=text, outlet="Wire", hash="0" * 64)


@settings(max_examples=60, deadline=None)
@given(paragraphs=st.lists(st.lists(SENTENCE, min_size=1, max_size=8), min_size=1, max_size=6),
       size=st.integers(100, 600), overlap=st.integers(0, 90))
def test_chunks_are_exact_slices_cover_every_sentence_and_respect_the_size(paragraphs, size, overlap):
    text = "\n\n".join(" ".join(p) for p in paragraphs)
    article = _article(text)
    chunks = chunk_article(article, size, overlap)
    spans = sentence_spans(text)
    for chunk in chunks:
        assert text[chunk.start:chunk.end] == chunk.text
        multi_sentence = sum(1 for s, e in spans if chunk.start <= s and e <= chunk.end) > 1
        assert not multi_sentence or chunk.end - chunk.start <= size
    for s, e in spans:
        assert any(c.start <= s and e <= c.end for c in chunks)
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_neighbouring_chunks_overlap_by_whole_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(40))
    chunks = chunk_article(_article(text), 200, 60)
    assert len(chunks) > 3
    for before, after in zip(chunks, chunks[1:]):
        assert after.start < before.end  # shared sentences
        assert text[after.start:before.end].endswith(".")


def test_chunk_header_names_the_article():
    article = Article(id="a.txt", title="Summit", text="One sentence here. Another one.", outlet="Wire",
                      hash="0" * 64)
    (chunk,) = chunk_article(article, 500, 50)
    assert chunk.header == "Summit | Wire"
    assert chunk.embed_text == "Summit | Wire\nOne sentence here. Another one."
