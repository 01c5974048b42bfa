"""A real HTTP server on 127.0.0.1 for feed and page tests: articles and feeds that change between rounds."""

import threading
from datetime import datetime, timezone
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DAY = datetime(2025, 3, 18, 9, 0, tzinfo=timezone.utc)
PARAGRAPH = ("{topic} was the subject of a long report published by the regional council on {day}. Officials said the "
             "plan would take several years, cost more than first expected and need the approval of three ministries "
             "before any work could begin on the site near the river.")


def page(topic: str) -> bytes:
    body = "".join(f"<p>{PARAGRAPH.format(topic=topic, day=day)}</p>" for day in ("Monday", "Tuesday", "Friday"))
    return (f"<html><head><title>{topic}</title></head><body><article><h1>{topic}</h1>{body}</article></body>"
            "</html>").encode()


def feed(base: str, entries: list[tuple[str, datetime]]) -> bytes:
    items = "".join(f"<item><title>{name}</title><link>{base}/{name}.html</link>"
                    f"<pubDate>{format_datetime(day)}</pubDate></item>" for name, day in entries)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()


class Site:
    """What the server serves (path -> bytes, or a list of versions served one per request), with an ETag per
    version, and a log of (path, status) for every request."""

    def __init__(self):
        self.files: dict[str, bytes | list[bytes]] = {}
        self.requests: list[tuple[str, int]] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                data = site.files.get(self.path)
                if isinstance(data, list):  # versions: each request gets the next, the last one stays
                    data = data.pop(0) if len(data) > 1 else data[0]
                etag = f'"{hash(data)}"'
                status = 404 if data is None else 304 if self.headers.get("If-None-Match") == etag else 200
                site.requests.append((self.path, status))
                self.send_response(status)
                if data is not None:
                    self.send_header("ETag", etag)
                self.end_headers()
                if status == 200:
                    self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def statuses(self, path: str) -> list[int]:
        return [status for requested, status in self.requests if requested == path]
