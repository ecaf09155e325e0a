"""The krachtteam's commands in chat, the same on every platform.

An adapter recognises an admin command word (Dutch or English), checks the person against
its platform's admin list, and hands the request here; the reply is platform-neutral text
and, for an export, a file the adapter sends to the admin privately. Every request, allowed
or refused, lands in the audit trail.
"""
