"""Honest timing statistics: summaries, confidence intervals and pyperf's instability rules.

A benchmark figure is a mean of iteration times; whether it can be published depends on how
the times spread. This module keeps that judgement apart from running and parsing (as pyperf
does): it takes plain lists of numbers and returns plain dataclasses, with no I/O. It has no
SciPy dependency: the Student t quantile for the 95 % confidence interval is computed here from
the regularized incomplete beta function (checked against printed t tables in the tests).

Instability rules (pyperf's ``format_checks``):
  * the standard deviation is >= 10 % of the mean;
  * the minimum or the maximum is >= 50 % away from the mean;
  * too few samples for the spread: fewer than 2 values (no spread at all), or, when the
    standard deviation is under 10 %, a 95 % confidence interval wider than +-1 % of the mean
    (pyperf's "not enough samples to get a stable result (95 % certainty of less than 1 %
    variation)").
The same rules apply to the means of repeated jobs (the spread between repeats).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import List, Optional, Sequence

STDEV_LIMIT = 0.10        # std >= 10 % of the mean: unstable
OUTLIER_LIMIT = 0.50      # min or max >= 50 % away from the mean: unstable
PRECISION_TARGET = 0.01   # 95 % CI half-width must be within 1 % of the mean
CONFIDENCE = 0.95


# --------------------------------------------------------------------------- t quantile

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
    out = []
    for v in values:
        v = float(v)
        if math.isfinite(v):
            out.append(v)
    return out


def mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def median(values: Sequence[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2.0


def stdev(values: Sequence[float]) -> float:
    """Sample standard deviation (divides by n - 1), two-pass for accuracy."""
    m = mean(values)
    return math.sqrt(math.fsum((v - m) ** 2 for v in values) / (len(values) - 1))


def confidence_interval(values: Sequence[float], confidence: float = CONFIDENCE):
    """(low, high) of the mean's confidence interval from Student's t; None when n < 2."""
    n = len(values)
    if n < 2:
        return None
    m, s = mean(values), stdev(values)
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * s / math.sqrt(n)
    return m - half, m + half


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def instability(values: Sequence[float], what: str = "samples") -> List[str]:
    """pyperf's instability checks, as human sentences; empty list when the figure is stable.

    ``what`` names the values in the messages ("iterations", "repeats").
    """
    n = len(values)
    if n == 0:
        return [f"no {what}: nothing to average"]
    m = mean(values)
    warnings: List[str] = []
    if n < 2:
        warnings.append(f"too few {what} (n=1): no spread can be computed")
    elif m > 0:
        s = stdev(values)
        if s >= STDEV_LIMIT * m:
            warnings.append(f"the standard deviation ({_fmt(s)}) is {100 * s / m:.0f}% "
                            f"of the mean ({_fmt(m)})")
        else:
            half = t_quantile(0.975, n - 1) * s / math.sqrt(n)
            if half > PRECISION_TARGET * m:
                need = math.ceil((1.96 * s / (PRECISION_TARGET * m)) ** 2)
                warnings.append(
                    f"too few {what} (n={n}) for the spread: the 95% CI is "
                    f"+-{100 * half / m:.1f}% of the mean (> 1%); about {need} needed")
    if m > 0:
        for name, v in (("minimum", min(values)), ("maximum", max(values))):
            pct = (v - m) * 100.0 / m
            if abs(pct) >= 100 * OUTLIER_LIMIT:
                side = "greater" if pct > 0 else "smaller"
                warnings.append(f"the {name} ({_fmt(v)}) is {abs(pct):.0f}% {side} "
                                f"than the mean ({_fmt(m)})")
    return warnings


def summarize(values: Sequence[float], what: str = "iterations") -> Summary:
    """Mean, median, stdev, min, max, 95 % CI and instability warnings of ``values``.

    Non-finite values are dropped (the parsers count them); an empty sample gives a Summary
    with n == 0, all figures None and one warning.
    """
    vals = _finite(values)
    n = len(vals)
    if n == 0:
        return Summary(0, None, None, None, None, None, None, None, instability(vals, what))
    ci = confidence_interval(vals)
    return Summary(
        n=n,
        mean=mean(vals),
        median=median(vals),
        stdev=stdev(vals) if n >= 2 else None,
        minimum=min(vals),
        maximum=max(vals),
        ci95_low=ci[0] if ci else None,
        ci95_high=ci[1] if ci else None,
        warnings=instability(vals, what),
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

    @property
    def unstable(self) -> bool:
        return bool(self.warnings)


def over_repeats(means: Sequence[float]) -> RepeatSummary:
    """Mean over repeats with the spread between them; one repeat is not flagged by itself.

    With two or more repeats the same pyperf rules apply to the repeat means, except the
    1 %-precision rule (a handful of repeats never reaches it; the per-repeat figures carry
    their own sample-size warning).
    """
    vals = _finite(means)
    n = len(vals)
    if n == 0:
        return RepeatSummary(0, None, None, None, None, None, [])
    m = mean(vals)
    lo, hi = min(vals), max(vals)
    warnings: List[str] = []
    s = None
    if n >= 2:
        s = stdev(vals)
        warnings = [w for w in instability(vals, "repeats") if not w.startswith("too few")]
    return RepeatSummary(n, m, s, lo, hi, (hi - lo) / m * 100.0 if m else None, warnings)
