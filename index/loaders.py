"""Load: files and directories -> RawDocument records, one loader per file type (a registry, not an if-chain)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from index.web import FetchError, Web


@dataclass
class RawDocument:
    """One article as read from disk, before cleaning. `hints` carries metadata the format itself provides."""

    id: str
    path: Path
    text: str
    kind: str
    hints: dict[str, str] = field(default_factory=dict)


class LoadError(Exception):
    """A file that cannot be read as articles; the message names the file and the reason."""


# (the file, its bytes, the web for the loaders that fetch pages) -> its articles
Loader = Callable[[Path, bytes, Web], list[RawDocument]]
LOADERS: dict[str, Loader] = {}


def register_loader(*suffixes: str) -> Callable[[Loader], Loader]:
    def decorate(loader: Loader) -> Loader:
        for suffix in suffixes:
            LOADERS[suffix] = loader
        return loader

    return decorate


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8, else the encoding charset-normalizer detects; binary files are refused."""
    if not data.strip():
        raise LoadError(f"{path}: file is empty")
    if b"\x00" in data[:8192]:
        raise LoadError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        matches = list(from_bytes(data))
        if not matches:
            raise LoadError(f"{path}: not valid text in any known encoding") from None
        # Among equally clean decodings, Windows-1252 is by far the most common for Western news pages.
        cleanest = [m for m in matches if m.chaos == matches[0].chaos]
        chosen = next((m for m in cleanest if m.encoding == "cp1252"), cleanest[0])
        return str(chosen)


