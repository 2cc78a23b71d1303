"""``easyocr-ko import`` end to end: read the annotations, split by source image, crop, write the dataset.

The splits are written with the split writer ``easyocr-ko gen`` uses (:mod:`easyocr_ko.datasets.writer`), with
``sources.tsv`` as the per-image manifest, into a staging folder ``OUT/.import-tmp-*`` that is swapped in only
when every split, the config and the summary are complete: an interrupted run leaves ``OUT`` as it was.
"""
from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from tqdm import tqdm

from easyocr_ko.config import save_config
from easyocr_ko.datasets.dtrb import encode_png
from easyocr_ko.datasets.importers.aihub import read_aihub
from easyocr_ko.datasets.importers.context import Collected, Problem, ReadContext, Source
from easyocr_ko.datasets.importers.crops import crop_box, load_image
from easyocr_ko.datasets.importers.dacon import read_dacon
from easyocr_ko.datasets.importers.gt_files import read_gt_files
from easyocr_ko.datasets.importers.options import ImportConfig
from easyocr_ko.datasets.importers.splits import SPLITS, assign_splits
from easyocr_ko.datasets.writer import Manifest, OutputFolder, SplitRecord, SplitSummary, write_split
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import os_errors_naming_arg, temp_dir, write_lines_atomic

__all__ = ["IMPORT_OUTPUT", "MAX_PROBLEMS", "READERS", "SOURCES_MANIFEST", "collect", "run_import"]

MAX_PROBLEMS = 1000  # problems listed in summary.json; all are counted in problems_total
READERS: dict[str, Callable[[ReadContext], None]] = {"aihub": read_aihub, "dacon": read_dacon, "gt": read_gt_files}
# sources.tsv: where each crop came from (source image, annotation, box x,y,w,h in px)
SOURCES_MANIFEST = Manifest("sources.tsv", ("source", "annotation", "box"), tallied=("source",))
IMPORT_OUTPUT = OutputFolder("import", frozenset({"import_config.yaml", "summary.json", "lmdb", *SPLITS}),
                             "choose an empty folder or pass --overwrite")


def collect(config: ImportConfig) -> tuple[Collected, Path]:
    """Read the annotations of ``config.source`` in ``config.format``.

    Returns:
        What was found, and the resolved dataset root.

    Raises:
        FileNotFoundError: SRC does not exist.
    """
    ctx = ReadContext(config)
    READERS[config.format](ctx)
    return ctx.collected, ctx.root


def _records(sources: list[Source], config: ImportConfig, collected: Collected,
             progress: tqdm) -> Iterator[SplitRecord]:
    """The crops of a split's source images, in source and box order; undecodable images and boxes outside
    their image are counted in ``collected`` and left out."""
    for source in sources:
        try:
            image = load_image(source.path.read_bytes())
        except OSError:
            image = None
        if image is None:
            collected.skipped["undecodable image"] += len(source.boxes)
            collected.skipped_files["undecodable image"] += 1
            collected.problems.append(Problem(source.key, None, "undecodable image: skipped"))
            progress.update(len(source.boxes))
            continue
        for box in source.boxes:
            progress.update(1)
            crop, note, (x, y, w, h) = crop_box(image, box.rect, config.margin)
            if crop is None:
                collected.skipped["box outside the image"] += 1
                continue
            if note == "clipped":
                collected.adjusted["box clipped to the image"] += 1
            yield SplitRecord(encode_png(crop), box.label, (source.key, box.origin, f"{x},{y},{w},{h}"))


def _write_splits(by_split: dict[str, list[Source]], stage: Path, config: ImportConfig, collected: Collected,
                  progress: bool) -> dict[str, dict]:
    """Crop every split into ``stage``; return ``{split: {"crops", "source_images"}}`` of the splits written
    (a split that received no crop is not written)."""
    splits: dict[str, dict] = {}
    total = sum(len(s.boxes) for s in collected.sources.values())
    with tqdm(total=total, desc="import", unit="box", disable=not progress, dynamic_ncols=True) as bar:
        for name in SPLITS:
            if not by_split[name]:
                continue
            bar.set_description(f"import {name}")
            result: SplitSummary = write_split(stage, name, _records(by_split[name], config, collected, bar),
                                               SOURCES_MANIFEST)
            if result.images:
                splits[name] = {"crops": result.images, "source_images": len(result.tallies["source"])}
    return splits


