"""positie: scheduling. The only package that imports APScheduler; it decides *when*."""

from scheduling.jobs import (
    close_due_statements,
    open_next_statement,
    post_scheduled_digest,
    send_due_reminders,
)
from scheduling.runs import JobSpec, SlotResult, run_due
from scheduling.scheduler import CampaignScheduler, job_specs

__all__ = [
    "CampaignScheduler",
    "JobSpec",
    "SlotResult",
    "close_due_statements",
    "job_specs",
    "open_next_statement",
    "post_scheduled_digest",
    "run_due",
    "send_due_reminders",
]
