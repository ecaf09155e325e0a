"""Cadence: what is due, decided in the database (scheduling/ only decides *when*).

Scheduled runs claimed once per (campaign, job, slot) (`job_runs`), which statement opens
next and which are due to close (`openings`), private reminders (`reminders`) and pausing
the campaign (`pause`).
"""
