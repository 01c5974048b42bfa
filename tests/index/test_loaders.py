import json

import pytest

from index.loaders import LoadError, iter_files, load_file
from tests.conftest import SAMPLE, free_port

LIMIT = 10**7
BODY = "The summit took place in the far east of Russia and lasted several hours. " * 5


def test_jsonl_records_use_their_id_and_metadata_fields(tmp_path):
    path = tmp_path / "feed.jsonl"
    record = {"id": "r-1", "headline": "A headline", "content": BODY, "publish_date": "2024-06-19", "site": "Wire"}
    path.write_text(json.dumps(record) + "\n\n")
    (document,) = load_file(path, LIMIT)
    assert document.id == "r-1"
    assert document.hints == {"title": "A headline", "published": "2024-06-19", "outlet": "Wire"}
    assert document.text.startswith("A headline\n\n")


def test_malformed_jsonl_names_the_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "ok", "text": BODY}) + "\n{not json\n")
    with pytest.raises(LoadError, match=r"feed.jsonl:2: malformed JSON"):
        load_file(path, LIMIT)


def test_json_record_without_text_is_refused(tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"id": "x", "title": "no body"}))
    with pytest.raises(LoadError, match="has no text"):
        load_file(path, LIMIT)


def test_html_sample_page_yields_text_and_page_metadata():
    (document,) = load_file(SAMPLE / "2024-06-21-seoul-reaction.html", LIMIT)
    assert document.hints["outlet"] == "Capital Dispatch"
    assert document.hints["published"] == "2024-06-21"
    assert "summoned Russia's ambassador" in document.text
    assert "Markets slide" not in document.text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"   \n", "file is empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "binary file"),
        ("photo.png", b"\x89PNG", "unsupported file type"),
    ],
)
def test_bad_files_get_a_one_line_reason(tmp_path, name, data, reason):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LoadError, match=reason) as caught:
        load_file(path, LIMIT)
    assert "\n" not in str(caught.value) and name in str(caught.value)


def test_latin1_file_falls_back_to_detected_encoding(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(("Les négociations à Pyongyang ont duré deux jours. " * 5).encode("latin-1"))
    (document,) = load_file(path, LIMIT)
    assert "négociations à Pyongyang" in document.text


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("x" * 2000)
    with pytest.raises(LoadError, match="over the"):
        load_file(path, 1000)


def test_directories_are_walked_recursively_and_missing_paths_named(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.md").write_text(BODY)
    (tmp_path / "top.txt").write_text(BODY)
    assert sorted(p.name for p in iter_files([tmp_path])) == ["deep.md", "top.txt"]
    with pytest.raises(LoadError, match="no such file"):
        list(iter_files([tmp_path / "nope"]))


def _pdf_with_text(lines: list[str]) -> bytes:
    """A minimal, valid one-page PDF whose page draws `lines` in Helvetica (built by hand: no PDF writer here)."""
    stream = "BT /F1 11 Tf 50 750 Td 14 TL " + " ".join(f"({line}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = "%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_text_is_extracted(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(_pdf_with_text(["Putin arrived in Pyongyang on 19 June 2024.", "The visit lasted a day."]))
    (document,) = load_file(path, LIMIT)
    assert document.id == "report.pdf" and document.kind == "pdf"
    assert "Putin arrived in Pyongyang on 19 June 2024." in document.text


def test_broken_pdf_is_a_one_line_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nnot really a pdf")
    with pytest.raises(LoadError, match="broken.pdf") as caught:
        load_file(path, LIMIT)
    assert "\n" not in str(caught.value)


@pytest.fixture
def sample_site():
    """A real HTTP server on 127.0.0.1 serving the sample corpus; yields its base URL."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SAMPLE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_list_fetches_each_page_over_http(tmp_path, sample_site):
    url = f"{sample_site}/2024-06-21-seoul-reaction.html"
    path = tmp_path / "reading.urls"
    path.write_text(f"# pages to index\n\n{url}\n")
    (document,) = load_file(path, LIMIT)
    assert document.id == url
    assert document.hints["url"] == "https://capitaldispatch.example/2024/06/21/seoul-reaction"  # its canonical URL
    assert document.hints["outlet"] == "Capital Dispatch"
    assert "summoned Russia's ambassador" in document.text


def test_url_list_names_the_line_of_a_missing_page(tmp_path, sample_site):
    path = tmp_path / "reading.urls"
    path.write_text(f"{sample_site}/2024-06-21-seoul-reaction.html\n{sample_site}/gone.html\n")
    with pytest.raises(LoadError, match=r"reading.urls:2: .*/gone.html answered HTTP 404"):
        load_file(path, LIMIT)


def test_url_list_without_a_network_says_so(tmp_path):
    path = tmp_path / "reading.urls"  # a port nothing listens on: the connection is refused, as offline
    path.write_text(f"http://127.0.0.1:{free_port()}/story.html\nnot-a-url\n")
    with pytest.raises(LoadError, match=r"reading.urls:1: cannot fetch .*no network here\?"):
        load_file(path, LIMIT)
    path.write_text("ftp://example.org/story\n")
    with pytest.raises(LoadError, match=r"reading.urls:1: 'ftp://example.org/story' is not an http\(s\) URL"):
        load_file(path, LIMIT)
