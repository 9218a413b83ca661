"""The one rule for every published rate: no small denominator, no hidden numerator."""

import pytest

from peersupport.reports.rates import rate, rate_or_mark, share


def test_a_rate_on_a_denominator_below_the_threshold_is_not_shown():
    assert rate(5, 10, 11) is None
    assert rate(5, 11, 11) == 45
    assert rate_or_mark(5, 10, 11) == "<11"
    assert rate_or_mark(0, 0, 11) == "<11"


def test_a_rate_whose_numerator_or_denominator_is_hidden_is_not_shown():
    assert rate(None, 500, 11) is None
    assert rate(3, None, 11) is None
    assert share(None, 500, 11) is None


def test_a_rate_is_a_whole_percent_rounded_half_up():
    assert rate(1, 8 * 5, 11) == 3  # 2.5
    assert rate(7, 40, 11) == 18  # 17.5
    assert rate(44, 56, 11) == 79


def test_nothing_short_of_all_reads_100_and_nothing_above_none_reads_0():
    assert rate(999, 1000, 11) == 99
    assert rate(1, 1000, 11) == 1
    assert rate(1000, 1000, 11) == 100
    assert rate(0, 1000, 11) == 0


def test_a_threshold_of_one_still_needs_a_denominator():
    assert rate(0, 0, 1) is None
    assert rate(1, 1, 1) == 100


def test_a_numerator_larger_than_its_denominator_is_a_mistake():
    with pytest.raises(ValueError):
        rate(12, 11, 11)
