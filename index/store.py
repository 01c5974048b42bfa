"""Store: the one interface over the parts that must agree — Chroma vectors and a SQLite manifest that holds the
lexical (BM25) index too.

The manifest is the source of truth. Writes go vectors first, then the manifest in one transaction, then removal
of superseded vectors; readers only trust chunks the manifest lists, so a crash at any point leaves an index that
answers correctly, and `reconcile()` (run before every ingest) removes what a crash left behind. The lexical index is
an SQLite FTS5 table written in the manifest's own transactions: it never lags, and adding an article costs its own
chunks, not a rebuild of the whole index.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from filelock import FileLock, Timeout

from index.lexicon import STOP_WORDS
from index.records import Article, Chunk, DatedEvent
from index.web import Fetched

COLLECTION = "dateline"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY, path TEXT, hash TEXT NOT NULL, chunking TEXT NOT NULL,
    published_day INTEGER NOT NULL, record TEXT NOT NULL, ingested_at TEXT NOT NULL,
    signature BLOB, duplicate_of TEXT
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL, header TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_article ON chunks(article_id);
-- Each write looks up the duplicates of the articles it replaces or removes: without this, a scan of every article.
CREATE INDEX IF NOT EXISTS articles_by_original ON articles(duplicate_of);
-- BM25 over each chunk's header and text; its rowid is the chunk's rowid in `chunks` (never VACUUMed, which could
-- renumber them).
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_text USING fts5(text, tokenize = 'unicode61');
-- What the last fetch of a feed or page returned, for conditional GETs (index/web.py).
CREATE TABLE IF NOT EXISTS fetched (url TEXT PRIMARY KEY, is_feed INTEGER NOT NULL, etag TEXT, last_modified TEXT);
-- Chunk ids whose vectors are being written or deleted: a crash between Chroma and the manifest leaves them here, so
-- reconcile() checks these instead of listing every vector.
CREATE TABLE IF NOT EXISTS vector_journal (id TEXT PRIMARY KEY);
-- Each article's near-duplicate band keys (index/dedupe.py), and the articles whose duplicate mark is due: new ones,
-- and those whose original was replaced or removed.
CREATE TABLE IF NOT EXISTS lsh_bands (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, band INTEGER NOT NULL, key BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS lsh_bands_by_key ON lsh_bands(band, key);
CREATE INDEX IF NOT EXISTS lsh_bands_by_article ON lsh_bands(article_id);
CREATE TABLE IF NOT EXISTS duplicates_due (article_id TEXT PRIMARY KEY);
-- Each article's dated event sentences (index/events.py), for timelines: found once, when the article is written.
CREATE TABLE IF NOT EXISTS events (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, day INTEGER NOT NULL, record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_article ON events(article_id);
"""
LEXICAL = "fts5"  # the lexical index's kind, recorded in `meta`; an older manifest (a bm25s index beside it) is
# converted once when opened
DUPLICATES = "lsh-bands"  # how duplicate candidates are found, recorded in `meta`; older manifests get band keys once
EVENTS = "events-3"  # how dated events are found, recorded in `meta`; a manifest from before (or an older rule) gets
# every article's events found again once


class StoreError(RuntimeError):
    pass


@dataclass(frozen=True)
class ArticleRow:
    """An indexed article as `dateline sources` lists it."""

    article: Article
    chunks: int
    duplicate_of: str | None


@dataclass(frozen=True)
class Indexed:
    """One article ready for the store: its chunks, their vectors and its near-duplicate signature."""

    article: Article
    chunks: list[Chunk]
    vectors: list[list[float]]
    signature: bytes


@dataclass(frozen=True)
class Hit:
    chunk_id: str
    score: float


def _drop_embedded_system(index_dir: Path) -> None:
    """Forget this process's embedded Chroma system for the index, so the next client loads its vectors afresh.
    Chroma keeps one system per path and process, and its vector index does not see vectors another process added
    (measured with chromadb 1.5.9: the count grows, queries do not find them) until it is loaded again."""
    from chromadb.api.shared_system_client import SharedSystemClient

    identifier = str(index_dir / "chroma")
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)


def _chroma_client(index_dir: Path, chroma_url: str | None):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url)
        if not url.hostname:
            raise StoreError(f"bad Chroma URL {chroma_url!r}: expected http://HOST:PORT")
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings
            )
        except Exception as exc:
            raise StoreError(f"cannot reach the Chroma server at {chroma_url}: {exc}") from None
    return chromadb.PersistentClient(path=str(index_dir / "chroma"), settings=chroma_settings)


