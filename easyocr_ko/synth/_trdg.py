"""Import trdg 1.8.0's renderer so that it works beside easyocr 1.7.2 and Pillow >= 10.

Why this module exists (details in README, "Why trdg is installed with --no-deps"):

* trdg 1.8.0's metadata pins python-bidi==0.4.2, arabic-reshaper==2.1.3 and opencv-python, all of which
  break or clash with easyocr 1.7.2 (``from bidi import get_display`` needs python-bidi >= 0.5; both OpenCV
  wheels install ``cv2``).  It is therefore installed with ``pip install --no-deps trdg==1.8.0``.  The only
  trdg modules used here (``trdg.data_generator`` and what it imports) need just Pillow, numpy and OpenCV,
  which easyocr-ko depends on.  ``trdg.generators``/``trdg.run`` (which import arabic_reshaper, wikipedia
  and tqdm) are never imported.
* ``trdg.utils.get_text_height`` calls ``ImageFont.FreeTypeFont.getsize``, removed in Pillow 10.  Pillow 9's
  ``getsize(text)[1]`` equals ``getbbox(text)[3]`` (offset plus height, no stroke), so the name that
  ``trdg.computer_text_generator`` imported is replaced by that in memory.  Nothing on disk is changed.
* trdg opens the font file again for every image (``ImageFont.truetype``).  A WOFF/WOFF2 font is decompressed
  on every open (about 30 ms for a CLOVA ``.woff``), so trdg's module is given a ``truetype`` that shares one
  face per (font, size) (:func:`easyocr_ko.synth.fonts.cached_font`).  Rendering is unchanged.
* ``trdg.data_generator`` prints "Missing modules for handwritten text generation." when TensorFlow is
  absent (handwriting synthesis is not used); the print is swallowed.
"""
from __future__ import annotations

import contextlib
import io
import os
from typing import Any

from PIL import ImageFont

from easyocr_ko.errors import EasyOcrKoError

INSTALL_HINT = "pip install --no-deps trdg==1.8.0"
_generator: Any = None


def _get_text_height(image_font: ImageFont.FreeTypeFont, text: str) -> int:
    """Pillow-10 replacement of trdg's ``get_text_height`` (Pillow 9: ``getsize(text)[1]``)."""
    return int(image_font.getbbox(text)[3])


class _CachedFontModule:
    """Stands in for ``PIL.ImageFont`` inside ``trdg.computer_text_generator``: same names, cached faces."""

    def __getattr__(self, name: str) -> Any:
        return getattr(ImageFont, name)

    @staticmethod
    def truetype(font: Any = None, size: int = 10, **kwargs: Any) -> ImageFont.FreeTypeFont:
        from easyocr_ko.synth.fonts import cached_font

        if kwargs or not isinstance(font, str) or not os.path.isfile(font):
            return ImageFont.truetype(font=font, size=size, **kwargs)  # Pillow's own errors, as before
        return cached_font(font, int(size))


_CACHED_IMAGE_FONT = _CachedFontModule()


def fake_text_generator() -> Any:
    """Return ``trdg.data_generator.FakeTextDataGenerator``, importing and patching trdg once.

    Raises:
        EasyOcrKoError: trdg is not installed (the message gives the install command).
    """
    global _generator
    if _generator is not None:
        return _generator
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            from trdg import computer_text_generator
            from trdg.data_generator import FakeTextDataGenerator
    except ImportError as err:
        raise EasyOcrKoError(f"trdg is not importable ({err}): install it with `{INSTALL_HINT}`") from err
    if not hasattr(ImageFont.FreeTypeFont, "getsize"):
        computer_text_generator.get_text_height = _get_text_height
    computer_text_generator.ImageFont = _CACHED_IMAGE_FONT
    _generator = FakeTextDataGenerator
    return _generator
