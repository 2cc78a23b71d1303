"""PNG charts with Hangul: matplotlib figures with the shipped NanumGothic registered, saved atomically.

matplotlib's default font (DejaVu Sans) has no Hangul, so model, font and writer names such as ``나눔손글씨
강부장님체`` would be drawn as empty boxes.  :func:`korean_figure` registers ``fonts/NanumGothic.ttf`` (OFL-1.1,
shipped with the package; see ``fonts/README.md``) and returns a new :class:`matplotlib.figure.Figure` made with
matplotlib's object API: no pyplot, so the backend a program or notebook chose is never switched and no figure
is left in pyplot's list.  :func:`korean_rc` gives the rcParams that draw text in DejaVu Sans with the Korean
font as its fallback for Hangul; :func:`save_figure` writes a figure to a temporary file and renames it over the
target.  A chart is drawn as::

    import matplotlib

    with matplotlib.rc_context(korean_rc()):
        fig = korean_figure(figsize=(8, 4))
        ax = fig.subplots()
        ax.set_title("나눔손글씨 CER")
    save_figure(fig, path)

"""
from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from easyocr_ko.fsutil import atomic_path
from easyocr_ko.resources import fonts_dir

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["KOREAN_FONT_FILE", "korean_figure", "korean_rc", "save_figure"]

KOREAN_FONT_FILE = "NanumGothic.ttf"
"""The shipped font (in ``fonts/``) charts draw their text with."""


def korean_figure(**figure_kwargs: Any) -> Figure:
    """A new matplotlib figure, not managed by pyplot, with the shipped Korean font registered.

    The backend is left as it is (nothing is switched, nothing is shown); :func:`save_figure` renders the PNG
    with matplotlib's Agg canvas.  Text is drawn in the Korean font when it is made inside
    ``matplotlib.rc_context(korean_rc())`` (matplotlib fixes a text's font when the text is created: titles,
    labels, legends, tick labels set with ``set_xticks(ticks, labels)``).  Numeric tick labels that matplotlib
    makes while saving keep the default font (DejaVu Sans), which draws mathtext's minus sign.

    Args:
        figure_kwargs: passed to :class:`matplotlib.figure.Figure` (``figsize`` in inches, ``dpi``, ...).

    Returns:
        A :class:`matplotlib.figure.Figure`; add axes with ``fig.subplots(...)`` or ``fig.add_subplot(...)``.

    Raises:
        FileNotFoundError: the installation lacks the shipped fonts folder.
    """
    from matplotlib.figure import Figure

    _register_korean_font()
    return Figure(**figure_kwargs)


@lru_cache(maxsize=1)
def _register_korean_font() -> str:
    """Add the shipped Korean font to matplotlib's font manager (once); returns its family name."""
    from matplotlib import font_manager

    path = fonts_dir() / KOREAN_FONT_FILE
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def korean_rc() -> dict[Any, Any]:
    """rcParams for ``matplotlib.rc_context``: text in DejaVu Sans (matplotlib's default) with the shipped Korean
    font as its fallback, glyph by glyph, for Hangul; ASCII minus signs.

    DejaVu Sans comes first so that mathtext (log-scale tick labels such as 10^-1, drawn in the first family)
    finds its minus sign U+2212, which NanumGothic lacks.

    Raises:
        FileNotFoundError: the installation lacks the shipped fonts folder.
    """
    return {"font.family": ["DejaVu Sans", _register_korean_font()], "axes.unicode_minus": False}


def save_figure(fig: Any, path: Path, dpi: int = 100) -> None:
    """Write ``fig`` as PNG to ``path`` through a temporary sibling (:func:`easyocr_ko.fsutil.atomic_path`).

    Args:
        fig: a :class:`matplotlib.figure.Figure`, from :func:`korean_figure` (or, until its callers move,
            from ``matplotlib.pyplot``: such a figure is then closed in pyplot, which holds it).
        path: the PNG file to (over)write.
        dpi: dots per inch of the PNG.

    Raises:
        OSError: the file cannot be written (naming it); ``path`` is then left as it was.
    """
    try:
        with atomic_path(path, suffix=".png") as tmp, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a glyph missing from both fonts is drawn as a box, not an error
            fig.savefig(tmp, dpi=dpi, format="png")
    finally:
        _close_if_pyplot_figure(fig)


def _close_if_pyplot_figure(fig: Any) -> None:
    """Release a figure pyplot holds (one made by ``plt.subplots``); a :func:`korean_figure` needs nothing."""
    import sys

    manager = getattr(getattr(fig, "canvas", None), "manager", None)
    plt = sys.modules.get("matplotlib.pyplot")
    if manager is not None and plt is not None:
        plt.close(fig)
