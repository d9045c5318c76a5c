"""The one error type users see: a single line saying what is wrong, where, and what to do."""


class VoicecliError(Exception):
    """A user-facing failure. `str(err)` is the whole message: one line, with the fix."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(VoicecliError):
    """The command line itself is wrong (options that contradict each other, a bad choice)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=2)


class ConfigError(VoicecliError):
    """config.toml is malformed: names the file, the key and the nearest valid key or range."""


class ModelMissingError(VoicecliError):
    """A model a command needs is not installed or does not verify."""
