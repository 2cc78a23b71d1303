"""``easyocr-ko import``: real datasets (AI Hub JSON, DACON csv, ``gt.txt`` / ``labels.txt``) -> word crops ->
DTRB folders and LMDBs split into train / validation / test by source image.

Output layout (``OUT`` = ``ImportConfig.output``; the same as ``easyocr-ko gen`` plus a test split)::

    OUT/import_config.yaml            the resolved options
    OUT/train/gt.txt                  images/000000001.png<TAB>label  (UTF-8, NFC; DTRB gt format)
    OUT/train/images/*.png            the crops, PNG, grey or BGR as the source (alpha composited on white)
    OUT/train/sources.tsv             index, image, source image, annotation, box: where each crop came from
    OUT/lmdb/train/data.mdb           DTRB LMDB of the same samples (+ sources.tsv, keyed by LMDB index)
    OUT/validation/..., OUT/test/...  the same for the other splits; a split with no sample is not written
    OUT/summary.json                  counts per split, skipped items by reason, problems with file and line

Input formats (details and tiny examples in README.md, section "`import`: real datasets", "Formats"):

* ``aihub``: every ``*.json`` under SRC, COCO-like or per-image AI Hub files (the accepted keys and box forms
  are listed in :mod:`~easyocr_ko.datasets.importers.aihub`).
* ``dacon``: every ``*.csv`` under SRC with the columns ``img_path`` and ``label``
  (:mod:`~easyocr_ko.datasets.importers.dacon`).
* ``gt``: every ``gt.txt`` / ``labels.txt`` under SRC (or the file SRC), ``path<TAB>label`` or ``path label``
  (:mod:`~easyocr_ko.datasets.importers.gt_files`).

Image paths are relative to the annotation file's folder (then to SRC).  A path that is absolute, contains
``..`` or resolves (through a symlink) outside SRC is rejected and counted; nothing outside SRC is read.

Splits are made by source image: the set of distinct source images is ordered by a keyed hash of
``(seed, path relative to SRC)`` (a seeded shuffle that does not depend on the order files are found) and cut
by the ``split`` fractions with largest-remainder rounding, so all crops of one photo land in one split and
the same files, options and seed give byte-identical output.

Robustness: a malformed JSON file, csv row or gt line is reported with its file and line and the rest
continues; undecodable images, empty / unreadable (``xx``) / invalid labels and empty or out-of-image boxes are
skipped and counted by reason.  Everything is written into ``OUT/.import-tmp-*`` and moved into place only
when complete; an interrupted run leaves ``OUT`` as it was.

Modules, in pipeline order: :mod:`~.options` (:class:`ImportConfig`), :mod:`~.context` (what the readers
collect; safe path resolution), the readers :mod:`~.aihub`, :mod:`~.dacon` and :mod:`~.gt_files`,
:mod:`~.splits` (split by source image), :mod:`~.crops` (decode and cut) and :mod:`~.run` (:func:`run_import`,
writing with :mod:`easyocr_ko.datasets.writer`).  The names below are re-exported here.
"""
from __future__ import annotations

from easyocr_ko.datasets.importers.aihub import MAX_COORDINATE, parse_box, read_aihub
from easyocr_ko.datasets.importers.context import IMAGE_EXTENSIONS, Box, Collected, Problem, ReadContext, Source
from easyocr_ko.datasets.importers.crops import MIN_INSIDE, crop_box, load_image
from easyocr_ko.datasets.importers.dacon import read_dacon
from easyocr_ko.datasets.importers.gt_files import read_gt_files
from easyocr_ko.datasets.importers.options import FORMATS, ImportConfig, parse_split
from easyocr_ko.datasets.importers.run import IMPORT_OUTPUT, MAX_PROBLEMS, READERS, collect, run_import
from easyocr_ko.datasets.importers.splits import SPLITS, assign_splits, split_counts

__all__ = [
    "FORMATS",
    "IMAGE_EXTENSIONS",
    "IMPORT_OUTPUT",
    "MAX_COORDINATE",
    "MAX_PROBLEMS",
    "MIN_INSIDE",
    "READERS",
    "SPLITS",
    "Box",
    "Collected",
    "ImportConfig",
    "Problem",
    "ReadContext",
    "Source",
    "assign_splits",
    "collect",
    "crop_box",
    "load_image",
    "parse_box",
    "parse_split",
    "read_aihub",
    "read_dacon",
    "read_gt_files",
    "run_import",
    "split_counts",
]