@register_loader(".txt", ".md", ".markdown")
def load_text(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    return [RawDocument(id=path.name, path=path, text=decode_text(path, data), kind="text")]


def _html_document(html: str, doc_id: str, path: Path, where: str, url: str | None = None) -> RawDocument:
    """Main text and metadata of a news page (trafilatura; the date comes from htmldate inside it)."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )
    if extracted is None or not (extracted.text or "").strip():
        raise LoadError(f"{where}: no article text found in the HTML")
    hints = {
        "title": extracted.title,
        "author": extracted.author,
        "outlet": extracted.sitename,
        "url": extracted.url or url,
        "published": extracted.date,
    }
    body = extracted.text
    if extracted.title and not body.startswith(extracted.title):
        body = f"{extracted.title}\n\n{body}"
    return RawDocument(id=doc_id, path=path, text=body, kind="html", hints={k: v for k, v in hints.items() if v})


@register_loader(".html", ".htm")
def load_html(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    return [_html_document(decode_text(path, data), path.name, path, str(path))]


def _listed_urls(path: Path, data: bytes) -> Iterator[tuple[str, str]]:
    """(where, url) for each line of a URL list (`#` comments and blank lines skipped)."""
    for number, line in enumerate(decode_text(path, data).splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"{path}:{number}"
        if not url.startswith(("http://", "https://")):
            raise LoadError(f"{where}: {url!r} is not an http(s) URL")
        yield where, url


def _page(web: Web, url: str, path: Path, where: str, hints: dict[str, str] | None = None) -> RawDocument | None:
    """The article at `url`, read like .html; None when the server says it is unchanged since it was indexed."""
    try:
        fetched = web.fetch(url, where, conditional=True)
    except FetchError as exc:
        raise LoadError(str(exc)) from None
    if fetched is None:
        web.unchanged_pages += 1
        return None
    document = _html_document(decode_text(Path(where), fetched.data), url, path, where, url=url)
    web.remember(fetched, False)
    document.hints.update(hints or {})
    return document


@register_loader(".urls")
def load_url_list(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    """A list of article URLs, one per line (`#` comments allowed); each page is fetched and read like .html."""
    pages = (_page(web, url, path, where) for where, url in _listed_urls(path, data))
    return [page for page in pages if page is not None]


def _feed_entries(path: Path, data: bytes, where: str, web: Web) -> list[RawDocument]:
    """Each entry's page, fetched and read like .html but dated by the entry. A page that fails is reported through
    `web.problem` and the other entries go on; raises only when the feed itself is unreadable."""
    import feedparser

    feed = feedparser.parse(data)
    if not feed.entries and (feed.bozo or not feed.version):
        raise LoadError(f"{where}: not an RSS or Atom feed ({feed.get('bozo_exception') or 'no entries'})")
    documents = []
    for number, entry in enumerate(feed.entries, start=1):
        link = entry.get("link")
        if not link or not link.startswith(("http://", "https://")):
            web.problem(f"{where}: entry {number} has no http(s) link")
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        hints = {"published": f"{stamp.tm_year:04d}-{stamp.tm_mon:02d}-{stamp.tm_mday:02d}"} if stamp else {}
        try:
            page = _page(web, link, path, f"{where} entry {number}", hints)
        except LoadError as exc:
            web.problem(str(exc))
            continue
        if page is not None:
            page.hints.setdefault("title", entry.get("title", ""))
            documents.append(page)
    return documents


@register_loader(".rss", ".atom")
def load_feed(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    """An RSS or Atom feed saved as a file: each entry's page is fetched (see `_feed_entries`)."""
    return _feed_entries(path, data, str(path), web)


@register_loader(".feeds")
def load_feed_list(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    """A list of feed URLs, one per line. A feed that fails is reported and the others go on; a feed the server
    says is unchanged is skipped, and a feed is remembered as read only when all of its entries were."""
    documents = []
    for where, url in _listed_urls(path, data):
        try:
            fetched = web.fetch(url, where, conditional=True)
        except FetchError as exc:
            web.problem(str(exc))
            continue
        if fetched is None:
            continue
        problems_before = web.problems
        try:
            documents += _feed_entries(path, fetched.data, where, web)
        except LoadError as exc:
            web.problem(str(exc))
            continue
        if web.problems == problems_before:
            web.remember(fetched, True)
    return documents


@register_loader(".pdf")
def load_pdf(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError) as exc:
        raise LoadError(f"{path}: malformed PDF ({exc})") from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise LoadError(f"{path}: the PDF has no extractable text (scanned pages need OCR first)")
    hints = {"title": (reader.metadata.title or "").strip(), "author": (reader.metadata.author or "").strip()} \
        if reader.metadata else {}
    return [RawDocument(id=path.name, path=path, text=text, kind="pdf", hints={k: v for k, v in hints.items() if v})]


_RECORD_FIELDS = {
    "text": ("text", "content", "body"),
    "title": ("title", "headline"),
    "url": ("url", "link"),
    "published": ("published", "date", "publish_date"),
    "outlet": ("source", "outlet", "site"),
    "author": ("author", "authors"),
}


def _record_to_document(path: Path, record: object, where: str) -> RawDocument:
    if not isinstance(record, dict):
        raise LoadError(f"{path}{where}: expected a JSON object with a text field")
    values: dict[str, str] = {}
    for name, keys in _RECORD_FIELDS.items():
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = ", ".join(str(item) for item in value)
            if value not in (None, ""):
                values[name] = str(value)
                break
    if "text" not in values:
        raise LoadError(f"{path}{where}: record has no text (expected one of text, content, body)")
    record_id = record.get("id")
    if record_id in (None, ""):
        raise LoadError(f"{path}{where}: record has no id")
    text = values.pop("text")
    title = values.get("title")
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return RawDocument(id=str(record_id), path=path, text=text, kind="json", hints=values)


def json_lines(lines: list[str], path: Path, error: type[Exception]) -> Iterator[tuple[int, object]]:
    """(line number, value) for each non-blank JSON Lines line; a malformed one raises `error` naming the line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise error(f"{path}:{number}: malformed JSON ({exc.msg})") from None
        yield number, value


@register_loader(".jsonl")
def load_jsonl(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    return [_record_to_document(path, record, f":{number}")
            for number, record in json_lines(decode_text(path, data).splitlines(), path, LoadError)]


@register_loader(".json")
def load_json(path: Path, data: bytes, web: Web) -> list[RawDocument]:
    try:
        parsed = json.loads(decode_text(path, data))
    except json.JSONDecodeError as exc:
        raise LoadError(f"{path}: malformed JSON at line {exc.lineno} ({exc.msg})") from None
    records = parsed if isinstance(parsed, list) else [parsed]
    return [_record_to_document(path, record, f" record {i}") for i, record in enumerate(records, start=1)]


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Every file under `paths` (directories recursively, symlink loops ignored), in a stable order."""
    for path in paths:
        if not path.exists():
            raise LoadError(f"{path}: no such file or directory")
        if path.is_dir():
            seen: set[Path] = set()
            for child in sorted(path.rglob("*")):
                resolved = child.resolve()
                if child.is_file() and resolved not in seen and not child.name.startswith("."):
                    seen.add(resolved)
                    yield child
        else:
            yield path


def load_file(path: Path, max_bytes: int, web: Web | None = None) -> list[RawDocument]:
    """The articles in one file; `web` fetches what a URL or feed list names (plain, unconditional by default)."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        known = " ".join(sorted(LOADERS))
        raise LoadError(f"{path}: unsupported file type {path.suffix or '(none)'!r} (supported: {known})")
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise LoadError(
                f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit (raise max_file_mb)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return loader(path, data, web or Web())
