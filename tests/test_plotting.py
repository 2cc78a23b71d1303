"""easyocr_ko.plotting: Hangul in charts and atomic PNG writes."""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko.plotting import KOREAN_FONT_FILE, korean_rc, pyplot, save_figure


def test_korean_rc_resolves_to_the_shipped_font_with_hangul() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    pyplot()
    family = korean_rc()["font.family"][0]
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(path).name == KOREAN_FONT_FILE
    charmap = FT2Font(path).get_charmap()
    assert all(ord(c) in charmap for c in "나눔손글씨강부장님체")


def test_hangul_labels_draw_without_missing_glyph_warnings(tmp_path: Path) -> None:
    plt = pyplot()
    with plt.rc_context(korean_rc()), _no_glyph_warning():
        fig, ax = plt.subplots()
        ax.set_title("나눔손글씨 강부장님체 CER -1")
        fig.canvas.draw()
    save_figure(fig, tmp_path / "chart.png")
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_save_figure_failure_keeps_the_old_file(tmp_path: Path) -> None:
    plt = pyplot()
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")
    fig, _ = plt.subplots()
    fig.savefig = lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device"))
    with pytest.raises(OSError):
        save_figure(fig, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


class _no_glyph_warning:
    """Fail if matplotlib warns that a glyph is missing from the font."""

    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self._seen = self._catch.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc) -> None:
        self._catch.__exit__(*exc)
        missing = [str(w.message) for w in self._seen if "missing from" in str(w.message)]
        assert not missing, missing
