"""Honest timing statistics: summaries, confidence intervals, pyperf's instability rules, and
whether one framework is faster than another beyond noise.

A benchmark figure is a mean of iteration times; whether it can be published depends on how
the times spread. This module keeps that judgement apart from running and parsing (as pyperf
does): it takes plain lists of numbers and returns plain dataclasses, with no I/O. Means,
medians and standard deviations come from Python's ``statistics``; SciPy is not a dependency,
so the Student t distribution (for the 95 % confidence interval and the Welch test) is computed
here from the regularized incomplete beta function (checked against printed t tables).

pyperf's rules (``pyperf._cli.format_checks``), each applied to the unit pyperf applies it to:
  * within one run (one job), on its per-iteration times after the warm-up: the standard
    deviation is >= 10 % of the mean; the minimum or the maximum is >= 50 % away from the mean;
    fewer than 2 iterations (no spread at all);
  * between runs (``--repeats N``: each repeat a separate job, as pyperf's runs are separate
    processes), on the runs' means: the same two rules, and the precision rule ("not enough
    samples to get a stable result (95 % certainty of less than 1 % variation)"): the 95 %
    confidence interval of the mean of the runs is wider than +-1 % of it. Iterations of one
    process are not independent (they share caches, the allocator, the data loader), so
    pyperf never applies the precision rule to them, and neither does this module.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

import numpy as np

STDEV_LIMIT = 0.10        # std >= 10 % of the mean: unstable
OUTLIER_LIMIT = 0.50      # min or max >= 50 % away from the mean: unstable
PRECISION_TARGET = 0.01   # 95 % CI half-width of the mean of the runs within 1 % of it
CONFIDENCE = 0.95
MAX_NEEDED = 10_000       # "about N needed" is not searched beyond this


# --------------------------------------------------------------------------- t distribution

def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 400):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    lbt = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
           + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(lbt) * _betacf(a, b, x) / a
    return 1.0 - math.exp(lbt) * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if df <= 0:
        raise ValueError("degrees of freedom must be positive")
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (e.g. ``t_quantile(0.975, 4) == 2.776...``)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    if p == 0.5:
        return 0.0
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
        if hi > 1e12:
            return math.inf
    for _ in range(200):  # bisection: t_cdf is monotone; 200 halvings reach double precision
        mid = 0.5 * (lo + hi)
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * max(1.0, hi):
            break
    return 0.5 * (lo + hi)


def ci_half_width(stdev: float, n: int, confidence: float = CONFIDENCE) -> float:
    """Half-width of the t confidence interval of a mean of ``n`` values."""
    return t_quantile(0.5 + confidence / 2.0, n - 1) * stdev / math.sqrt(n)


def needed_for_precision(mean: float, stdev: float, target: float = PRECISION_TARGET,
                         confidence: float = CONFIDENCE) -> Optional[int]:
    """The smallest n whose t interval (same spread) is within +-``target`` of the mean: the
    same formula as the interval itself, so "about N needed" and the check never disagree.
    None beyond MAX_NEEDED."""
    if stdev == 0:
        return 2
    goal = target * mean
    z = statistics.NormalDist().inv_cdf(0.5 + confidence / 2.0)
    n = max(2, math.ceil((z * stdev / goal) ** 2))     # the normal guess is a lower bound
    while n <= MAX_NEEDED:
        if ci_half_width(stdev, n, confidence) <= goal:
            return n
        n += 1
    return None


# --------------------------------------------------------------------------- summaries

@dataclass(frozen=True)
class Summary:
    """Descriptive statistics of one sample of times (seconds per iteration)."""

    n: int
    mean: Optional[float]
    median: Optional[float]
    stdev: Optional[float]       # sample standard deviation (n - 1); None when n < 2
    minimum: Optional[float]
    maximum: Optional[float]
    ci95_low: Optional[float]    # t-distribution 95 % confidence interval of the mean
    ci95_high: Optional[float]
    warnings: List[str] = field(default_factory=list)

    @property
    def unstable(self) -> bool:
        return bool(self.warnings)


def _finite(values: Sequence[float]) -> List[float]:
    return [v for v in (float(x) for x in values) if math.isfinite(v)]


def confidence_interval(values: Sequence[float], confidence: float = CONFIDENCE):
    """(low, high) of the mean's confidence interval from Student's t; None when n < 2."""
    n = len(values)
    if n < 2:
        return None
    m = statistics.fmean(values)
    half = ci_half_width(statistics.stdev(values), n, confidence)
    return m - half, m + half


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _spread_rules(values: Sequence[float], m: float, s: Optional[float] = None) -> List[str]:
    """pyperf's stdev and outlier rules, in plain words (``s``: the stdev, when known)."""
    warnings: List[str] = []
    if len(values) >= 2 and m > 0:
        if s is None:
            s = statistics.stdev(values, m)
        if s >= STDEV_LIMIT * m:
            warnings.append(f"the standard deviation ({_fmt(s)}) is {100 * s / m:.0f}% "
                            f"of the mean ({_fmt(m)})")
    if m > 0:
        for name, v in (("minimum", float(np.min(values))), ("maximum", float(np.max(values)))):
            pct = (v - m) * 100.0 / m
            if abs(pct) >= 100 * OUTLIER_LIMIT:
                side = "greater" if pct > 0 else "smaller"
                warnings.append(f"the {name} ({_fmt(v)}) is {abs(pct):.0f}% {side} "
                                f"than the mean ({_fmt(m)})")
    return warnings


