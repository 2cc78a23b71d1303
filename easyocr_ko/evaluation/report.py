"""What ``easyocr-ko eval`` found (:class:`EvalReport`) and what it shows and writes: the printed tables,
``summary.json``, the per-model TSVs, the font chart, and the output folder they go into.

Files written into ``--output`` by :func:`write_outputs` (each atomically, :mod:`easyocr_ko.fsutil`):

* ``<model>_predictions.tsv`` (:func:`predictions_lines`): image, truth, prediction, confidence, CER per image;
* ``summary.json`` (:func:`summary_json`): the set, the settings, and per model the metrics, groups, worst
  groups, confusions and speed;
* ``font_cer.png`` (:func:`plot_font_cer`), when the set has gen's font manifest: CER per font, one bar per
  model, drawn with :mod:`easyocr_ko.plotting`.

:func:`format_report` gives the printed report (columns aligned in terminal columns, Hangul counting 2:
:func:`easyocr_ko.hangul.display_width`).  Everything here reads an :class:`EvalReport`; nothing is computed that
the report does not hold.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from easyocr_ko.config import to_dict
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.options import EvalConfig
from easyocr_ko.evaluation.results import ModelResult
from easyocr_ko.evaluation.sets import EvalSet
from easyocr_ko.fsutil import os_errors_naming_arg, write_lines_atomic
from easyocr_ko.hangul import display_width
from easyocr_ko.plotting import korean_figure, korean_rc, save_figure

__all__ = ["EvalReport", "GROUP_KEYS", "file_stem", "summary_json", "predictions_lines", "plot_font_cer",
           "check_output_folder", "write_outputs", "format_table", "format_report"]

GROUP_KEYS = ("font", "text_kind", "content_kind", "length_bucket")
"""The groups CER is broken down by, in the order the printed report shows them."""

_GROUP_TITLES = {"font": "CER per font", "text_kind": "CER per text kind (gen --text-mix)",
                 "content_kind": "CER per content kind (characters of the truth)", "length_bucket": "CER per length"}


@dataclass
class EvalReport:
    """Everything ``easyocr-ko eval`` found: the set, the settings and one
    :class:`~easyocr_ko.evaluation.results.ModelResult` per model.

    Attributes:
        config: the options.
        evalset: the set read.
        results: one per model, in ``--model`` order.
        files: the files written into ``config.output`` (empty without one).
    """

    config: EvalConfig
    evalset: EvalSet
    results: list[ModelResult] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    def to_json(self) -> dict:
        """The summary.json content (:func:`summary_json`)."""
        return summary_json(self)


# ---------------------------------------------------------------- summary.json

def file_stem(name: str) -> str:
    """A model name made safe for a file name (``/``, spaces and other odd characters become ``_``).

    >>> file_stem("runs/v2 best")
    'runs_v2_best'
    """
    return re.sub(r"[^\w.#+-]", "_", name) or "model"


def _finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        return str(obj)
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def _model_json(r: ModelResult) -> dict:
    return {
        "kind": r.spec.kind, "source": r.spec.source, "imgH": r.spec.imgH,
        "characters": len(r.spec.character), "ignored_characters": r.ignored,
        "metrics": r.summary.to_dict(),
        "single_syllable_accuracy": r.single_syllable_accuracy,
        "lines_per_s": round(r.predictions.lines_per_s, 2), "seconds": round(r.predictions.seconds, 3),
        "groups": {k: {g: s.to_dict() for g, s in v.items()} for k, v in r.groups.items()},
        "worst_group": {k: ({"group": w, "CER": r.groups[k][w].CER, "n": r.groups[k][w].n} if w else None)
                        for k, w in r.worst.items()},
        "confusions": [{"truth": t, "prediction": p, "count": n} for (t, p), n in r.confusions],
        "predictions_file": f"{file_stem(r.spec.name)}_predictions.tsv",
    }


def summary_json(report: EvalReport) -> dict:
    """The summary.json content: the set (paths, sizes, skipped samples), the settings (normalisation,
    reading), and per model its source, metrics, groups, worst groups, confusions and speed.  Non-finite rates
    are the strings ``'inf'`` / ``'nan'`` (JSON has no such numbers).

    Raises:
        EasyOcrKoError: the reading device cannot be resolved (CUDA gone since the run).
    """
    c, es = report.config, report.evalset
    out = {
        "data": str(c.data), "datasets": [str(p) for p in es.data.paths], "split": c.split,
        "samples": len(es), "usable_samples": es.total, "skipped": dict(es.data.skipped),
        "limit": c.limit, "seed": c.seed,
        "normalization": {"description": c.normalization.describe(), **to_dict(c.normalization)},
        "reading": {**to_dict(c.read), "device_used": str(c.read.torch_device()), "mode": c.read.describe()},
        "min_group": c.min_group,
        "models": {r.spec.name: _model_json(r) for r in report.results},
    }
    return _finite(out)


# ---------------------------------------------------------------- the files

def _tsv_field(text: str) -> str:
    # Truths come from DTRB labels (no tab/newline) and predictions from character lists; escape anyway.
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def predictions_lines(report: EvalReport, result: ModelResult) -> list[str]:
    """``<model>_predictions.tsv``: header ``image truth prediction confidence CER``, then one line per image
    in set order (truth as stored; confidence as Reader's, 6 decimals; CER of that image after
    normalisation, 4 decimals, ``inf`` for an empty truth read as something).  Backslash, tab and line breaks
    in a field are escaped as ``\\\\``, ``\\t``, ``\\n``, ``\\r``."""
    lines = ["image\ttruth\tprediction\tconfidence\tCER"]
    for image, truth, r, cer in zip(report.evalset.ids, report.evalset.truths, result.predictions.readings,
                                    result.per_image_CER):
        cer_text = f"{cer:.4f}" if math.isfinite(cer) else "inf"
        lines.append(f"{_tsv_field(image)}\t{_tsv_field(truth)}\t{_tsv_field(r.text)}\t{r.confidence:.6f}\t{cer_text}")
    return lines


def plot_font_cer(report: EvalReport, path: Path) -> None:
    """A grouped bar chart of CER per font, one bar per model, written atomically to ``path`` (PNG, 100 dpi).

    Bars are capped at CER 10 (a model that writes long garbage for short truths would flatten the others);
    font and model names are drawn in the shipped Korean font (:mod:`easyocr_ko.plotting`).

    Raises:
        KeyError: the report has no font groups (the set has no font manifest).
        OSError: the file cannot be written (naming it).
    """
    import matplotlib

    fonts = list(report.results[0].groups["font"])
    k = len(report.results)
    width = 0.8 / k
    with matplotlib.rc_context(korean_rc()):
        fig = korean_figure(figsize=(max(6.0, 0.6 * len(fonts) * max(k, 2) / 2 + 2), 4.5))
        ax = fig.subplots()
        x = np.arange(len(fonts))
        for j, r in enumerate(report.results):
            values = [min(r.groups["font"][f].CER, 10.0) for f in fonts]
            ax.bar(x + (j - (k - 1) / 2) * width, values, width, label=r.spec.name)
        ax.set_xticks(x)
        ax.set_xticklabels(fonts, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("CER (lower is better)")
        ax.set_title(f"CER per font, {len(report.evalset)} images\n{report.config.normalization.describe()}",
                     fontsize=9)
        ax.legend(fontsize=8)
        fig.tight_layout()
    save_figure(fig, path, dpi=100)


def check_output_folder(output: Path) -> None:
    """Check, before any work, that ``output`` is or can become a folder: it and its nearest existing ancestor
    must be folders.

    Raises:
        EasyOcrKoError: ``output`` (or a parent of it) is a file.
    """
    output = Path(output)
    if output.exists() and not output.is_dir():
        raise EasyOcrKoError(f"--output {output} is a file, not a folder: give a folder for the results")
    parent = output.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise EasyOcrKoError(f"--output {output}: {parent} is a file, not a folder")


@os_errors_naming_arg(lambda report, output: output)
def write_outputs(report: EvalReport, output: Path) -> list[Path]:
    """Write the per-model TSVs, ``summary.json`` and (with fonts) ``font_cer.png`` into ``output``, creating
    it.

    Returns:
        The files written, in that order.

    Raises:
        OSError: a file cannot be written (naming it).
    """
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for r in report.results:
        path = output / f"{file_stem(r.spec.name)}_predictions.tsv"
        write_lines_atomic(predictions_lines(report, r), path)
        written.append(path)
    path = output / "summary.json"
    write_lines_atomic([json.dumps(summary_json(report), ensure_ascii=False, indent=1)], path)
    written.append(path)
    if report.evalset.fonts is not None:
        path = output / "font_cer.png"
        plot_font_cer(report, path)
        written.append(path)
    return written


# ---------------------------------------------------------------- the printed report

def format_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                 right: Sequence[bool] | None = None) -> list[str]:
    """Rows of strings as ``a | b | c`` lines under a ``-+-`` rule, columns padded to their widest cell in
    terminal columns (:func:`easyocr_ko.hangul.display_width`: Hangul counts 2); body cells right-aligned where
    ``right`` says so (the header stays left-aligned).

    >>> format_table(["model", "CER"], [["가나", "0.5"]], [False, True])
    ['model | CER', '------+----', '가나  | 0.5']
    """
    widths = [max(display_width(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    right = right or [False] * len(header)
    out = []
    for row in [header, *rows]:
        cells = []
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - display_width(str(cell)))
            cells.append(pad + str(cell) if right[i] and row is not header else str(cell) + pad)
        out.append(" | ".join(cells).rstrip())
    out.insert(1, "-+-".join("-" * w for w in widths))
    return out


def _num(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.4f}" if math.isfinite(value) else str(value)


def _header_lines(report: EvalReport) -> list[str]:
    c, es = report.config, report.evalset
    lines = [f"data: {', '.join(map(str, es.data.paths))}: {len(es)} images"
             + (f" (seeded subset of {es.total})" if len(es) < es.total else "")
             + "".join(f"; skipped {n} x {reason}" for reason, n in sorted(es.data.skipped.items())),
             f"normalization: {c.normalization.describe()}",
             f"reading: {c.read.describe()}; Reader lang_list {','.join(c.read.lang_list)}; contrast retry below "
             f"{c.read.contrast_ths} (adjust_contrast {c.read.adjust_contrast})"]
    for r in report.results:
        ignored = (f"; Reader ignores {len(r.ignored)} of its {len(r.spec.character)} characters: {r.ignored}"
                   if r.ignored else "")
        lines.append(f"{r.spec.name}: {r.spec.kind} {r.spec.source} (imgH {r.spec.imgH}){ignored}")
    return lines


def _main_table(report: EvalReport) -> list[str]:
    header = ["model", "n", "accuracy", "norm_ED", "CER", "jamo_CER", "1-syllable acc", "worst font (CER)", "lines/s"]
    rows = []
    for r in report.results:
        s = r.summary
        worst = r.worst.get("font")
        worst_text = f"{worst} ({_num(r.groups['font'][worst].CER)})" if worst else "-"
        rows.append([r.spec.name, str(s.n), _num(s.accuracy), _num(s.norm_ED), _num(s.CER), _num(s.jamo_CER),
                     _num(r.single_syllable_accuracy), worst_text, f"{r.predictions.lines_per_s:.1f}"])
    return format_table(header, rows, [False, True, True, True, True, True, True, False, True])


def _group_table(report: EvalReport, key: str) -> list[str]:
    first = report.results[0].groups[key]
    header = [key, "n"] + [r.spec.name for r in report.results]
    rows = []
    for g in first:
        cells = [g, str(first[g].n)]
        for r in report.results:
            cells.append(_num(r.groups[key][g].CER) + (" *" if r.worst.get(key) == g else ""))
        rows.append(cells)
    return (["", f"{_GROUP_TITLES[key]} (* = worst group with >= {report.config.min_group} images)"]
            + format_table(header, rows, [False, True] + [True] * len(report.results)))


def format_report(report: EvalReport) -> list[str]:
    """The printed report, as lines: a one-line header per setting and model, the side-by-side table (model,
    n, accuracy, norm_ED, CER, jamo_CER, 1-syllable acc, worst font (CER), lines/s), then CER per font, per
    text kind, per content kind and per length bucket (those the report has), the top confusions, and the
    files written.

    Raises:
        EasyOcrKoError: the reading device cannot be resolved (CUDA gone since the run).
    """
    lines = _header_lines(report) + [""] + _main_table(report)
    for key in GROUP_KEYS:
        if key in report.results[0].groups:
            lines += _group_table(report, key)
    lines += ["", "top confusions (truth -> prediction x count; '' = missing or extra)"]
    for r in report.results:
        shown = ", ".join(f"{t!r}->{p!r} x{n}" for (t, p), n in r.confusions[:10])
        lines.append(f"{r.spec.name}: {shown or 'none'}")
    if report.files:
        lines += ["", f"wrote {', '.join(str(p) for p in report.files)}"]
    return lines
