"""What a wheel or sdist carries besides the code: the package's licence and the shipped data's licences."""
from __future__ import annotations

import hashlib

import pytest

from conftest import REPO_ROOT

tomllib = pytest.importorskip("tomllib")  # Python >= 3.11

APACHE_2_0_MD5 = "3b83ef96387f14655fc854ddc3c6bd57"  # https://www.apache.org/licenses/LICENSE-2.0.txt, unmodified


def _project() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_license_is_the_full_apache_2_0_text() -> None:
    text = (REPO_ROOT / "LICENSE").read_bytes()
    assert hashlib.md5(text).hexdigest() == APACHE_2_0_MD5
    assert _project()["license"] == "Apache-2.0"


def test_license_files_name_the_package_and_data_licences() -> None:
    patterns = _project()["license-files"]
    found = {p.relative_to(REPO_ROOT).as_posix() for pattern in patterns for p in REPO_ROOT.glob(pattern)}
    assert {"LICENSE", "fonts/README.md", "dicts/README.md"} <= found
    assert {f"fonts/licenses/{p.name}" for p in (REPO_ROOT / "fonts" / "licenses").iterdir()} <= found
    assert all(any(REPO_ROOT.glob(pattern)) for pattern in patterns)  # no pattern that matches nothing


def test_torchvision_is_not_a_direct_dependency() -> None:
    """easyocr brings what it needs; easyocr-ko itself never imports torchvision."""
    assert not any(dep.split(">")[0].split("=")[0].strip() == "torchvision" for dep in _project()["dependencies"])
    sources = [p for folder in ("easyocr_ko", "user_network") for p in (REPO_ROOT / folder).rglob("*.py")]
    assert not [p for p in sources if "torchvision" in p.read_text(encoding="utf-8")]
