"""Insight: what the campaign's positions say, and what may be shown of it.

SQL aggregates per statement × layer (`aggregation`), the privacy threshold (`privacy`),
the ranked insights (`ranking`: `consensus`, `divergence`, `repness`, `uncertainty`, over the
cells that may decide them, `decisive`, with Pol.is's statistics, `pollstats`) and momentum
since the last digest, the digest as a platform-neutral document (`digest`, `insight_text`,
`momentum_text`, `render_text`), its chart (`chart_data`, `chart`) and the export.
Everything published is computed here from counts, never from a person's row.
"""
