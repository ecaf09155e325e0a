"""Publishing: getting statements and digests into the campaign's channels.

Opening and closing statements per channel (`statements`), where they were posted
(`posts`), the digest delivered exactly once per period and channel (`digest_delivery`),
and the campaign's channels and catalogue brought in line with the settings (`sync`).
"""
