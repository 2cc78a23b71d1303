"""easyocr-ko: Korean handwriting recognition for EasyOCR.

The package renders synthetic Korean text images with trdg, writes them in the formats of clova's
deep-text-recognition-benchmark (DTRB: ``gt.txt`` + images, LMDB), fine-tunes EasyOCR's gen2 recognizer
(None-VGG-BiLSTM-CTC) and exports the ``custom.py / custom.yaml / custom.pth`` trio that
``easyocr.Reader(['ko'], recog_network='custom')`` loads.

The Python API is this package's namespace, one function (and config) per ``easyocr-ko`` verb::

    from easyocr_ko import GenConfig, generate, FinetuneConfig, finetune, EvalConfig, evaluate, export, read

===========================  ==========================================================================
verb                         names
===========================  ==========================================================================
``gen``                      :func:`generate` (:class:`GenConfig`)
``texts``                    :func:`generate_texts` (:class:`TextMix`, :func:`load_dictionary`)
``import``                   :func:`run_import` (:class:`ImportConfig`)
``lmdb``                     :func:`folder_to_lmdb`
``finetune``                 :func:`finetune` (:class:`FinetuneConfig`; ``--resume``: :func:`load_run_config`)
``export``                   :func:`export`; ``export --onnx``: :func:`export_onnx`
``install-model``            :func:`install_model`
``read``                     :func:`read`
``eval``                     :func:`evaluate` (:class:`EvalConfig`, :class:`ReadSettings`,
                             :class:`Normalization`; printed as :func:`format_report`); ``eval --image``:
                             :func:`top_candidates`
``--config FILE``            :func:`build_config` (defaults < YAML file < explicit options)
===========================  ==========================================================================

Every function takes ``progress=False`` by default where it can show a progress bar (the command line shows
it unless ``-q``), and raises :class:`EasyOcrKoError` (one line) or ``OSError`` on bad input.  The names are
imported lazily (PEP 562): ``import easyocr_ko`` loads neither torch nor EasyOCR; the first use of a name
imports the module that defines it.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from easyocr_ko.errors import EasyOcrKoError

__version__ = "0.1.0"

# public name -> (module, attribute there)
_LAZY: dict[str, tuple[str, str]] = {
    "GenConfig": ("easyocr_ko.config", "GenConfig"),
    "FinetuneConfig": ("easyocr_ko.config", "FinetuneConfig"),
    "build_config": ("easyocr_ko.config", "build_config"),
    "generate": ("easyocr_ko.synth.generate", "generate"),
    "generate_texts": ("easyocr_ko.text.generator", "generate_texts"),
    "TextMix": ("easyocr_ko.text.generator", "TextMix"),
    "load_dictionary": ("easyocr_ko.text.dictionary", "load_dictionary"),
    "ImportConfig": ("easyocr_ko.datasets.importers", "ImportConfig"),
    "run_import": ("easyocr_ko.datasets.importers", "run_import"),
    "folder_to_lmdb": ("easyocr_ko.datasets.dtrb", "folder_to_lmdb"),
    "finetune": ("easyocr_ko.training.finetune", "finetune"),
    "load_run_config": ("easyocr_ko.training.state", "load_run_config"),
    "export": ("easyocr_ko.trio.export", "export_run"),
    "export_onnx": ("easyocr_ko.trio.onnx", "export_onnx"),
    "install_model": ("easyocr_ko.trio.export", "install_bundled"),
    "read": ("easyocr_ko.evaluation.read", "read"),
    "EvalConfig": ("easyocr_ko.evaluation.options", "EvalConfig"),
    "ReadSettings": ("easyocr_ko.evaluation.read", "ReadSettings"),
    "EvalReport": ("easyocr_ko.evaluation.report", "EvalReport"),
    "evaluate": ("easyocr_ko.evaluation.evaluate", "evaluate"),
    "top_candidates": ("easyocr_ko.evaluation.read", "top_candidates"),
    "Normalization": ("easyocr_ko.evaluation.metrics", "Normalization"),
    "format_report": ("easyocr_ko.evaluation.report", "format_report"),
}

# written out (not built from _LAZY) so that linters and type checkers read it; tests/test_api.py checks they agree
__all__ = [
    "__version__", "EasyOcrKoError", "GenConfig", "FinetuneConfig", "build_config", "generate", "generate_texts",
    "TextMix", "load_dictionary", "ImportConfig", "run_import", "folder_to_lmdb", "finetune", "load_run_config",
    "export", "export_onnx", "install_model", "read", "EvalConfig", "ReadSettings", "EvalReport", "evaluate",
    "top_candidates", "Normalization", "format_report",
]

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time __getattr__ imports on first use
    from easyocr_ko.config import FinetuneConfig, GenConfig, build_config
    from easyocr_ko.datasets.dtrb import folder_to_lmdb
    from easyocr_ko.datasets.importers import ImportConfig, run_import
    from easyocr_ko.evaluation.evaluate import evaluate
    from easyocr_ko.evaluation.metrics import Normalization
    from easyocr_ko.evaluation.options import EvalConfig
    from easyocr_ko.evaluation.read import ReadSettings, read, top_candidates
    from easyocr_ko.evaluation.report import EvalReport, format_report
    from easyocr_ko.synth.generate import generate
    from easyocr_ko.text.dictionary import load_dictionary
    from easyocr_ko.text.generator import TextMix, generate_texts
    from easyocr_ko.training.finetune import finetune
    from easyocr_ko.training.state import load_run_config
    from easyocr_ko.trio.export import export_run as export
    from easyocr_ko.trio.export import install_bundled as install_model
    from easyocr_ko.trio.onnx import export_onnx


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562) and keep it in the package's namespace.

    Raises:
        AttributeError: ``name`` is not part of the API.
    """
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'easyocr_ko' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The module's attributes and the lazily imported public names."""
    return sorted(set(globals()) | set(__all__))
