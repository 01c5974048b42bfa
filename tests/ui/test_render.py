from datetime import date

from index.records import Article
from rag.records import Answer, AnswerSentence, Citation
from ui.render import answer_cards, answer_to_html, citation_cards, escape_text

INJECTED = "<img src=x onerror=alert(1)><script>alert(2)</script>[click](javascript:alert(3))"


def test_escaped_text_keeps_no_html_and_no_markdown():
    inert = escape_text(INJECTED + " **bold** `code` & 'quote'")
    assert not any(c in inert for c in "<>[]()*`'\"")
    assert "&#60;script&#62;" in inert and "&#38;" in inert


def test_article_and_model_text_are_escaped_links_point_at_cards_and_unverified_is_marked():
    answer = Answer(
        question="q",
        answer="x",
        sentences=[AnswerSentence(text=f"Putin went {INJECTED}.", citations=[1], verified=True),
                   AnswerSentence(text="Unsupported claim.", citations=[], verified=False)],
        citations=[Citation(n=1, source="a.md", title=INJECTED, outlet="Wire", published=date(2024, 6, 19),
                            start=0, end=10, text=INJECTED)],
    )
    rendered = answer_to_html(answer, turn=3)
    assert "<script>" not in rendered and "<img" not in rendered and "](javascript" not in rendered
    assert '<a class="dl-cite" href="#dl-src-3-1">[1]</a>.' in rendered
    assert 'class="dl-unverified"' in rendered and "(unverified)" in rendered


def test_citation_card_highlights_the_exact_span_with_its_context():
    text = "Headline\n\nFirst sentence here. Putin arrived on 19 June 2024. Last sentence."
    article = Article(id="a.md", title="Headline", text=text, outlet="Wire", published=date(2024, 6, 19))
    start = text.index("Putin")
    end = text.index("2024.") + 5
    citation = Citation(n=1, source="a.md", title="Headline", start=start, end=end, text=text[start:end])
    cards = citation_cards(2, "When?", [citation], {"a.md": article})
    assert 'id="dl-src-2-1"' in cards
    assert "First sentence here. <mark>Putin arrived on 19 June 2024.</mark> Last sentence." in cards
    assert "Wire · 19 Jun 2024" in cards


def test_abstention_is_styled_as_such_not_as_an_error():
    rendered = answer_to_html(Answer(question="q", answer="The articles here don't say.", abstained=True,
                                     reason="nothing relevant retrieved"), turn=1)
    assert rendered.startswith('<div class="dl-abstain">') and "dl-error" not in rendered
    assert "nothing relevant retrieved" in rendered


def test_as_of_note_is_shown_before_the_sentences():
    answer = Answer(question="q", answer="x", note="As of the newest article here (19 Jun 2024):",
                    sentences=[AnswerSentence(text="Putin went in June 2024.", citations=[1], verified=True)])
    rendered = answer_to_html(answer, turn=1)
    assert rendered.startswith('<span class="dl-note">As of the newest article here &#40;19 Jun 2024&#41;:</span> '
                               "Putin went in June 2024 <a")


def test_an_abstained_answer_shows_its_closest_passages_not_marked_as_cited():
    from datetime import date

    from index.records import Article
    from rag.records import Answer, Citation

    text = "Headline\n\nPyongyang is the capital. Putin arrived on 19 June 2024."
    article = Article(id="a.md", title="Headline", outlet="Post", published=date(2024, 6, 19), hash="0" * 64,
                      text=text)
    start = text.index("Pyongyang")
    closest = Citation(n=1, source="a.md", title="Headline", start=start, end=start + 25, text=text[start:start + 25])
    answer = Answer(question="How many?", answer="The articles here don't clearly state this.", abstained=True,
                    closest=[closest])
    cards = answer_cards(3, "How many?", answer, {"a.md": article})
    assert "Closest passages (not verified as an answer)" in cards and "Sources cited" not in cards
    assert "<mark>Pyongyang is the capital.</mark>" in cards and "dl-cited" not in cards
    cited = answer.model_copy(update={"abstained": False, "citations": [closest], "closest": []})
    assert "Sources cited" in answer_cards(3, "How many?", cited, {"a.md": article})


