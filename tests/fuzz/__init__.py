"""Fuzz suites (hypothesis): hostile input through the real wire."""
