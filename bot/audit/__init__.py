"""The audit trail: every admin action and every erasure, from chat or the command line.

Who (an admin's platform id, "cli", or "self" for a person erasing their own data — never
the erased person's id), through what (a platform or "cli"), what, on what, when, and how
it ended. An answer is never part of it. `positie audit` shows it.
"""
