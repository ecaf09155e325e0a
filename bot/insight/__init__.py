"""Insight: what the campaign's positions say, and what may be shown of it.

SQL aggregates per statement × layer (`aggregation`), the privacy threshold (`privacy`),
highlights and momentum since the last digest, the digest as a platform-neutral document
(`digest`, `momentum_text`, `render_text`), its chart (`chart_data`, `chart`) and the
export. Everything published is computed here from counts, never from a person's row.
"""
