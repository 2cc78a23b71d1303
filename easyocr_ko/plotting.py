"""PNG charts with Hangul: matplotlib (Agg backend) with the shipped NanumGothic registered, saved atomically.

matplotlib's default font (DejaVu Sans) has no Hangul, so model, font and writer names such as ``나눔손글씨
강부장님체`` would be drawn as empty boxes.  :func:`pyplot` registers ``fonts/NanumGothic.ttf`` (OFL-1.1, shipped
with the package; see ``fonts/README.md``) and returns ``matplotlib.pyplot``; :func:`korean_rc` gives the
rcParams that draw text in it (DejaVu Sans after it, for glyphs it lacks); :func:`save_figure` writes a figure
to a temporary file and renames it over the target.
"""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from easyocr_ko.fsutil import atomic_path
from easyocr_ko.resources import fonts_dir

__all__ = ["KOREAN_FONT_FILE", "pyplot", "korean_rc", "save_figure"]

KOREAN_FONT_FILE = "NanumGothic.ttf"
"""The shipped font (in ``fonts/``) charts draw their text with."""


def pyplot() -> Any:
    """``matplotlib.pyplot`` on the non-interactive Agg backend, with the shipped Korean font registered."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    _register_korean_font()
    return plt


@lru_cache(maxsize=1)
def _register_korean_font() -> str:
    from matplotlib import font_manager

    path = fonts_dir() / KOREAN_FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def korean_rc() -> dict[str, Any]:
    """rcParams for ``plt.rc_context``: text in the shipped Korean font, then DejaVu Sans; ASCII minus signs
    (NanumGothic has no U+2212)."""
    return {"font.family": [_register_korean_font(), "DejaVu Sans"], "axes.unicode_minus": False}


def save_figure(fig: Any, path: Path, dpi: int = 100) -> None:
    """Write ``fig`` as PNG to ``path`` through a temporary sibling (:func:`easyocr_ko.fsutil.atomic_path`), then
    close it.

    Raises:
        OSError: the file cannot be written (naming it); ``path`` is then left as it was.
    """
    try:
        with atomic_path(path, suffix=".png") as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a glyph missing from both fonts is drawn as a box, not an error
            fig.savefig(tmp, dpi=dpi)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