def instability(values: Sequence[float], what: str = "iterations",
                mean: Optional[float] = None, stdev: Optional[float] = None) -> List[str]:
    """pyperf's within-run rules on one run's per-iteration times, as plain sentences; an
    empty list when the figure is stable. ``what`` names the values in the messages; ``mean``
    and ``stdev``, when the caller has them, are not computed again (a long log's exact stdev
    is the costliest step of collect)."""
    n = len(values)
    if n == 0:
        return [f"no {what}: nothing to average"]
    if n < 2:
        return [f"only one of the {what} was measured: no spread can be computed"]
    return _spread_rules(values, statistics.fmean(values) if mean is None else mean, stdev)


def summarize(values: Sequence[float], what: str = "iterations") -> Summary:
    """Mean, median, stdev, min, max, 95 % CI and the within-run warnings of ``values``.

    Non-finite values are dropped (the parsers count them); an empty sample gives a Summary
    with n == 0, all figures None and one warning.
    """
    # a long log's sample is 10^5-10^6 times: numpy's pass over an array (pairwise sums, a
    # selection for the median) instead of statistics' exact rational arithmetic, which took
    # most of collect's time (docs/DESIGN.md: collect within 1.2x of the parsers)
    arr = np.asarray(values, dtype=float)
    vals = arr[np.isfinite(arr)]
    n = len(vals)
    if n == 0:
        return Summary(0, None, None, None, None, None, None, None, instability([], what))
    m = math.fsum(vals) / n                                 # correctly rounded sum
    s = float(np.std(vals, ddof=1)) if n >= 2 else None
    half = ci_half_width(s, n) if s is not None else None
    return Summary(
        n=n,
        mean=m,
        median=float(np.median(vals)),
        stdev=s,
        minimum=float(vals.min()),
        maximum=float(vals.max()),
        ci95_low=m - half if half is not None else None,
        ci95_high=m + half if half is not None else None,
        warnings=instability(vals, what, m, s),
    )


@dataclass(frozen=True)
class RepeatSummary:
    """A figure over repeated jobs: the mean of their means and the spread between them."""

    n_repeats: int
    mean: Optional[float]
    stdev: Optional[float]        # between repeats; None for one repeat
    minimum: Optional[float]
    maximum: Optional[float]
    spread_pct: Optional[float]   # (max - min) / mean * 100
    warnings: List[str] = field(default_factory=list)
    ci95_low: Optional[float] = None
    ci95_high: Optional[float] = None

    @property
    def unstable(self) -> bool:
        return bool(self.warnings)


def over_repeats(means: Sequence[float]) -> RepeatSummary:
    """Mean over repeats with the spread between them, and pyperf's between-run rules.

    One repeat is not flagged by itself (pyperf gives no precision warning for one process);
    with two or more, the stdev and outlier rules and the 1 %-precision rule apply to the
    repeat means, the precision rule saying how many repeats would reach it.
    """
    vals = _finite(means)
    n = len(vals)
    if n == 0:
        return RepeatSummary(0, None, None, None, None, None, [])
    m = statistics.fmean(vals)
    lo, hi = min(vals), max(vals)
    if n < 2:
        return RepeatSummary(1, m, None, lo, hi, 0.0 if m else None, [])
    s = statistics.stdev(vals)
    warnings = _spread_rules(vals, m)
    half = ci_half_width(s, n)
    if m > 0 and s < STDEV_LIMIT * m and half > PRECISION_TARGET * m:
        need = needed_for_precision(m, s)
        warnings.append(f"too few repeats (n={n}) for the spread between them: the 95% CI is "
                        f"+-{100 * half / m:.1f}% of the mean (> 1%); "
                        + (f"about {need} needed" if need else f"over {MAX_NEEDED} needed"))
    return RepeatSummary(n, m, s, lo, hi, (hi - lo) / m * 100.0 if m else None, warnings,
                         m - half, m + half)


