"""Crash suites: `positie run` and friends as subprocesses, SIGKILLed at seeded points."""
