"""Dated events found at ingest: each dated sentence gets its event's own date, not the article's."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from index.events import date_mentions, dated_events, event_label, last_day
from index.records import Article

REUTERS_SEED_DAY = date(2024, 1, 21)


def _article(text, published=REUTERS_SEED_DAY):
    return Article(id="a.txt", title="t", text=text, published=published)


def _events(text, published=REUTERS_SEED_DAY):
    article = _article(text, published)
    return [(event_label(e), article.text[e.start:e.end]) for e in dated_events(article)]


def test_an_older_event_an_article_reports_gets_its_own_date():
    text = ("After taking over from Boris Yeltsin in 1999, Putin visited Pyongyang in July 2000 for a meeting.\n"
            "The Russian president accepted Kim's invite when they met in Russia for a summit in September.\n"
            "Kremlin spokesman Dmitry Peskov said on Monday that a visit would take place soon.")
    assert [label for label, _ in _events(text)] == ["July 2000", "September 2023", "15 Jan 2024"]


def test_a_sentence_without_a_date_of_its_own_is_no_event():
    assert _events("The two countries have grown closer as the war in Ukraine goes on, officials say.") == []


def test_of_two_days_the_one_written_out_dates_the_event():
    text = "The toll has risen to 26, up from 14 on Friday, the service said on Monday, 15 September 2025."
    assert [label for label, _ in _events(text, date(2025, 9, 15))] == ["15 Sep 2025"]


def test_of_two_days_the_one_of_the_sentences_own_news_dates_the_event():
    text = ("Kelmora's electoral commission certified the result of the first round on Monday, confirming a runoff "
            "on Sunday, 18 May.\n"
            "After talks on Monday, 5 May, the two sides signed the agreement on Tuesday.")
    assert [label for label, _ in _events(text, date(2025, 5, 6))] == ["5 May 2025", "6 May 2025"]


def test_approximate_dates_say_so_and_future_ones_keep_their_year():
    text = ("The parliament is expected to vote in September on the treaty that both sides agreed.\n"
            "Work on the dam began in mid-June 2024 and is due to finish in early 2026 at the latest.")
    assert [label for label, _ in _events(text, date(2025, 7, 4))] == ["September 2025", "mid-June 2024"]


def test_a_day_without_its_year_is_the_one_nearest_the_article():
    (mention,) = date_mentions("The summit is set for 18 June.", date(2024, 1, 21))
    assert mention.day == date(2024, 6, 18) and mention.precision == "day"
    (mention,) = date_mentions("The summit was held on 18 December.", date(2024, 1, 21))
    assert mention.day == date(2023, 12, 18)


def test_datelines_are_not_events():
    assert _events("Published 21 Jan 2024, 06:57 AM") == []


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_a_written_out_date_is_read_back_exactly(day):
    sentence = f"The agreement between the two ministries was signed on {day.day} {day:%B %Y} in the capital."
    (event,) = dated_events(_article(sentence))
    assert (event.day, event.precision, last_day(event.day, event.precision)) == (day, "day", day)


def test_a_date_inside_a_quotation_dates_no_event():
    text = ('"Eleven thousand people want to know if they still have a job next year," the organiser said.\n'
            'The union said on Monday, 3 November 2025, that it would strike.')
    assert [label for label, _ in _events(text, date(2025, 11, 4))] == ["3 Nov 2025"]
