"""The small statistics the ranked insights share, after Pol.is's math.

Pol.is (compdemocracy/polis, math/src/polismath/math/stats.clj and repness.clj) scores
every probability with one pseudo-count on each side, (successes + 1) / (trials + 2), so a
group that has barely answered sits near ½ (uncertain) rather than at 0 % or 100 %. Its
tests are one-sided z statistics on those pseudo-counted proportions, called significant
above 1.2816 (90 %).
"""

from __future__ import annotations

import math

Z_90 = 1.2816  # one-sided 90 %: stats.clj z-sig-90?


def shrunk(successes: int, trials: int) -> float:
    """(s + 1) / (n + 2): Pol.is's pa, pd and group-aware-consensus factor."""
    return (successes + 1) / (trials + 2)


def prop_test(successes: int, trials: int) -> float:
    """z of one proportion against ½, with pseudo-counts: 2·√(n+1)·((s+1)/(n+1) − ½)."""
    s, n = successes + 1, trials + 1
    return 2 * math.sqrt(n) * (s / n - 0.5)


def two_prop_test(succ_in: int, succ_out: int, pop_in: int, pop_out: int) -> float:
    """z of the difference of two proportions (in minus out), each count plus one."""
    s1, s2, n1, n2 = succ_in + 1, succ_out + 1, pop_in + 1, pop_out + 1
    pooled = (s1 + s2) / (n1 + n2)
    if pooled >= 1 or pooled <= 0:
        return 0.0
    return (s1 / n1 - s2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