def test_a_timeline_renders_as_a_table_its_text_inert_in_the_page_and_the_terminal():
    from rich.console import Console

    from rag.records import TimelineItem
    from ui.render import answer_to_terminal

    text = f"Putin arrived on 19 June 2024 [bold]{INJECTED}[/bold]."
    answer = Answer(question="Timeline of the visits", answer="x", citations=[
        Citation(n=1, source="a.md", title="t", start=0, end=len(text), text=text)], timeline=[
        TimelineItem(date="19 Jun 2024", day=date(2024, 6, 19), precision="day", text=text, citations=[1]),
        TimelineItem(date="September 2024", day=date(2024, 9, 1), precision="month", text="A vote is due.",
                     citations=[1], planned=True)])
    rendered = answer_to_html(answer, turn=2)
    assert rendered.startswith('<table class="dl-timeline">') and rendered.count("<tr>") == 2
    assert '<td class="dl-tl-date">19 Jun 2024</td>' in rendered and "planned" in rendered
    assert '<a class="dl-cite" href="#dl-src-2-1">[1]</a>' in rendered and "<script>" not in rendered
    console = Console(record=True, width=200)
    console.print(answer_to_terminal(answer))
    shown = console.export_text()
    assert "[bold]" in shown and "19 Jun 2024" in shown and "(planned)" in shown  # article text is never markup


def test_a_translated_sentence_shows_the_english_sentence_it_was_checked_as():
    from rich.console import Console

    from ui.render import answer_to_terminal

    original = "Putin last visited Pyongyang in July 2000 <b>."
    answer = Answer(question="q", answer="x", sentences=[AnswerSentence(
        text="Poutine s'est rendu à Pyongyang en juillet 2000.", citations=[1], verified=True, original=original)])
    rendered = answer_to_html(answer, turn=1)
    assert rendered.startswith(f'<span class="dl-translated" title="Checked in English: {escape_text(original)}">')
    assert "juillet 2000 <a" in rendered and "<b>" not in rendered
    console = Console(width=200, record=True)
    console.print(answer_to_terminal(answer))
    assert f"Checked in English: {original}" in console.export_text()


def test_another_source_s_side_is_set_apart_inert_and_cited_in_the_page_and_the_terminal():
    from rich.console import Console

    from rag.records import Disagreement
    from ui.render import answer_to_terminal, disagreements_to_html, disagreements_to_terminal

    quote = f"The landslide killed 31 people {INJECTED}."
    answer = Answer(question="q", answer="x", sentences=[
        AnswerSentence(text="The landslide killed 23 people.", citations=[1], verified=True),
        AnswerSentence(text=f"Valley Times (14 Apr 2026) reports otherwise: “{quote}”", citations=[2],
                       verified=True, side="differs")])
    rendered = answer_to_html(answer, turn=2)
    assert '<span class="dl-side dl-side-differs">⚖️ Valley Times' in rendered
    assert '<a class="dl-cite" href="#dl-src-2-2">[2]</a></span>' in rendered and "<script>" not in rendered
    console = Console(width=300, record=True)
    console.print(answer_to_terminal(answer))
    assert "\n⚖️ Valley Times (14 Apr 2026) reports otherwise:" in console.export_text()
    sides = [Citation(n=n, source=f"{n}.md", title="t", outlet=outlet, published=date(2026, 4, 14), start=0, end=5,
                      text=text) for n, outlet, text in ((1, "Harbour Post", "killed 23"), (2, "Valley Times", quote))]
    listed = disagreements_to_html([Disagreement(kind="number", relation="differs", similarity=0.9, sides=sides)])
    assert "reported differently at the same time" in listed and "killed 23" in listed and "<script>" not in listed
    console = Console(width=300, record=True)
    console.print(disagreements_to_terminal("Tolvic", []))
    assert "do not report one figure or date with different values" in console.export_text()


def test_a_computed_difference_is_marked_as_computed_from_its_cited_values_in_the_page_and_the_terminal():
    from rich.console import Console

    from ui.render import COMPUTED, answer_to_terminal

    answer = Answer(question="q", answer="x", sentences=[
        AnswerSentence(text="58.3%.", citations=[1], verified=True),
        AnswerSentence(text="62.4%.", citations=[2], verified=True),
        AnswerSentence(text="That is a difference of 4.1 percentage points: 62.4% against 58.3%.", citations=[1, 2],
                       verified=True, computed=True)])
    rendered = answer_to_html(answer, turn=3)
    assert f'<span class="dl-computed" title="{COMPUTED}">That is a difference of 4.1' in rendered
    assert rendered.count('class="dl-computed"') == 1 and "dl-unverified" not in rendered
    console = Console(width=300, record=True)
    console.print(answer_to_terminal(answer))
    assert f"against 58.3% [1] [2]. ({COMPUTED})" in console.export_text()