# --------------------------------------------------------------------------- significance

@dataclass(frozen=True)
class Sample:
    """What a test needs of a sample: its size, mean and standard deviation."""

    n: int
    mean: float
    stdev: float

    @staticmethod
    def of(values: Sequence[float]) -> "Sample":
        vals = _finite(values)
        return Sample(len(vals), statistics.fmean(vals),
                      statistics.stdev(vals) if len(vals) >= 2 else 0.0)


def pool(samples: Sequence[Sample]) -> Sample:
    """Several samples as one (e.g. the iterations of every repeat): exact combined mean and
    sample variance from the parts' sizes, means and deviations."""
    parts = [s for s in samples if s.n > 0]
    n = sum(s.n for s in parts)
    if n == 0:
        return Sample(0, math.nan, math.nan)
    m = math.fsum(s.n * s.mean for s in parts) / n
    if n < 2:
        return Sample(n, m, 0.0)
    ss = math.fsum((s.n - 1) * s.stdev ** 2 + s.n * (s.mean - m) ** 2 for s in parts)
    return Sample(n, m, math.sqrt(ss / (n - 1)))


@dataclass(frozen=True)
class Welch:
    """Welch's two-sample t-test of ``faster`` against ``slower`` (two-sided, 95 %)."""

    t: float            # (slower.mean - faster.mean) / standard error of the difference
    df: float           # Welch-Satterthwaite degrees of freedom
    p: float            # two-sided p-value
    significant: bool   # p < 0.05: the difference is beyond noise

    def describe(self) -> str:
        if self.significant:
            return f"significant (Welch t={self.t:.2f}, df={self.df:.1f}, p={self.p:.2g})"
        return f"not significant (Welch t={self.t:.2f}, df={self.df:.1f}, p={self.p:.2g})"


def _parts(samples: Sequence[Sample]):
    """(sum of the means, variance of that sum, Welch-Satterthwaite terms) of independent
    samples whose means add up (BSN's TEM + PEM); None when one has fewer than two values."""
    if not samples or any(x.n < 2 for x in samples):
        return None
    se2 = [x.stdev ** 2 / x.n for x in samples]
    return math.fsum(x.mean for x in samples), math.fsum(se2), \
        [(v, x.n - 1) for v, x in zip(se2, samples)]


def _satterthwaite(terms) -> float:
    total = math.fsum(v for v, _ in terms)
    denom = math.fsum(v * v / df for v, df in terms)
    return total * total / denom if denom > 0 else float(sum(df for _, df in terms))


def sum_interval(samples: Sequence[Sample], confidence: float = CONFIDENCE):
    """(low, high): the t confidence interval of the sum of the samples' means (one sample:
    the usual interval of its mean); None when a sample has fewer than two values."""
    parts = _parts(samples)
    if parts is None:
        return None
    m, var, terms = parts
    if var == 0:
        return m, m
    half = t_quantile(0.5 + confidence / 2.0, _satterthwaite(terms)) * math.sqrt(var)
    return m - half, m + half


def welch_sum(faster: Sequence[Sample], slower: Sequence[Sample],
              confidence: float = CONFIDENCE) -> Optional[Welch]:
    """Welch's test of two sums of independent means (one sample a side: the textbook test);
    None when a sample has fewer than two values (no spread to test against)."""
    a, b = _parts(faster), _parts(slower)
    if a is None or b is None:
        return None
    diff, var = b[0] - a[0], a[1] + b[1]
    if var == 0:   # no spread at all: any difference is real, none is noise
        sig = diff != 0
        df = float(sum(x.n for x in faster) + sum(x.n for x in slower) - 2)
        return Welch(math.copysign(math.inf, diff) if sig else 0.0, df, 0.0 if sig else 1.0, sig)
    t = diff / math.sqrt(var)
    df = _satterthwaite(a[2] + b[2])
    p = max(0.0, 2.0 * (1.0 - t_cdf(abs(t), df)))
    return Welch(t, df, p, p < 1.0 - confidence)


def welch(faster: Sample, slower: Sample, confidence: float = CONFIDENCE) -> Optional[Welch]:
    """Is ``faster`` faster than ``slower`` beyond noise (two-sided Welch t-test at 95 %, as
    pyperf's ``compare_to`` asks)? None when a side has fewer than two values."""
    return welch_sum([faster], [slower], confidence)
