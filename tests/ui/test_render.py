from datetime import date

from rag.records import Answer, AnswerSentence, Citation
from ui.render import answer_to_markdown

INJECTED = "<img src=x onerror=alert(1)><script>alert(2)</script>"


def test_article_and_model_text_are_escaped_and_unverified_marked():
    answer = Answer(
        question="q",
        answer="x",
        sentences=[AnswerSentence(text=f"Putin went {INJECTED}.", citations=[1], verified=True),
                   AnswerSentence(text="Unsupported claim.", citations=[], verified=False)],
        citations=[Citation(n=1, source="a.md", title=INJECTED, outlet="Wire", published=date(2024, 6, 19),
                            start=0, end=10, text=INJECTED)],
    )
    rendered = answer_to_markdown(answer)
    assert "<script>" not in rendered and "<img" not in rendered
    assert "&lt;script&gt;" in rendered
    assert "(unverified)" in rendered and "[1]" in rendered


def test_abstention_is_styled_as_such():
    rendered = answer_to_markdown(Answer(question="q", answer="The articles here don't say.", abstained=True))
    assert rendered == "<em>The articles here don&#x27;t say.</em>"


def test_as_of_note_is_shown_before_the_sentences():
    answer = Answer(question="q", answer="x", note="As of the newest article here (19 Jun 2024):",
                    sentences=[AnswerSentence(text="Putin went in June 2024.", citations=[1], verified=True)])
    rendered = answer_to_markdown(answer)
    assert rendered.startswith("As of the newest article here (19 Jun 2024): Putin went in June 2024 [1].")
