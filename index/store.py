"""Store: the one interface over the three parts that must agree — Chroma vectors, a BM25 index and a SQLite manifest.

The manifest is the source of truth. Writes go vectors first, then the manifest in one transaction, then removal
of superseded vectors; readers only trust chunks the manifest lists, so a crash at any point leaves an index that
answers correctly, and `reconcile()` (run before every ingest) removes what a crash left behind. The BM25 index is
derived from the manifest and rebuilt whenever its generation number lags the manifest's.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

from index.records import Article, Chunk

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
"""


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
        self.collection = _chroma_client(self.dir, chroma_url).get_or_create_collection(
            COLLECTION, metadata={"hnsw:space": "cosine"}
        )
        self._bm25 = None
        self._bm25_ids: list[str] = []
        self._bm25_generation = -1

    # -- manifest ------------------------------------------------------------------------------------------
    def _add_missing_columns(self) -> None:
        """Manifests written before near-duplicate detection lack its two columns."""
        present = {row[1] for row in self.db.execute("PRAGMA table_info(articles)")}
        with self.db:
            for column, kind in (("signature", "BLOB"), ("duplicate_of", "TEXT")):
                if column not in present:
                    self.db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")

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
        marks = ",".join("?" * len(entries))
        old_ids = {row[0] for row in self.db.execute(
            f"SELECT id FROM chunks WHERE article_id IN ({marks})", [e.article.id for e in entries]
        )}
        new_chunks = [(entry.article, chunk) for entry in entries for chunk in entry.chunks]
        if new_chunks:
            self.collection.upsert(
                ids=[chunk.id for _, chunk in new_chunks],
                embeddings=[vector for entry in entries for vector in entry.vectors],
                documents=[chunk.text for _, chunk in new_chunks],
                metadatas=[
                    {"article_id": article.id, "start": chunk.start, "end": chunk.end,
                     "published_day": article.published_day}
                    for article, chunk in new_chunks
                ],
            )
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.db:
            self.db.executemany("DELETE FROM articles WHERE id = ?", [(e.article.id,) for e in entries])
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
            self._bump_generation()
        stale = sorted(old_ids - {chunk.id for _, chunk in new_chunks})
        if stale:
            self.collection.delete(ids=stale)

    def remove(self, article_id: str) -> bool:
        ids = [row[0] for row in self.db.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))]
        with self.db:
            deleted = self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount
            self._bump_generation()
        if ids:
            self.collection.delete(ids=ids)
        return bool(deleted)

    def reconcile(self) -> int:
        """Delete vectors the manifest does not list (left by a crash mid-write); returns how many."""
        listed = {row[0] for row in self.db.execute("SELECT id FROM chunks")}
        stored = set(self.collection.get(include=[])["ids"])
        orphans = sorted(stored - listed)
        if orphans:
            self.collection.delete(ids=orphans)
        lost = listed - stored
        if lost:  # vectors lost: forget those articles so the next ingest embeds them again
            rows = self.db.execute("SELECT id, article_id FROM chunks").fetchall()
            with self.db:
                for article_id in {aid for cid, aid in rows if cid in lost}:
                    self.db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
                self._bump_generation()
        return len(orphans)

    # -- reads ---------------------------------------------------------------------------------------------
    def dense_search(
        self, vector: list[float], n: int, min_day: int | None = None, max_day: int | None = None
    ) -> list[Hit]:
        """Nearest chunks, optionally only from articles published within [min_day, max_day] (day ordinals)."""
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

    def _bm25_index(self):
        """The BM25 index at the manifest's generation: loaded from disk, or rebuilt and saved when it lags."""
        import bm25s

        generation = self.generation
        if self._bm25_generation == generation:
            return self._bm25
        bm25_dir = self.dir / "bm25"
        stamp = bm25_dir / "generation.json"
        try:
            saved = json.loads(stamp.read_text())
        except (OSError, ValueError):
            saved = {}
        if saved.get("generation") == generation:
            self._bm25 = bm25s.BM25.load(str(bm25_dir)) if saved["ids"] else None
            self._bm25_ids = saved["ids"]
        else:
            rows = self.db.execute(
                'SELECT c.id, c.header, c.start, c."end", a.record FROM chunks c JOIN articles a ON a.id = c.article_id'
            ).fetchall()
            texts, ids, articles = [], [], {}
            for chunk_id, header, start, end, record in rows:
                text = articles.setdefault(record, Article.model_validate_json(record).text)
                ids.append(chunk_id)
                texts.append(f"{header}\n{text[start:end]}")
            tmp_dir = self.dir / "bm25.tmp"
            shutil.rmtree(tmp_dir, ignore_errors=True)
            tmp_dir.mkdir()
            self._bm25 = None
            if texts:
                self._bm25 = bm25s.BM25()
                self._bm25.index(bm25s.tokenize(texts, stopwords="en", show_progress=False), show_progress=False)
                self._bm25.save(str(tmp_dir))
            (tmp_dir / "generation.json").write_text(json.dumps({"generation": generation, "ids": ids}))
            shutil.rmtree(bm25_dir, ignore_errors=True)
            tmp_dir.rename(bm25_dir)
            self._bm25_ids = ids
        self._bm25_generation = generation
        return self._bm25

    def refresh_derived(self) -> None:
        """Bring what is derived from the manifest up to date: the BM25 index and the duplicate marks."""
        self._bm25_index()
        self._mark_duplicates()

    def _mark_duplicates(self) -> None:
        from index.dedupe import find_duplicates

        if self._meta("duplicates_generation") == str(self.generation):
            return

        rows = self.db.execute(
            "SELECT id, signature, duplicate_of FROM articles WHERE signature IS NOT NULL "
            "ORDER BY CASE WHEN published_day < 0 THEN 1 ELSE 0 END, published_day, ingested_at, id"
        ).fetchall()
        found = find_duplicates([(aid, blob) for aid, blob, _ in rows])
        changed = [(found.get(aid), aid) for aid, _, old in rows if found.get(aid) != old]
        with self.db:
            self.db.executemany("UPDATE articles SET duplicate_of = ? WHERE id = ?", changed)
            self._set_meta("duplicates_generation", str(self.generation))

    def lexical_search(self, query: str, n: int) -> list[Hit]:
        import bm25s

        index = self._bm25_index()
        if index is None:
            return []
        tokens = bm25s.tokenize([query], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        docs, scores = index.retrieve(tokens, k=min(n, len(self._bm25_ids)), show_progress=False)
        return [Hit(self._bm25_ids[d], float(s)) for d, s in zip(docs[0], scores[0]) if s > 0]


def open_store(settings) -> Store:
    return Store(settings.index_dir, settings.embed_model, settings.chroma_url)