class Store:
    def __init__(self, index_dir: Path, embed_model: str, chroma_url: str | None = None):
        self.dir = Path(index_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.dir / "manifest.sqlite", check_same_thread=False)
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.executescript(_SCHEMA)
        self._add_missing_columns()
        recorded = self._meta("embed_model")
        if recorded is None:
            with self.db:
                self._set_meta("embed_model", embed_model)
        elif recorded != embed_model:
            raise StoreError(
                f"the index at {self.dir} was built with embedding model {recorded!r}, not {embed_model!r}: "
                "use that model or a new data dir"
            )
        self._chroma_url = chroma_url
        self._write_lock = FileLock(self.dir / "write.lock")
        self._reopening = threading.Lock()  # chat sessions answered at once reload the vectors once, not each
        self._open_vectors()
        if self._meta("lexical") != LEXICAL:
            with self.writing():
                self._build_lexical_index()
        if self._meta("duplicates") != DUPLICATES:
            with self.writing():
                self._index_all_signatures()
        if self._meta("events") != EVENTS:
            with self.writing(), self.db:
                self.db.execute("DELETE FROM events")
                self._index_events("SELECT id FROM articles")
                self._set_meta("events", EVENTS)

    def _open_vectors(self) -> None:
        self.collection = _chroma_client(self.dir, self._chroma_url).get_or_create_collection(
            COLLECTION, metadata={"hnsw:space": "cosine"}
        )
        self._vectors_generation = self.generation  # the manifest generation the loaded vectors are known to match

    def _fresh_vectors(self) -> None:
        """Before a vector search: if another process wrote since this one loaded or wrote the vectors, load them
        again (the embedded client only; a Chroma server serves every process the same vectors)."""
        if self._chroma_url:
            return
        with self._reopening:
            if self.generation != self._vectors_generation:
                _drop_embedded_system(self.dir)
                self._open_vectors()

    @contextmanager
    def writing(self, waiting: Callable[[str], None] = lambda line: None) -> Iterator[None]:
        """Hold the index's write lock: a second process that writes (an ingest while the chat page serves and
        takes uploads, or two ingests) waits until this one is done, since `reconcile()` would take the other's
        half-written vectors for a crash's leftovers and Chroma's embedded client assumes one writer. Reentrant."""
        try:
            self._write_lock.acquire(timeout=0.2)
        except Timeout:
            waiting(f"waiting for another Dateline process that is writing to {self.dir}")
            self._write_lock.acquire()
        try:
            yield
        finally:
            self._write_lock.release()

    # -- manifest ------------------------------------------------------------------------------------------
    def _add_missing_columns(self) -> None:
        """Manifests written before near-duplicate detection lack its two columns."""
        present = {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}
        with self.db:
            for column, kind in (("signature", "BLOB"), ("duplicate_of", "TEXT")):
                if column not in present:
                    self.db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")

    def _build_lexical_index(self) -> None:
        """Index every listed chunk's text once: a new manifest, or one from before the lexical index lived in it."""
        with self.db:
            self.db.execute("DELETE FROM chunk_text")
            self._index_text("SELECT id FROM articles")
            self._set_meta("lexical", LEXICAL)
        shutil.rmtree(self.dir / "bm25", ignore_errors=True)  # the old, separately rebuilt index

    def _index_text(self, article_ids: str, parameters: tuple | list = ()) -> None:
        """Add the chunks of the articles `article_ids` (an SQL query) selects to the lexical index."""
        rows = self.db.execute(
            'SELECT c.rowid, c.header, c.start, c."end", a.record FROM chunks c JOIN articles a '
            f"ON a.id = c.article_id WHERE a.id IN ({article_ids})", parameters).fetchall()
        texts: dict[str, str] = {}  # each article's text, parsed once for all its chunks
        for record in {row[4] for row in rows}:
            texts[record] = Article.model_validate_json(record).text
        self.db.executemany("INSERT INTO chunk_text(rowid, text) VALUES (?, ?)", [
            (rowid, f"{header}\n{texts[record][start:end]}") for rowid, header, start, end, record in rows])

    def _index_events(self, article_ids: str, parameters: tuple | list = ()) -> None:
        """Inside a transaction: the dated events of the articles `article_ids` (an SQL query) selects."""
        from index.events import dated_events

        rows = self.db.execute(f"SELECT record FROM articles WHERE id IN ({article_ids})", parameters).fetchall()
        self.db.executemany("INSERT INTO events(article_id, day, record) VALUES (?, ?, ?)", [
            (event.article_id, event.day.toordinal(), event.model_dump_json())
            for (record,) in rows for event in dated_events(Article.model_validate_json(record))])

    def _delete_articles(self, article_ids: list[str]) -> int:
        """Inside a transaction: the articles, their chunks and band keys (cascade) and their lexical entries; their
        duplicates' marks become due."""
        deleted = 0
        for article_id in article_ids:
            self.db.execute("DELETE FROM chunk_text WHERE rowid IN (SELECT rowid FROM chunks WHERE article_id = ?)",
                            (article_id,))
            self.db.execute("INSERT OR IGNORE INTO duplicates_due(article_id) SELECT id FROM articles "
                            "WHERE duplicate_of = ?", (article_id,))
            deleted += self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
        return deleted

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @property
    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def _bump_generation(self) -> None:
        self._set_meta("generation", str(self.generation + 1))

    def state_of(self, article_id: str) -> tuple[str, str] | None:
        """(content hash, chunking signature) of an indexed article, or None."""
        row = self.db.execute("SELECT hash, chunking FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def article_count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def articles(self) -> list[ArticleRow]:
        """Every indexed article with its chunk count and what it duplicates, newest first."""
        rows = self.db.execute(
            "SELECT a.record, count(c.id), a.duplicate_of FROM articles a LEFT JOIN chunks c ON c.article_id = a.id "
            "GROUP BY a.id ORDER BY a.published_day DESC, a.id"
        ).fetchall()
        return [ArticleRow(Article.model_validate_json(record), n, dup) for record, n, dup in rows]

    def languages(self) -> set[str]:
        """The languages of the indexed articles."""
        rows = self.db.execute("SELECT DISTINCT json_extract(record, '$.lang') FROM articles").fetchall()
        return {row[0] for row in rows if row[0]}

    def outlets(self) -> set[str]:
        """The outlets of the indexed articles."""
        rows = self.db.execute("SELECT DISTINCT json_extract(record, '$.outlet') FROM articles").fetchall()
        return {row[0] for row in rows if row[0]}

    def duplicate_of(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT duplicate_of FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row[0] if row else None

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT record FROM articles WHERE id = ?", (article_id,)).fetchone()
        return Article.model_validate_json(row[0]) if row else None

    def article_chunks(self, article_id: str) -> list[Chunk]:
        article = self.article(article_id)
        if article is None:
            return []
        rows = self.db.execute(
            'SELECT id, start, "end", header FROM chunks WHERE article_id = ? ORDER BY seq', (article_id,)
        ).fetchall()
        return [Chunk(id=cid, article_id=article_id, start=s, end=e, text=article.text[s:e], header=h)
                for cid, s, e, h in rows]

    def events(self, article_ids: list[str]) -> list[tuple[DatedEvent, Article]]:
        """The dated events of the listed articles, with their articles, earliest first."""
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        rows = self.db.execute(f"SELECT e.record, a.record FROM events e JOIN articles a ON a.id = e.article_id "
                               f"WHERE e.article_id IN ({marks}) ORDER BY e.day", article_ids).fetchall()
        articles: dict[str, Article] = {}
        found = []
        for event_record, article_record in rows:
            event = DatedEvent.model_validate_json(event_record)
            if event.article_id not in articles:
                articles[event.article_id] = Article.model_validate_json(article_record)
            found.append((event, articles[event.article_id]))
        return found

    def validators(self, url: str) -> tuple[str | None, str | None] | None:
        """(ETag, Last-Modified) of the last fetch of a feed, or of a page that is still indexed."""
        row = self.db.execute("SELECT etag, last_modified FROM fetched WHERE url = ? AND "
                              "(is_feed OR url IN (SELECT id FROM articles))", (url,)).fetchone()
        return row if row and any(row) else None

    def remember_fetch(self, fetched: Fetched, is_feed: bool) -> None:
        with self.writing(), self.db:
            self.db.execute("INSERT OR REPLACE INTO fetched(url, is_feed, etag, last_modified) VALUES (?, ?, ?, ?)",
                            (fetched.url, is_feed, fetched.etag, fetched.last_modified))

    def paths(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, path FROM articles").fetchall())

    def chunks(self, chunk_ids: list[str]) -> dict[str, tuple[Chunk, Article]]:
        """The listed chunks the manifest knows, with their articles; unknown ids are left out."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self.db.execute(
            f'SELECT c.id, c.start, c."end", c.header, a.record FROM chunks c JOIN articles a ON a.id = c.article_id '
            f"WHERE c.id IN ({marks})",
            chunk_ids,
        ).fetchall()
        found = {}
        for chunk_id, start, end, header, record in rows:
            article = Article.model_validate_json(record)
            chunk = Chunk(
                id=chunk_id, article_id=article.id, start=start, end=end, text=article.text[start:end], header=header
            )
            found[chunk_id] = (chunk, article)
        return found

    # -- writes --------------------------------------------------------------------------------------------
    def put_many(self, entries: list[Indexed], chunking: str) -> None:
        """Add or replace articles and their chunks in every store: one vector write, one manifest transaction."""
        if not entries:
            return
        with self.writing():
            self._put_many(entries, chunking)

    def _put_many(self, entries: list[Indexed], chunking: str) -> None:
        marks = ",".join("?" * len(entries))
        old_ids = {row[0] for row in self.db.execute(
            f"SELECT id FROM chunks WHERE article_id IN ({marks})", [e.article.id for e in entries]
        )}
        new_chunks = [(entry.article, chunk) for entry in entries for chunk in entry.chunks]
        new_ids = [chunk.id for _, chunk in new_chunks]
        with self.db:  # committed before Chroma is touched
            self._journal(new_ids)
        if new_chunks:
            self.collection.upsert(
                ids=new_ids,
                embeddings=[vector for entry in entries for vector in entry.vectors],
                documents=[chunk.text for _, chunk in new_chunks],
                metadatas=[
                    {"article_id": article.id, "start": chunk.start, "end": chunk.end,
                     "published_day": article.published_day}
                    for article, chunk in new_chunks
                ],
            )
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        stale = sorted(old_ids - set(new_ids))
        with self.db:
            self._delete_articles([e.article.id for e in entries])
            self.db.executemany(
                "INSERT INTO articles(id, path, hash, chunking, published_day, record, ingested_at, signature) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(e.article.id, e.article.path, e.article.hash, chunking, e.article.published_day,
                  e.article.model_dump_json(), now, e.signature) for e in entries],
            )
            self.db.executemany(
                'INSERT INTO chunks(id, article_id, seq, start, "end", header) VALUES (?, ?, ?, ?, ?, ?)',
                [(c.id, e.article.id, i, c.start, c.end, c.header) for e in entries for i, c in enumerate(e.chunks)],
            )
            self._index_text(marks, [e.article.id for e in entries])
            self._index_events(marks, [e.article.id for e in entries])
            self._index_signatures([(e.article.id, e.signature) for e in entries])
            self._journal(stale)
            self._bump_generation()
        if stale:
            self.collection.delete(ids=stale)
        self._journal_done(new_ids + stale)
        self._vectors_generation = self.generation

    def _journal(self, chunk_ids: list[str]) -> None:
        """Inside a transaction: these chunks' vectors are about to be written, or deleted once the manifest no
        longer lists them."""
        self.db.executemany("INSERT OR IGNORE INTO vector_journal(id) VALUES (?)", [(i,) for i in chunk_ids])

    def _journal_done(self, chunk_ids: list[str]) -> None:
        with self.db:
            self.db.executemany("DELETE FROM vector_journal WHERE id = ?", [(i,) for i in chunk_ids])

    def remove(self, article_id: str) -> bool:
        with self.writing():
            ids = [row[0] for row in self.db.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))]
            with self.db:
                self._journal(ids)
                deleted = self._delete_articles([article_id])
                self._bump_generation()
            if ids:
                self.collection.delete(ids=ids)
            self._journal_done(ids)
            self._vectors_generation = self.generation
        return bool(deleted)

    def reconcile(self) -> int:
        """Delete vectors the manifest does not list (left by a crash mid-write); returns how many."""
        with self.writing():
            self._fresh_vectors()
            removed = self._reconcile()
            self._vectors_generation = self.generation
            return removed

    def _reconcile(self) -> int:
        """The journalled vectors the manifest does not list are a crash's leftovers. Only when the counts still
        disagree (vectors lost, or left by a Dateline from before the journal) is every id compared."""
        orphans = [row[0] for row in self.db.execute(
            "SELECT j.id FROM vector_journal j LEFT JOIN chunks c ON c.id = j.id WHERE c.id IS NULL")]
        if orphans:
            self.collection.delete(ids=orphans)
        with self.db:
            self.db.execute("DELETE FROM vector_journal")
        if self.collection.count() == self.db.execute("SELECT count(*) FROM chunks").fetchone()[0]:
            return len(orphans)
        return len(orphans) + self._reconcile_every_id()

    def _reconcile_every_id(self) -> int:
        listed = {row[0] for row in self.db.execute("SELECT id FROM chunks")}
        stored = set(self.collection.get(include=[])["ids"])
        orphans = sorted(stored - listed)
        if orphans:
            self.collection.delete(ids=orphans)
        lost = listed - stored
        if lost:  # vectors lost: forget those articles so the next ingest embeds them again
            rows = self.db.execute("SELECT id, article_id FROM chunks").fetchall()
            with self.db:
                self._delete_articles(sorted({aid for cid, aid in rows if cid in lost}))
                self._bump_generation()
        return len(orphans)

    # -- reads ---------------------------------------------------------------------------------------------
    def dense_search(
        self, vector: list[float], n: int, min_day: int | None = None, max_day: int | None = None
    ) -> list[Hit]:
        """Nearest chunks, optionally only from articles published within [min_day, max_day] (day ordinals)."""
        self._fresh_vectors()
        total = self.collection.count()
        if total == 0:
            return []
        conditions: list[dict] = []
        if min_day is not None:  # undated articles may be recent enough: keep them
            conditions.append({"$or": [{"published_day": {"$gte": min_day}}, {"published_day": {"$eq": -1}}]})
        if max_day is not None:  # undated articles may be too recent: leave them out
            conditions += [{"published_day": {"$gte": 0}}, {"published_day": {"$lte": max_day}}]
        where = conditions[0] if len(conditions) == 1 else ({"$and": conditions} if conditions else None)
        result = self.collection.query(
            query_embeddings=[vector], n_results=min(n, total), where=where, include=["distances"]
        )
        return [Hit(cid, 1.0 - dist) for cid, dist in zip(result["ids"][0], result["distances"][0])]

    def refresh_derived(self) -> None:
        """Bring what is derived from the manifest up to date: the duplicate marks."""
        self._mark_duplicates()

    def _mark_duplicates(self) -> None:
        if self._meta("duplicates_generation") == str(self.generation):
            return
        with self.writing():
            self._mark_duplicates_now()

    def _mark_duplicates_now(self) -> None:
        """Mark the articles whose mark is due, earliest first: a due article with an earlier near-duplicate points
        at that one's original; one without becomes the original of its later near-duplicates (and of what pointed
        at them). The cost follows the due articles, not the index."""
        due = sorted(self.db.execute(
            f"SELECT {_DUPLICATE_ROW} FROM duplicates_due d "
            "JOIN articles a ON a.id = d.article_id WHERE a.signature IS NOT NULL AND length(a.signature) > 0"
        ).fetchall(), key=_original_first)
        with self.db:
            for row in due:
                article_id, blob = row[0], row[1]
                near = self._near_duplicates(article_id, blob)
                earlier = [other for other in near if _original_first(other) < _original_first(row)]
                if earlier:
                    first = min(earlier, key=_original_first)
                    self.db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?",
                                    (first[2] or first[0], article_id))
                    continue
                self.db.execute("UPDATE articles SET duplicate_of = NULL WHERE id = ?", (article_id,))
                for other in near:
                    self.db.execute("UPDATE articles SET duplicate_of = ? WHERE (id = ? OR duplicate_of = ?) AND id != ?",
                                    (article_id, other[0], other[0], article_id))
            self.db.execute("DELETE FROM duplicates_due")
            self._set_meta("duplicates_generation", str(self.generation))

    def _near_duplicates(self, article_id: str, blob: bytes) -> list[tuple]:
        """(id, signature, duplicate_of, published_day, ingested_at) of every other article whose text is a near
        duplicate: the candidates share a band key (indexed lookups), the signatures decide."""
        from index.dedupe import band_keys, near_duplicates

        found: dict[str, tuple] = {}
        for band, key in band_keys(blob):
            for row in self.db.execute(
                    f"SELECT {_DUPLICATE_ROW} FROM lsh_bands b "
                    "JOIN articles a ON a.id = b.article_id WHERE b.band = ? AND b.key = ? AND a.id != ?",
                    (band, key, article_id)):
                found.setdefault(row[0], row)
        return [row for row in found.values() if near_duplicates(blob, row[1])]

    def _index_signatures(self, signatures: list[tuple[str, bytes]]) -> None:
        """Inside a transaction: the articles' band keys, and their marks due."""
        from index.dedupe import band_keys

        signed = [(article_id, blob) for article_id, blob in signatures if blob]
        self.db.executemany("INSERT INTO lsh_bands(article_id, band, key) VALUES (?, ?, ?)",
                            [(article_id, band, key) for article_id, blob in signed for band, key in band_keys(blob)])
        self.db.executemany("INSERT OR IGNORE INTO duplicates_due(article_id) VALUES (?)",
                            [(article_id,) for article_id, _ in signed])

    def _index_all_signatures(self) -> None:
        """A new manifest, or one from before band keys were kept: every article's keys, every mark due."""
        with self.db:
            self.db.execute("DELETE FROM lsh_bands")
            self._index_signatures(self.db.execute("SELECT id, signature FROM articles").fetchall())
            self._set_meta("duplicates", DUPLICATES)

    def vectors(self, chunk_ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of the listed chunks (for lexical hits, so they need not be embedded again)."""
        if not chunk_ids:
            return {}
        self._fresh_vectors()
        found = self.collection.get(ids=chunk_ids, include=["embeddings"])
        return {chunk_id: list(vector) for chunk_id, vector in zip(found["ids"], found["embeddings"])}

    def lexical_chunk_ids(self) -> list[str | None]:
        """The chunk of each lexical index entry, None where it has none: what consistency checks compare."""
        return [row[0] for row in self.db.execute(
            "SELECT c.id FROM chunk_text f LEFT JOIN chunks c ON c.rowid = f.rowid")]

    def lexical_search(self, query: str, n: int) -> list[Hit]:
        """BM25 over the chunks' words: any of the query's words but stop words and common words, best first.

        FTS5 scores every chunk a query matches, so a word found in many chunks costs most and weighs least (its
        BM25 weight nears zero). The query keeps the rarest words while together they match at most
        LEXICAL_MATCH_BUDGET chunks, which bounds the cost whatever the index's size; the dense search still reads
        the whole question. Indexes below the budget (the public sets' corpora) keep every word."""
        words = dict.fromkeys(w for w in _FTS_WORD.findall(query.lower()) if w not in STOP_WORDS)
        matches = {word: self._matching_chunks(word, LEXICAL_MATCH_BUDGET) for word in words}
        kept, budget = [], LEXICAL_MATCH_BUDGET
        for word in sorted(words, key=matches.__getitem__):
            if matches[word] > budget:
                break
            kept.append(word)
            budget -= matches[word]
        if not kept:
            return []
        rows = self.db.execute(
            "SELECT c.id, -f.score FROM (SELECT rowid, bm25(chunk_text) AS score FROM chunk_text "
            "WHERE chunk_text MATCH ? ORDER BY score LIMIT ?) f JOIN chunks c ON c.rowid = f.rowid ORDER BY f.score",
            (" OR ".join(f'"{word}"' for word in kept), n)).fetchall()
        return [Hit(chunk_id, score) for chunk_id, score in rows]

    def _matching_chunks(self, word: str, cap: int) -> int:
        """How many chunks contain `word`, counted up to cap + 1 (so the count costs at most that many steps)."""
        return self.db.execute("SELECT count(*) FROM (SELECT 1 FROM chunk_text WHERE chunk_text MATCH ? LIMIT ?)",
                               (f'"{word}"', cap + 1)).fetchone()[0]


LEXICAL_MATCH_BUDGET = 5000  # chunks one lexical query may score: ~10 ms on this 2-core CPU
_FTS_WORD = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer calls a word


# The columns of an article that duplicate marking reads, in the order `_original_first` unpacks them.
_DUPLICATE_ROW = "a.id, a.signature, a.duplicate_of, a.published_day, a.ingested_at"


def _original_first(row: tuple) -> tuple:
    """Which of two near-duplicates is the original: dated before undated, earlier published, ingested first, id."""
    _, _, _, published_day, ingested_at = row[:5]
    return (published_day < 0, published_day, ingested_at, row[0])


def open_store(settings) -> Store:
    return Store(settings.index_dir, settings.embed_model, settings.chroma_url)
