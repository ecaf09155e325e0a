"""What sets a layer apart: Pol.is's representativeness ("repness") of a statement for a layer.

For layer g against the rest (everyone else who answered the statement: the shown total
minus the shown cell of g), after polis repness.clj:

  pa  = (na + 1) / (ns + 2)            how likely g agrees (pseudo-counted)
  rpa = (rna + 1) / (rns + 2)          how likely the rest agrees
  ra  = pa / rpa                       how much more g agrees than the rest
  pat = prop_test(na, ns)              is g's agreement more than chance?
  rat = two_prop_test(na, rna, ns, rns) is g's agreement more than the rest's?

and the same with disagree (pd, rd, pdt, rdt). A statement represents g when both tests pass
at 90 % (z > 1.2816) for agree, or both for disagree; it is reported on the side with the
larger test (rat > rdt: agree), and ranked by repness-metric = r · rt · p · pt. The layer's
cell must be decisive and the rest at least the minimum cell size.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.insight.decisive import Counts
from bot.insight.pollstats import Z_90, prop_test, shrunk, two_prop_test


@dataclass(frozen=True, slots=True)
class Distinctive:
    layer: str
    statement_key: str
    agrees: bool  # True: the layer agrees more than the rest; False: disagrees more
    share: float  # the layer's shown share agreeing (or disagreeing)
    others_share: float  # the rest's share agreeing (or disagreeing)
    ratio: float  # ra or rd
    z: float  # rat or rdt
    metric: float  # ratio · z · p · pt


def distinctive(layer: str, statement_key: str, cell: Counts, rest: Counts) -> Distinctive | None:
    ns, rns = cell.respondents, rest.respondents
    pa, pd = shrunk(cell.agree, ns), shrunk(cell.disagree, ns)
    ra = pa / shrunk(rest.agree, rns)
    rd = pd / shrunk(rest.disagree, rns)
    pat, pdt = prop_test(cell.agree, ns), prop_test(cell.disagree, ns)
    rat = two_prop_test(cell.agree, rest.agree, ns, rns)
    rdt = two_prop_test(cell.disagree, rest.disagree, ns, rns)
    if not ((rat > Z_90 and pat > Z_90) or (rdt > Z_90 and pdt > Z_90)):
        return None
    if rat > rdt:
        return Distinctive(layer, statement_key, True, cell.agree_share, rest.agree_share,
                           ra, rat, ra * rat * pa * pat)
    return Distinctive(layer, statement_key, False, cell.disagree_share, rest.disagree_share,
                       rd, rdt, rd * rdt * pd * pdt)


def most_distinctive(candidates: list[Distinctive], *, top: int) -> list[Distinctive]:
    return sorted(candidates, key=lambda d: (-d.metric, d.statement_key))[:top]
