"""Settings: what a person writes down, validated once into frozen values.

The configuration file (`config`), the statement catalogue (`catalogue`) and the schedule
(`schedule`), each checked whole so that every problem is reported at once with the file,
the key and the fix. Nothing here touches the database or a platform.
"""
