"""The one error a person can fix by editing a file: the message says where and how."""


class ConfigError(Exception):
    """A configuration problem a person can fix; the message names the file, key and fix."""
