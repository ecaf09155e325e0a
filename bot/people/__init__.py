"""People: participants and their layer of government.

Who someone is on a platform, which layer they count for (declared > roster > channel
default > onbekend), the admins' roster, the private chats a bot may write to, the one
layer question per group and statement, and erasure when someone asks to be forgotten.
"""
