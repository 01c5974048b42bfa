"""Reading what a text states: Dateline's own parsing, no model."""

import pytest

from index.lexicon import DURATION_UNITS, LENGTH_UNITS, MASS_UNITS, MONEY_UNITS
from rag.facts import facts_of, measured_numbers


@pytest.mark.parametrize("text, units, numbers", [
    ("The probe, which weighs 1,140 kilograms, separated 52 minutes after lift-off.", MASS_UNITS, {"1140"}),
    ("The probe, which weighs 1,140 kilograms, separated 52 minutes after lift-off.", DURATION_UNITS, {"52"}),
    ("Kim ended a six-day trip to Russia's Far East.", DURATION_UNITS, {"6"}),
    ("The mirror is 9.2 metres across and is made of 61 hexagonal segments.", LENGTH_UNITS, {"9.2"}),
    ("Novak had 35.1% and Asplund 38.4 per cent of 71,400 postal votes.", frozenset("%"), {"35.1", "38.4"}),
    ("The bridge cost 4.2 million euros.", LENGTH_UNITS, set()),
    ("The bridge cost 4.2 million euros, up from $3 billion.", MONEY_UNITS, {"4.2", "3"}),
])
def test_the_numbers_a_text_gives_in_the_units_asked(text, units, numbers):
    assert measured_numbers(text, units) == numbers


@pytest.mark.parametrize("text, counts", [
    ("A fire broke out at about 10.50pm on Sunday, 1 March 2026.", set()),
    ("The quake hit at 03:42 local time, killing 41 people.", {"41"}),
    ("Eleven workers were taken to hospital at around 1.30 am.", {"11"}),
])
def test_a_time_of_day_counts_nothing(text, counts):
    facts = facts_of(text)
    assert facts.numbers - facts.date_numbers == counts