def _nothing_usable(config: ImportConfig, collected: Collected) -> EasyOcrKoError:
    """The error for an import that wrote no crop: the most common reasons and the first problem."""
    reasons = (", ".join(f"{n} x {r}" for r, n in collected.skipped.most_common(5))
               or ", ".join(f"{n} file x {r}" for r, n in collected.skipped_files.most_common(5))
               or "no sample")
    first = f"; first problem: {collected.problems[0]}" if collected.problems else ""
    return EasyOcrKoError(f"no usable crop in {config.source} ({reasons}); nothing written{first}")


def _summary(config: ImportConfig, root: Path, collected: Collected, splits: dict[str, dict], start: float) -> dict:
    """The content of ``summary.json`` (see :func:`run_import`)."""
    return {
        "format": config.format,
        "source": str(root),
        "annotation_files": collected.annotation_files,
        "samples": collected.samples,
        "written": sum(s["crops"] for s in splits.values()),
        "splits": splits,
        "skipped": dict(collected.skipped.most_common()),
        "skipped_files": dict(collected.skipped_files.most_common()),
        "adjusted": dict(collected.adjusted),
        "problems_total": len(collected.problems),
        "problems": [str(p) for p in collected.problems[:MAX_PROBLEMS]],
        "seconds": round(time.perf_counter() - start, 2),
    }


@os_errors_naming_arg(lambda config, *args, **kwargs: config.output)
def run_import(config: ImportConfig, overwrite: bool = False, progress: bool = False) -> dict:
    """Run ``easyocr-ko import``: read the annotations, split by source image, crop, write both formats.

    Args:
        config: resolved options.
        overwrite: replace an earlier import output in ``config.output``; never other files.
        progress: show a tqdm bar on stderr (off by default, as every library verb; the CLI shows it unless
            ``-q``).

    Returns:
        The summary written to ``summary.json``: ``splits`` (per split ``crops`` and ``source_images``),
        ``samples`` (boxes / rows / lines seen), ``written``, ``skipped`` (samples by reason; ``samples ==
        written + sum(skipped)``), ``skipped_files`` (annotation files and images by reason), ``adjusted``,
        ``problems`` (the first :data:`MAX_PROBLEMS` as ``file:line: reason``), ``problems_total``,
        ``annotation_files``, ``seconds``.

    Raises:
        FileNotFoundError: SRC does not exist.
        EasyOcrKoError: bad options, a non-empty output folder without ``overwrite`` (or with files import
            did not write), no annotation file found, or no usable crop at all (the message gives the counts
            by reason and the first problem, e.g. a csv without a ``label`` column).
        OSError: a file cannot be written (naming it, or the output folder).
    """
    start = time.perf_counter()
    out = Path(config.output)
    present = IMPORT_OUTPUT.existing(out)
    existed = out.exists()
    replace = IMPORT_OUTPUT.replaceable(out, present, overwrite)
    collected, root = collect(config)
    what = {"aihub": "*.json", "dacon": "*.csv", "gt": " / ".join(config.gt_names)}[config.format]
    if collected.annotation_files == 0:
        raise EasyOcrKoError(f"no {what} annotation file found in {config.source}")
    assignment = assign_splits(collected.sources, config.split, config.seed)
    by_split: dict[str, list[Source]] = {name: [] for name in SPLITS}
    for key in sorted(collected.sources):
        by_split[assignment[key]].append(collected.sources[key])

    out.mkdir(parents=True, exist_ok=True)
    try:
        with temp_dir(out, IMPORT_OUTPUT.stage_prefix) as stage:
            splits = _write_splits(by_split, stage, config, collected, progress)
            if not splits:
                raise _nothing_usable(config, collected)
            summary = _summary(config, root, collected, splits, start)
            save_config(config, stage / "import_config.yaml")
            write_lines_atomic([json.dumps(summary, ensure_ascii=False, indent=1)], stage / "summary.json")
            IMPORT_OUTPUT.swap_in(stage, out, replace)
    finally:
        if not existed and out.is_dir() and not any(out.iterdir()):
            out.rmdir()
    return summary
