"""Packaging for easyocr-ko.

trdg 1.8.0 is deliberately NOT in ``install_requires``: its metadata pins python-bidi==0.4.2 (easyocr 1.7.2
needs >= 0.5), arabic-reshaper==2.1.3 (imports pkg_resources) and opencv-python (clashes with easyocr's
opencv-python-headless in the same ``cv2``).  No resolver can satisfy both packages, so README installs
trdg with ``--no-deps`` and this package lists the few libraries the trdg modules we import really use
(Pillow, numpy, OpenCV).  ``easyocr_ko.synth._trdg`` checks the import at run time and patches trdg's one
Pillow-10 incompatibility (``FreeTypeFont.getsize``) in memory.  See README, "Why trdg is installed with
--no-deps".
"""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def _data_files(folder: str, patterns: tuple[str, ...]) -> list[str]:
    root = HERE / folder
    out = []
    for pattern in patterns:
        out += [str(p.relative_to(root)) for p in root.rglob(pattern) if p.is_file()]
    return sorted(set(out))


# Metadata, dependencies, extras and the console script are in pyproject.toml (PEP 621).  What stays here: the
# repository keeps user_network/, fonts/ and dicts/ at its top level; installed, they live inside the
# package so that the library finds them with easyocr_ko.resources.
setup(
    packages=find_packages(include=["easyocr_ko", "easyocr_ko.*"])
    + ["easyocr_ko.user_network", "easyocr_ko.fonts", "easyocr_ko.dicts"],
    package_dir={
        "easyocr_ko": "easyocr_ko",
        "easyocr_ko.user_network": "user_network",
        "easyocr_ko.fonts": "fonts",
        "easyocr_ko.dicts": "dicts",
    },
    package_data={
        "easyocr_ko": _data_files("easyocr_ko", ("py.typed", "*.pth", "*.yaml", "*.md", "*.json", "*.txt",
                                                 "bundled/*.py")),
        "easyocr_ko.user_network": _data_files("user_network", ("*.py", "*.yaml", "*.md")),
        "easyocr_ko.fonts": _data_files("fonts", ("*.ttf", "*.otf", "*.json", "*.txt", "*.md")),
        "easyocr_ko.dicts": _data_files("dicts", ("*.txt", "*.md", "*.json")),
    },
)
