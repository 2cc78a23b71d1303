"""The package's error class.

Library code raises :class:`EasyOcrKoError` (or an ``OSError`` such as ``FileNotFoundError``, naming the path)
with a message that fits on one line and tells the user what to change; the CLI prints it on stderr and exits
with status 1.  Any other exception is a bug and keeps its traceback (``easyocr-ko --debug`` or
``EASYOCR_KO_DEBUG=1`` also shows the traceback of these two).
"""


class EasyOcrKoError(Exception):
    """A problem with the user's input or environment, explained in one line."""
