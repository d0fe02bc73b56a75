"""orchestrator.stats: the figures a results table rests on, checked against independent
computations (Python's statistics module, printed Student t tables) and pyperf's rules."""
import math
import statistics

import pytest
from hypothesis import given, settings, strategies as st

from orchestrator import stats

# Two-sided 95 % critical values of Student's t, as printed in every statistics textbook.
T_TABLE_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 9: 2.262, 10: 2.228,
               20: 2.086, 30: 2.042, 60: 2.000, 120: 1.980}


@pytest.mark.parametrize("df,expected", sorted(T_TABLE_975.items()))
def test_t_quantile_matches_printed_tables(df, expected):
    assert stats.t_quantile(0.975, df) == pytest.approx(expected, abs=5e-4)


def test_t_quantile_tends_to_the_normal_quantile_and_is_symmetric():
    assert stats.t_quantile(0.975, 1e7) == pytest.approx(statistics.NormalDist().inv_cdf(0.975),
                                                         abs=1e-5)
    assert stats.t_quantile(0.025, 7) == pytest.approx(-stats.t_quantile(0.975, 7))
    assert stats.t_quantile(0.995, 10) == pytest.approx(3.169, abs=5e-4)


def test_summary_of_a_small_sample():
    s = stats.summarize([1, 2, 3, 4, 5])
    assert (s.n, s.mean, s.median, s.minimum, s.maximum) == (5, 3, 3, 1, 5)
    assert s.stdev == pytest.approx(math.sqrt(2.5))
    half = 2.776445 * math.sqrt(2.5) / math.sqrt(5)
    assert s.ci95_low == pytest.approx(3 - half, abs=1e-5)
    assert s.ci95_high == pytest.approx(3 + half, abs=1e-5)


def test_empty_and_single_samples_have_no_spread_and_are_flagged():
    empty = stats.summarize([])
    assert empty.n == 0 and empty.mean is None and empty.unstable
    one = stats.summarize([0.3])
    assert one.mean == 0.3 and one.stdev is None and one.ci95_low is None
    assert one.unstable and "too few" in one.warnings[0]


def test_non_finite_values_are_left_out():
    s = stats.summarize([1.0, float("nan"), 3.0, float("inf")])
    assert s.n == 2 and s.mean == 2.0


def test_stdev_of_ten_percent_of_the_mean_is_unstable():
    # mean 1, sample stdev sqrt(0.02) = 14 % of the mean
    warnings = stats.instability([0.9, 1.1])
    assert any("standard deviation" in w and "14%" in w for w in warnings)


def test_an_outlier_fifty_percent_above_the_mean_is_unstable_even_with_a_small_stdev():
    values = [1.0] * 1000 + [1.6]
    m = statistics.fmean(values)
    assert statistics.stdev(values) < 0.1 * m          # the stdev rule alone would pass it
    warnings = stats.instability(values)
    assert len(warnings) == 1 and warnings[0].startswith("the maximum (1.6) is 60% greater")


def test_an_outlier_half_the_mean_is_unstable():
    values = [1.0] * 1000 + [0.45]
    assert any(w.startswith("the minimum (0.45) is 55% smaller") for w in stats.instability(values))


def test_too_few_samples_for_the_spread():
    few = [0.98, 1.02] * 3                       # cv 2 %, 6 samples: CI +-2.3 % of the mean
    warnings = stats.instability(few)
    assert len(warnings) == 1 and warnings[0].startswith("too few samples (n=6)")
    many = [0.98, 1.02] * 500                    # 1000 samples: CI +-0.12 %
    assert stats.instability(many) == []


def test_mean_over_repeats_and_spread_between_them():
    r = stats.over_repeats([0.30, 0.32, 0.31])
    assert r.n_repeats == 3
    assert r.mean == pytest.approx(0.31)
    assert r.stdev == pytest.approx(statistics.stdev([0.30, 0.32, 0.31]))
    assert r.spread_pct == pytest.approx(0.02 / 0.31 * 100)
    assert not r.unstable
    bad = stats.over_repeats([0.30, 0.50])
    assert bad.unstable and "standard deviation" in bad.warnings[0]
    assert stats.over_repeats([0.3]).warnings == []


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=1e-3, max_value=10.0), min_size=2, max_size=200))
def test_summary_agrees_with_the_statistics_module(values):
    s = stats.summarize(values)
    assert s.mean == pytest.approx(statistics.fmean(values), rel=1e-12)
    assert s.median == pytest.approx(statistics.median(values), rel=1e-12)
    assert s.stdev == pytest.approx(statistics.stdev(values), rel=1e-9, abs=1e-12)
    assert s.ci95_low <= s.mean <= s.ci95_high
    half = stats.t_quantile(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))
    assert s.ci95_high - s.mean == pytest.approx(half, rel=1e-6, abs=1e-12)
