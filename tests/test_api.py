"""The package's Python API: one lazily imported namespace, and README's "Python API" examples, run as written."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import easyocr_ko

from conftest import REPO_ROOT


def test_importing_the_package_loads_no_heavy_module() -> None:
    """``import easyocr_ko`` stays fast: torch, EasyOCR, matplotlib and the package's own subpackages load only when
    a public name is first used (in a fresh interpreter: this one has imported them already)."""
    script = ("import sys, easyocr_ko; heavy = ('torch', 'easyocr', 'matplotlib', 'cv2', 'trdg', 'easyocr_ko.synth', "
              "'easyocr_ko.training'); print([m for m in heavy if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def test_every_public_name_resolves_to_its_module() -> None:
    assert set(easyocr_ko.__all__) == {"__version__", "EasyOcrKoError", *easyocr_ko._LAZY}
    assert sorted(dir(easyocr_ko)) == dir(easyocr_ko) and set(easyocr_ko.__all__) <= set(dir(easyocr_ko))
    for name in easyocr_ko.__all__:
        value = getattr(easyocr_ko, name)
        assert value is not None, name
        if callable(value) and name != "EasyOcrKoError":
            assert value.__doc__ and "Raises" in value.__doc__ or isinstance(value, type), name
    from easyocr_ko.evaluation.read import read
    from easyocr_ko.trio.export import export_run

    assert easyocr_ko.read is read and easyocr_ko.export is export_run
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        easyocr_ko.nothing_here  # noqa: B018


def _readme_api_blocks() -> list[str]:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Python API\n(.*?)(?=^## )", text, re.S | re.M)
    assert section, "README.md has no '## Python API' section"
    return re.findall(r"^```python\n(.*?)^```", section.group(1), re.S | re.M)


@pytest.mark.slow  # runs README's examples: easyocr.Reader and CRAFT
def test_readme_python_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The blocks run in order in one namespace, in a folder that stands for the repository root (its
    ``tests/data`` is the repository's), and give what their comments say."""
    blocks = _readme_api_blocks()
    assert len(blocks) >= 4
    (tmp_path / "tests").symlink_to(REPO_ROOT / "tests", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.md (Python API)", "exec"), namespace)  # noqa: S102
    assert namespace["summary"]["splits"]["validation"]["images"] == 20
    assert (tmp_path / "data" / "api" / "lmdb" / "train" / "data.mdb").is_file()
    assert sorted(namespace["paths"]) == ["pth", "py", "yaml"]
    assert all(path.is_file() for path in namespace["paths"].values())
    assert set(namespace["cer"]) == {"korean_hw", "mine"}
    assert [row["text"] for row in namespace["rows"]] == ["서울", "평양", "Seoul", "pyeongyang", "56km", "205Km"]
