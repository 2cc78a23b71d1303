"""easyocr_ko.evaluation.models: a ``--model`` value -> a loaded recognizer (trio by folder or file, run folder with
its checkpoint, the bundled model by name)."""
from __future__ import annotations

import shutil

import pytest

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.models import resolve_model


def test_model_resolution(run, trio_name, tmp_path):
    export = run / "export"
    assert resolve_model(export / "user_network" / f"{trio_name}.yaml").kind == "trio"
    assert resolve_model(export / "model" / f"{trio_name}.pth").kind == "trio"
    assert resolve_model(f"mine={run}", checkpoint="last").name == "mine"
    flat = tmp_path / "flat"
    flat.mkdir()
    for src in (export / "model" / f"{trio_name}.pth", export / "user_network" / f"{trio_name}.yaml",
                export / "user_network" / f"{trio_name}.py"):
        shutil.copy(src, flat / src.name)
    spec = resolve_model(flat)
    assert (spec.name, spec.kind, spec.character) == (trio_name, "trio", "가나다라마바사아자")
    for ext in ("pth", "yaml", "py"):
        shutil.copy(flat / f"{trio_name}.{ext}", flat / f"other.{ext}")
    with pytest.raises(EasyOcrKoError, match="several trios"):
        resolve_model(flat)
    with pytest.raises(FileNotFoundError, match="model not found"):
        resolve_model(tmp_path / "nothing")


def test_bundled_model_name(run, trio_name, tmp_path, monkeypatch):
    from easyocr_ko import resources

    bundled = tmp_path / "bundled"
    monkeypatch.setattr(resources, "bundled_model_dir", lambda: bundled)
    with pytest.raises(FileNotFoundError, match="bundled korean_hw model is not installed"):
        resolve_model("korean_hw")
    bundled.mkdir()
    for ext, sub in (("pth", "model"), ("yaml", "user_network"), ("py", "user_network")):
        shutil.copy(run / "export" / sub / f"{trio_name}.{ext}", bundled / f"korean_hw.{ext}")
    spec = resolve_model("korean_hw")
    assert (spec.name, spec.kind, spec.character) == ("korean_hw", "trio", "가나다라마바사아자")
