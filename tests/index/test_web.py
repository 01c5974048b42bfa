"""Feeds and conditional fetching against a real local HTTP server whose feeds change between rounds; the real
pipeline, Chroma, MiniLM and manifest."""

from tests.local_site import DAY, feed, page


def test_feeds_are_read_entry_by_entry_and_only_what_changed_is_fetched_again(tmp_path, site, settings):
    from index.pipeline import ingest
    from index.store import open_store

    site.files = {"/a1.html": page("The northern bridge"), "/a2.html": page("The harbour tunnel"),
                  "/feed.xml": feed(site.base, [("a1", DAY), ("a2", DAY)])}
    feeds = tmp_path / "wires.feeds"
    feeds.write_text(f"# two wires\n{site.base}/feed.xml\n{site.base}/gone.xml\n")
    store = open_store(settings)

    first = ingest([feeds], store, settings)
    assert (first.added, first.failed) == (2, 1)
    assert any("gone.xml answered HTTP 404" in problem for problem in first.problems)
    assert str(store.article(f"{site.base}/a1.html").published) == "2025-03-18"  # dated by the entry

    site.files["/a3.html"] = page("The airport runway")
    site.files["/feed.xml"] = feed(site.base, [("a1", DAY), ("a2", DAY), ("a3", DAY)])
    second = ingest([feeds], store, settings)
    assert (second.added, second.unchanged, second.failed) == (1, 2, 1)
    assert site.statuses("/a1.html") == [200, 304] and site.statuses("/a2.html") == [200, 304]  # not downloaded
    assert site.statuses("/gone.xml") == [404, 404]  # the failed feed is tried again each round

    site.files["/gone.xml"] = feed(site.base, [("a4", DAY)])
    site.files["/a4.html"] = page("The city library")
    third = ingest([feeds], store, settings)
    assert (third.added, third.failed) == (1, 0)
    assert site.statuses("/feed.xml")[-1] == 304 and site.statuses("/a3.html") == [200]  # unchanged feed: no pages
    assert store.article_count() == 4


def test_a_feed_file_on_disk_and_a_page_that_fails_inside_it(tmp_path, site, settings):
    from index.pipeline import ingest
    from index.store import open_store

    site.files = {"/a1.html": page("The northern bridge")}
    saved = tmp_path / "wire.rss"
    saved.write_bytes(feed(site.base, [("a1", DAY), ("missing", DAY)]))
    summary = ingest([saved], open_store(settings), settings)
    assert (summary.added, summary.failed) == (1, 1)
    assert any("entry 2" in problem and "HTTP 404" in problem for problem in summary.problems)

    (tmp_path / "broken.rss").write_text("this is not a feed")
    summary = ingest([tmp_path / "broken.rss"], open_store(settings), settings)
    assert summary.failed == 1 and "not an RSS or Atom feed" in summary.problems[0]
