"""orchestrator.results.stats: the figures a results table rests on, checked against independent
computations (Python's statistics module, printed Student t tables) and pyperf's rules, each
applied to the unit pyperf applies it to: spread and outliers within a run (per-iteration
times), the 1 %-precision rule between runs (the means of `--repeats N` jobs); and Welch's test
of one framework against another, with every number worked out by hand here."""
import math
import statistics

import pytest
from hypothesis import given, settings, strategies as st

from orchestrator.results import stats

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
    assert one.warnings == ["only one of the iterations was measured: no spread can be computed"]


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


def test_within_one_run_the_precision_rule_does_not_apply():
    # 50 measured iterations of one process, spread 2 %: its iterations are not independent
    # runs, so pyperf (one process) gives no precision warning and neither do we
    run = [0.98, 1.02] * 25
    assert stats.instability(run) == []
    assert not stats.summarize(run).unstable


def test_too_few_repeats_for_one_percent_precision_says_how_many_would_do():
    r = stats.over_repeats([0.30, 0.32, 0.31])
    # mean 0.31, stdev 0.01; t(0.975, 2) = 4.303: half-width 4.303 * 0.01 / sqrt(3) = 0.02484,
    # 8.0 % of the mean
    assert r.n_repeats == 3
    assert r.mean == pytest.approx(0.31)
    assert r.stdev == pytest.approx(0.01)
    assert r.spread_pct == pytest.approx(0.02 / 0.31 * 100)
    assert r.ci95_high - r.mean == pytest.approx(4.303 * 0.01 / math.sqrt(3), rel=1e-3)
    # 1 % of 0.31 is 0.0031: n = 42 gives t(41) * 0.01 / sqrt(42) = 2.0195 * 0.01 / 6.4807
    # = 0.003116 (too wide), n = 43 gives 2.0181 * 0.01 / 6.5574 = 0.003078 (within)
    assert 2.0195 * 0.01 / math.sqrt(42) > 0.0031 > 2.0181 * 0.01 / math.sqrt(43)
    assert r.warnings == ["too few repeats (n=3) for the spread between them: the 95% CI is "
                          "+-8.0% of the mean (> 1%); about 43 needed"]
    assert stats.needed_for_precision(0.31, 0.01) == 43


def test_repeats_within_one_percent_are_stable():
    r = stats.over_repeats([1.000, 1.002, 0.998, 1.001, 0.999])
    # stdev sqrt(10e-6 / 4) = 0.0015811; half-width 2.776 * 0.0015811 / sqrt(5) = 0.00196
    assert r.stdev == pytest.approx(0.0015811, rel=1e-4)
    assert r.ci95_high - r.mean == pytest.approx(0.00196, rel=1e-2)
    assert r.warnings == []
    assert stats.over_repeats([0.3]).warnings == []


def test_repeats_that_spread_are_flagged_by_the_stdev_rule():
    bad = stats.over_repeats([0.30, 0.50])
    assert bad.unstable and bad.warnings[0].startswith("the standard deviation (0.1414) is 35%")


def test_welch_significant_difference_worked_by_hand():
    faster, slower = stats.Sample(5, 0.30, 0.01), stats.Sample(5, 0.32, 0.01)
    w = stats.welch(faster, slower)
    # t = 0.02 / sqrt(0.01^2/5 + 0.01^2/5) = 0.02 / 0.0063246 = 3.1623; equal sizes and
    # spreads: df = 8; t(0.975, 8) = 2.306 < 3.1623, and 0.01 < p < 0.02 (t(0.995, 8) = 3.355)
    assert w.t == pytest.approx(3.1623, abs=1e-4)
    assert w.df == pytest.approx(8.0)
    assert 0.01 < w.p < 0.02 and w.significant
    assert w.describe().startswith("significant (Welch t=3.16, df=8.0")


def test_welch_not_significant_within_noise():
    w = stats.welch(stats.Sample(5, 0.30, 0.02), stats.Sample(5, 0.31, 0.02))
    # t = 0.01 / sqrt(2 * 0.0004 / 5) = 0.7906 < t(0.975, 8) = 2.306
    assert w.t == pytest.approx(0.7906, abs=1e-4) and not w.significant and w.p > 0.4


def test_welch_degrees_of_freedom_for_unequal_spreads():
    w = stats.welch(stats.Sample(10, 1.0, 0.1), stats.Sample(4, 1.2, 0.3))
    # se^2: 0.01/10 = 0.001 and 0.09/4 = 0.0225; t = 0.2 / sqrt(0.0235) = 1.3047;
    # df = 0.0235^2 / (0.001^2/9 + 0.0225^2/3) = 0.00055225 / 0.00016886 = 3.2705
    assert w.t == pytest.approx(1.3047, abs=1e-4)
    assert w.df == pytest.approx(3.2705, abs=1e-3)
    assert not w.significant                       # t(0.975, 3.27) is about 3.0


def test_welch_needs_a_spread_on_both_sides():
    assert stats.welch(stats.Sample(1, 0.3, 0.0), stats.Sample(5, 0.4, 0.01)) is None
    same = stats.welch(stats.Sample(3, 0.3, 0.0), stats.Sample(3, 0.3, 0.0))
    assert not same.significant
    assert stats.welch(stats.Sample(3, 0.3, 0.0), stats.Sample(3, 0.4, 0.0)).significant


def test_pooled_samples_equal_the_sample_of_all_values():
    pooled = stats.pool([stats.Sample.of([1, 2, 3]), stats.Sample.of([4, 5])])
    whole = stats.Sample.of([1, 2, 3, 4, 5])
    assert pooled.n == 5 and pooled.mean == pytest.approx(3.0)
    assert pooled.stdev == pytest.approx(whole.stdev) == pytest.approx(math.sqrt(2.5))


def test_interval_of_a_sum_of_stage_means():
    one = stats.sum_interval([stats.Sample(5, 3.0, math.sqrt(2.5))])
    assert one == pytest.approx(stats.confidence_interval([1, 2, 3, 4, 5]))
    # TEM + PEM, 5 values each, stdev 0.01 each: se^2 = 2 * 0.0001/5, df = 8
    low, high = stats.sum_interval([stats.Sample(5, 0.1, 0.01), stats.Sample(5, 0.2, 0.01)])
    assert (high - low) / 2 == pytest.approx(2.306 * math.sqrt(0.00004), rel=1e-3)


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
