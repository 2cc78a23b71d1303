"""easyocr 1.7.2 and trdg 1.8.0 work in ONE process: the packaging conflict is solved.

trdg 1.8.0 pins python-bidi==0.4.2 (easyocr needs ``from bidi import get_display``, python-bidi >= 0.5),
arabic-reshaper and opencv-python; it is installed with ``--no-deps`` and only the modules that
``easyocr_ko.synth._trdg`` imports are used.  This test builds an English ``easyocr.Reader`` from the offline model
package, renders Korean with trdg through easyocr_ko, and has the Reader read an English word trdg rendered.
"""
from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest


@pytest.mark.slow  # builds an easyocr.Reader
def test_easyocr_and_trdg_in_one_process(bandal: Path, latin_font: Path, tmp_path: Path) -> None:
    import easyocr
    import easyocr_en_models

    reader = easyocr.Reader(["en"], gpu=False, model_storage_directory=easyocr_en_models.model_dir(),
                            download_enabled=False, detector=False, verbose=False)
    assert easyocr.__version__ == "1.7.2"
    assert type(reader.recognizer).__module__ == "easyocr.model.vgg_model"  # gen2 recognizer loaded

    from easyocr_ko.config import GenConfig
    from easyocr_ko.synth._trdg import fake_text_generator
    from easyocr_ko.synth.generate import render_text, trdg_kwargs

    generator = fake_text_generator()
    assert generator.__module__ == "trdg.data_generator" and generator.__name__ == "FakeTextDataGenerator"
    assert fake_text_generator() is generator  # imported and patched once

    image, reason = render_text("한국어", bandal, trdg_kwargs(GenConfig(output=tmp_path)), seed=0)
    assert reason == "" and image.mode == "L" and image.size[1] == 64 and image.size[0] > 64
    pixels = np.asarray(image)
    assert pixels.min() < 80 and pixels.max() > 150  # dark text on a light noise background

    from bidi import get_display  # the import easyocr 1.7.2 makes; python-bidi 0.4.2 lacks it

    assert get_display("abc") == "abc"
    assert get_display("\u05d0\u05d1") == "\u05d1\u05d0"  # Hebrew is reordered for display

    # the Reader reads a word trdg rendered (plain background, no skew or blur): both stacks really work
    plain = GenConfig(output=tmp_path, background=1, skew_angle=0, blur=0, random_skew=False, random_blur=False,
                      text_color="#000000")
    hello, _ = render_text("Hello", latin_font, trdg_kwargs(plain), seed=0)
    assert reader.recognize(np.asarray(hello), detail=0) == ["Hello"]


def test_fake_text_generator_imports_only_the_renderer() -> None:
    # In a fresh interpreter, so that no other test's imports interfere.
    code = ("import sys; from easyocr_ko.synth._trdg import fake_text_generator; fake_text_generator(); "
            "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('trdg', 'wikipedia', 'arabic_reshaper', 'tensorflow'))))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    imported = set(proc.stdout.split())
    assert "trdg.data_generator" in imported and "trdg.computer_text_generator" in imported
    # the modules that need trdg's conflicting dependencies are never imported
    assert not {"trdg.generators", "trdg.run", "trdg.string_generator", "wikipedia", "arabic_reshaper"} & imported
    assert proc.stdout.count("\n") == 1  # trdg's "Missing modules for handwritten text generation." swallowed


def test_one_opencv_and_a_recent_bidi() -> None:
    installed = {d.metadata["Name"].lower() for d in metadata.distributions()}
    assert "opencv-python-headless" in installed
    assert "opencv-python" not in installed, "trdg's opencv-python clashes with easyocr's headless cv2"
    major = int(metadata.version("python-bidi").split(".")[0])
    minor = int(metadata.version("python-bidi").split(".")[1])
    assert (major, minor) >= (0, 5)


def test_trdg_missing_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    from easyocr_ko.errors import EasyOcrKoError
    from easyocr_ko.synth import _trdg

    monkeypatch.setattr(_trdg, "_generator", None)
    monkeypatch.setitem(sys.modules, "trdg.data_generator", None)  # makes the import fail
    with pytest.raises(EasyOcrKoError, match=r"install it with `pip install --no-deps trdg==1.8.0`"):
        _trdg.fake_text_generator()


def test_getsize_patch_matches_pillow9_semantics(bandal: Path) -> None:
    from PIL import ImageFont

    from easyocr_ko.synth import _trdg

    _trdg.fake_text_generator()
    from trdg import computer_text_generator

    font = ImageFont.truetype(str(bandal), 64)
    if hasattr(ImageFont.FreeTypeFont, "getsize"):
        pytest.skip("Pillow < 10: trdg's own get_text_height works unpatched")
    assert computer_text_generator.get_text_height is _trdg._get_text_height
    assert computer_text_generator.get_text_height(font, "한국어") == font.getbbox("한국어")[3]
