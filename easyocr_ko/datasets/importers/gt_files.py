"""``easyocr-ko import gt``: ``gt.txt`` / ``labels.txt`` files -> whole source images with their labels.

Every file named as ``ImportConfig.gt_names`` under SRC (or the file SRC) is read: ``path<TAB>label`` (DTRB) or
``path label`` (the first space separates; the seed projects' ``labels.txt``), detected per file (a file with a
tab is read as tab-separated) unless ``gt_format`` says which.
"""
from __future__ import annotations

from easyocr_ko.datasets.importers.context import ReadContext, add_whole_image, read_text

__all__ = ["read_gt_files"]


def read_gt_files(ctx: ReadContext) -> None:
    """Collect the lines of every gt file (``gt_names``) under the root, or of the file SRC."""
    names = set(ctx.config.gt_names)
    for path in ctx.files(lambda n: n in names):
        ctx.collected.annotation_files += 1
        text = read_text(ctx, path)
        if text is None:
            continue
        lines = text.split("\n")
        style = ctx.config.gt_format
        if style == "auto":
            style = "tab" if "\t" in text else "space"
        for n, raw in enumerate(lines, start=1):
            line = raw[:-1] if raw.endswith("\r") else raw
            if not line.strip():
                continue
            ctx.collected.samples += 1
            if style == "tab":
                parts = line.split("\t")
                why = "" if len(parts) == 2 else ("no tab between image path and label" if len(parts) == 1
                                                  else "tab inside label")
            else:
                parts = line.strip().split(" ", 1)
                why = "" if len(parts) == 2 else "no space between image path and label"
            if why:
                ctx.skip("malformed gt line")
                ctx.problem(path, n, f"malformed gt line: {why}")
                continue
            add_whole_image(ctx, path, n, parts[0], parts[1])
