from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from index.dates import relative_dates

SUNDAY = date(2024, 1, 21)  # the Reuters seed's publication day


def _labels(text, published):
    return {text[r.start:r.end]: r.label for r in relative_dates(text, published)}


def test_relative_dates_are_read_against_the_publication_date():
    text = ("KCNA reported on Sunday that Kim, who visited the Russian Far East last September, met envoys yesterday; "
            "talks resume next March, and the plan dates from last year. Budgets were cut in May 2023.")
    assert _labels(text, SUNDAY) == {
        "on Sunday": "21 January 2024", "last September": "September 2023", "yesterday": "20 January 2024",
        "next March": "March 2024", "last year": "2023",
    }
    assert relative_dates(text, None) == []  # an undated article has nothing to read them against


def test_weekdays_and_months_in_a_midweek_june_paper():
    wednesday = date(2024, 6, 19)
    assert _labels("He arrived on Monday and leaves on Wednesday; last Wednesday he was in Moscow.", wednesday) == {
        "on Monday": "17 June 2024", "on Wednesday": "19 June 2024", "last Wednesday": "12 June 2024"}
    assert _labels("Trade grew in June and fell in July; last June it fell.", wednesday) == {
        "in June": "June 2024", "in July": "July 2023", "last June": "June 2023"}


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_a_past_weekday_is_within_the_week_before_publication(published):
    (found,) = relative_dates("It happened on Friday.", published)
    day = datetime.strptime(found.label, "%d %B %Y").date()
    assert day.weekday() == 4 and 0 <= (published - day).days < 7


def test_a_relative_date_the_article_spells_out_is_left_alone():
    assert _labels("The Kremlin said on Monday, 17 June 2024, that Putin would travel.", date(2024, 6, 17)) == {}


def test_a_weekday_its_sentence_says_will_come_is_the_next_one_after_publication():
    tuesday = date(2026, 6, 2)
    text = ("Talks ended without an agreement on Tuesday, and a 72-hour strike will begin at 6am on Monday, the union "
            "said. The union voted on Friday.")
    assert _labels(text, tuesday) == {"on Tuesday": "2 June 2026", "on Monday": "8 June 2026",
                                      "on Friday": "29 May 2026"}
    assert _labels("The vote is due to take place on Tuesday.", tuesday) == {"on Tuesday": "9 June 2026"}
    assert _labels("Forecasters expect rain on Thursday.", tuesday) == {"on Thursday": "4 June 2026"}


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)))
def test_a_future_weekday_is_within_the_week_after_publication(published):
    (found,) = relative_dates("The strike will start on Friday.", published)
    day = datetime.strptime(found.label, "%d %B %Y").date()
    assert day.weekday() == 4 and 0 < (day - published).days <= 7
