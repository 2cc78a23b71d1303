"""``easyocr-ko import dacon``: DACON csv files -> whole source images with their labels.

Every ``*.csv`` under SRC with the columns ``img_path`` and ``label`` is read (DACON 「손글씨 OCR」:
``id,img_path,label``); each row is one whole image, its path relative to the csv file's folder (then to SRC).
A malformed row is counted and reported with its line, and the rest of the file continues.
"""
from __future__ import annotations

import csv
import io

from easyocr_ko.datasets.importers.context import ReadContext, add_whole_image, read_text

__all__ = ["read_dacon"]


def read_dacon(ctx: ReadContext) -> None:
    """Collect the rows of every ``*.csv`` under the root that has ``img_path`` and ``label`` columns."""
    for path in ctx.files(lambda n: n.lower().endswith(".csv")):
        ctx.collected.annotation_files += 1
        text = read_text(ctx, path)
        if text is None:
            continue
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = next(reader, None)
        except csv.Error as err:
            header = None
            ctx.problem(path, reader.line_num, f"malformed csv header: {err}")
        columns = [h.strip() for h in header] if header else []
        if "img_path" not in columns or "label" not in columns:
            ctx.problem(path, 1, "no 'img_path' and 'label' columns (DACON: id,img_path,label): file skipped")
            ctx.collected.skipped_files["csv without img_path,label columns"] += 1
            continue
        i_path, i_label = columns.index("img_path"), columns.index("label")
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                ctx.collected.samples += 1
                ctx.skip("malformed csv row")
                ctx.problem(path, reader.line_num, f"malformed csv row: {err}")
                continue
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            ctx.collected.samples += 1
            line = reader.line_num
            if len(row) != len(columns):
                ctx.skip("malformed csv row")
                ctx.problem(path, line, f"malformed csv row: {len(row)} fields, the header has {len(columns)}")
                continue
            add_whole_image(ctx, path, line, row[i_path], row[i_label])
