"""Load: files and directories -> RawDocument records, one loader per file type (a registry, not an if-chain)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes


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


Loader = Callable[[Path, bytes], list[RawDocument]]
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
def load_text(path: Path, data: bytes) -> list[RawDocument]:
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
def load_html(path: Path, data: bytes) -> list[RawDocument]:
    return [_html_document(decode_text(path, data), path.name, path, str(path))]


FETCH_TIMEOUT_S = 20
MAX_PAGE_BYTES = 20_000_000


def _fetch(url: str, where: str) -> bytes:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "Dateline (news article indexer)"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:
            data = response.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise LoadError(f"{where}: {url} answered HTTP {exc.code} ({exc.reason})") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LoadError(
            f"{where}: cannot fetch {url} ({reason}): no network here? Save the page as .html and ingest that"
        ) from None
    if len(data) > MAX_PAGE_BYTES:
        raise LoadError(f"{where}: {url} is over {MAX_PAGE_BYTES / 1e6:.0f} MB")
    return data


@register_loader(".urls")
def load_url_list(path: Path, data: bytes) -> list[RawDocument]:
    """A list of article URLs, one per line (`#` comments allowed); each page is fetched and read like .html."""
    documents = []
    for number, line in enumerate(decode_text(path, data).splitlines(), start=1):
        url = line.strip()
        if not url or url.startswith("#"):
            continue
        where = f"{path}:{number}"
        if not url.startswith(("http://", "https://")):
            raise LoadError(f"{where}: {url!r} is not an http(s) URL")
        html = decode_text(Path(where), _fetch(url, where))
        documents.append(_html_document(html, url, path, where, url=url))
    return documents


@register_loader(".pdf")
def load_pdf(path: Path, data: bytes) -> list[RawDocument]:
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
def load_jsonl(path: Path, data: bytes) -> list[RawDocument]:
    return [_record_to_document(path, record, f":{number}")
            for number, record in json_lines(decode_text(path, data).splitlines(), path, LoadError)]


@register_loader(".json")
def load_json(path: Path, data: bytes) -> list[RawDocument]:
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


def load_file(path: Path, max_bytes: int) -> list[RawDocument]:
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
    return loader(path, data)
