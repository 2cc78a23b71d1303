"""easyocr_ko.plotting: Hangul in charts and atomic PNG writes."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import matplotlib
import pytest

from easyocr_ko.plotting import KOREAN_FONT_FILE, korean_figure, korean_rc, save_figure


def test_korean_rc_resolves_to_the_shipped_font_with_hangul() -> None:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    korean_figure()
    family = korean_rc()["font.family"][1]  # the fallback of DejaVu Sans for Hangul
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert Path(path).name == KOREAN_FONT_FILE
    charmap = FT2Font(path).get_charmap()
    assert all(ord(c) in charmap for c in "나눔손글씨강부장님체")


def test_korean_figure_draws_hangul_and_saves_without_pyplot(tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    with matplotlib.rc_context(korean_rc()), _no_glyph_warning():
        fig = korean_figure(figsize=(4, 3))
        ax = fig.subplots()
        ax.set_title("나눔손글씨 강부장님체 CER -1")
        ax.bar([0, 1], [0.1, 0.2], label="모델")
        ax.set_xticks([0, 1], ["손글씨", "글꼴"])
        ax.set_yscale("log")  # mathtext tick labels 10^-1 ... need a minus sign: DejaVu Sans has it
        ax.legend()
        fig.tight_layout()
        fig.draw_without_rendering()  # a Figure outside pyplot has a base canvas, whose draw() draws nothing
    assert isinstance(fig, Figure) and fig.canvas.manager is None  # not one of pyplot's figures
    with _no_glyph_warning():
        save_figure(fig, tmp_path / "chart.png", dpi=50)
    assert (tmp_path / "chart.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


def test_plotting_leaves_the_backend_alone(tmp_path: Path) -> None:
    """A notebook's backend stays what it was: korean_figure, save_figure and eval's chart never switch it (run in
    a fresh interpreter, since other tests here may have switched this one's backend with the old pyplot())."""
    script = textwrap.dedent(f"""
        import matplotlib
        before = matplotlib.get_backend()
        from easyocr_ko.plotting import korean_figure, korean_rc, save_figure
        with matplotlib.rc_context(korean_rc()):
            fig = korean_figure()
            fig.subplots().set_title("가나다")
        save_figure(fig, __import__("pathlib").Path({str(tmp_path / "c.png")!r}))
        import easyocr_ko.evaluation.report  # eval's chart module: imports no pyplot either
        import sys
        print(before, matplotlib.get_backend(), "matplotlib.pyplot" in sys.modules)
    """)
    env = {**__import__("os").environ, "MPLBACKEND": "svg"}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["svg", "svg", "False"], out.stderr
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"


def test_save_figure_failure_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "chart.png"
    target.write_bytes(b"old")
    fig = korean_figure()
    fig.subplots()
    fig.savefig = lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device"))
    with pytest.raises(OSError):
        save_figure(fig, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]


class _no_glyph_warning:
    """Fail if matplotlib warns (or logs, as mathtext does) that a glyph is missing from the font."""

    def __enter__(self) -> None:
        import logging
        import warnings

        self._catch = warnings.catch_warnings(record=True)
        self._seen = self._catch.__enter__()
        warnings.simplefilter("always")
        self._logged: list[str] = []
        self._handler = logging.Handler()
        self._handler.emit = lambda record: self._logged.append(record.getMessage())  # type: ignore[method-assign]
        logging.getLogger("matplotlib").addHandler(self._handler)

    def __exit__(self, *exc) -> None:
        import logging

        self._catch.__exit__(*exc)
        logging.getLogger("matplotlib").removeHandler(self._handler)
        missing = [str(w.message) for w in self._seen if "missing from" in str(w.message)]
        missing += [m for m in self._logged if "does not have a glyph" in m]
        assert not missing, missing
