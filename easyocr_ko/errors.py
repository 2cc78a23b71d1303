"""The package's error class.

Library code raises :class:`EasyOcrKoError` (or ``ValueError`` / ``FileNotFoundError``) with a message that
fits on one line and tells the user what to change; the CLI prints it on stderr and exits with status 1.
"""


class EasyOcrKoError(Exception):
    """A problem with the user's input or environment, explained in one line."""
