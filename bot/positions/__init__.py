"""Positions: recording what people answer, and what they are told back.

One current position per person and statement, last write by event time wins, duplicates
change nothing (`record`, its SQL per dialect in `sql`, group commit in `writer`); the live
tally line (`tally`), coalescing of tally refreshes (`batching`) and the replies a voter
gets (`replies`).
"""
