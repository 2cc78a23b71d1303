"""Pages per second of ``easyocr-ko read --engine onnx`` against ``easyocr.Reader.readtext``, same trio, same pages.

Usage::

    python bench/bench_read.py                             # 24 pages, bundled korean_hw, median of 3 runs per arm
    python bench/bench_read.py --pages 4 --repeats 1       # a quick check that it works
    python bench/bench_read.py --name NAME --model-dir M --network-dir N   # another trio
    python bench/bench_read.py --keep /tmp/pages --json    # keep the rendered pages, print JSON

The pages: the README's road-sign photo (``tests/data/easyocr_korean.png``, EasyOCR's ``examples/korean.png``)
and ``--pages - 1`` pages rendered with PIL (seeded): 420-1000 px wide, 420-800 px tall, light paper, lines of
1-5 words of the shipped dictionary (``dicts/ko_default.txt``), some followed by a number, each line in a random
font of the shipped ``fonts/`` that draws every Hangul syllable and printable ASCII character, 22-48 px.

The two arms, each in a fresh Python process (``--arm``), alternating (reader, onnx, then onnx, reader, ...),
``--repeats`` times each:

* ``reader``: ``easyocr.Reader(['ko'], recog_network=NAME, gpu=False)`` (Reader's CPU defaults: int8 recognizer,
  float CRAFT; made by :class:`easyocr_ko.trio.reader.ReaderSession`, which checks the trio first) and
  ``reader.readtext(path)`` per page;
* ``onnx``: :func:`easyocr_ko.trio.onnx_engine.trio_page_reader` (what ``read --engine onnx`` runs) and its
  ``read_file(path)`` per page.

In each process the model is loaded (timed apart: ``load s``), the first page is read once untimed (the first
call of a process initialises kernels), then all pages are read in order and timed with ``time.perf_counter``
(decoding, detection, recognition and post-processing included), in wall time and in CPU time of the process
(``time.process_time``: every thread; less disturbed than wall time when other jobs share the CPU, but it counts
threads that spin while they wait, which PyTorch's OpenMP threads do and onnxruntime's do not here).  The ONNX
files are made before the first timed run (a ``prepare`` process), so no run includes the export.  The table
shows the median of the runs per arm; speed-up = Reader's median seconds / the engine's (CPU speed-up: the same
with CPU seconds).

Agreement (from the first run of each arm; both are deterministic): a Reader box is matched when an engine box of
the same page has IoU >= 0.9 (boxes compared as their axis-aligned bounding rectangles), and its string agrees
when the matched box's string is identical; ``pages identical`` counts pages whose boxes (to the pixel) and
strings are all the same.  The machine may be shared with other jobs: only the ratio of one run means much.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PHOTO = REPO / "tests" / "data" / "easyocr_korean.png"


def render_pages(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """``n`` multi-line pages (PNG) rendered with the shipped fonts into ``folder`` (see the module docstring)."""
    from PIL import Image, ImageDraw, ImageFont

    from easyocr_ko.resources import default_dictionary, fonts_dir
    from easyocr_ko.synth.fonts import read_manifest

    rng = random.Random(seed)
    words = [w for w in default_dictionary().read_text(encoding="utf-8").split("\n") if w]
    fonts = [fonts_dir() / e["file"] for e in read_manifest()
             if e["hangul_syllables"] == 11172 and e["ascii_printable"] == 95]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(n):
        width, height = rng.randint(420, 1000), rng.randint(420, 800)
        page = Image.new("L", (width, height), rng.randint(225, 255))
        draw = ImageDraw.Draw(page)
        y = rng.randint(15, 40)
        while True:
            size = rng.randint(22, 48)
            if y + size * 1.6 > height - 10:
                break
            font = ImageFont.truetype(str(rng.choice(fonts)), size)
            line = " ".join(rng.choice(words) for _ in range(rng.randint(1, 5)))
            line += f" {rng.randint(0, 99999)}" if rng.random() < 0.3 else ""
            while font.getlength(line) > width - 40 and " " in line:
                line = line.rsplit(" ", 1)[0]
            x = rng.randint(15, max(16, int(width - 20 - font.getlength(line))))
            draw.text((x, y), line, font=font, fill=rng.randint(0, 60))
            y += int(size * rng.uniform(1.5, 2.2))
        path = folder / f"page_{k:03d}.png"
        page.convert("RGB").save(path)
        paths.append(path)
    return paths


def _location(args: argparse.Namespace):
    from easyocr_ko.resources import bundled_trio
    from easyocr_ko.trio.reader import default_location

    if args.name is None and args.model_dir is None and args.network_dir is None:
        return bundled_trio()
    return default_location(args.name or "custom", args.model_dir, args.network_dir)


def run_arm(args: argparse.Namespace) -> dict:
    """One arm in this process: load, one untimed page, then every page timed."""
    pages = [Path(p) for p in json.loads(args.pages_file.read_text(encoding="utf-8"))]
    start = time.perf_counter()
    if args.arm == "reader":
        from easyocr_ko.trio.reader import ReaderSession

        session = ReaderSession(_location(args))
        reader = session.__enter__()

        def read(path: Path) -> list:
            return [([[int(x), int(y)] for x, y in box], text, float(conf))
                    for box, text, conf in reader.readtext(str(path))]
    else:
        from easyocr_ko.trio.onnx_engine import trio_page_reader

        engine = trio_page_reader(_location(args), threads=args.threads)

        def read(path: Path) -> list:
            return [([[int(x), int(y)] for x, y in box], text, float(conf)) for box, text, conf in
                    engine.read_file(path)]
    load = time.perf_counter() - start
    if args.arm == "prepare":
        return {"load": load}
    read(pages[0])
    start, cpu = time.perf_counter(), time.process_time()
    results = [read(p) for p in pages]
    return {"arm": args.arm, "load": load, "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu, "results": results, "load_average": os.getloadavg()[0]}


def _rect(box: list) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    return min(xs), min(ys), max(xs), max(ys)


def iou(a: list, b: list) -> float:
    """IoU of the axis-aligned bounding rectangles of two 4-point boxes."""
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = _rect(a), _rect(b)
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
    return inter / union if union > 0 else 0.0


def agreement(reference: list[list], other: list[list]) -> dict:
    """Box matching (IoU >= 0.9) and string agreement of ``other`` against ``reference``, page by page."""
    boxes = matched = same = identical_pages = 0
    unmatched_other = 0
    differ: list[dict] = []
    for page, (ref, got) in enumerate(zip(reference, other)):
        boxes += len(ref)
        used: set[int] = set()
        for box, text, _ in ref:
            best = max(((iou(box, g[0]), j) for j, g in enumerate(got) if j not in used), default=(0.0, -1))
            if best[0] >= 0.9:
                matched += 1
                used.add(best[1])
                same += got[best[1]][1] == text
                if got[best[1]][1] != text:
                    differ.append({"page": page, "box": box, "reader": text, "engine": got[best[1]][1]})
        unmatched_other += len(got) - len(used)
        identical_pages += [(b, t) for b, t, _ in ref] == [(b, t) for b, t, _ in got]
    return {"boxes": boxes, "matched": matched, "same_strings": same, "engine_boxes_unmatched": unmatched_other,
            "pages": len(reference), "pages_identical": identical_pages,
            "every_box_matched": matched == boxes and unmatched_other == 0,
            "string_agreement": same / boxes if boxes else 1.0, "different_strings": differ}


def _spawn(args: argparse.Namespace, arm: str, pages_file: Path, out: Path) -> dict:
    command = [sys.executable, __file__, "--arm", arm, "--pages-file", str(pages_file), "--out", str(out)]
    for flag, value in (("--name", args.name), ("--model-dir", args.model_dir), ("--network-dir", args.network_dir),
                        ("--threads", args.threads)):
        if value is not None:
            command += [flag, str(value)]
    subprocess.run(command, check=True, cwd=REPO)
    return json.loads(out.read_text(encoding="utf-8"))


def _table(runs: dict[str, list[dict]], pages: int) -> tuple[list[str], dict]:
    lines = [f"{'engine':8s} {'pages':>5s} {'boxes':>6s} {'load s':>7s} {'median s':>9s} {'runs s':>22s} "
             f"{'pages/s':>8s} {'lines/s':>8s} {'speed-up':>8s} {'CPU s':>7s} {'CPU speed-up':>12s}"]
    medians = {arm: statistics.median(r["seconds"] for r in rs) for arm, rs in runs.items()}
    cpu = {arm: statistics.median(r["cpu_seconds"] for r in rs) for arm, rs in runs.items()}
    summary = {}
    for arm, rs in runs.items():
        boxes = sum(len(page) for page in rs[0]["results"])
        med = medians[arm]
        summary[arm] = {"median_s": med, "runs_s": [r["seconds"] for r in rs], "load_s": rs[0]["load"],
                        "pages_per_s": pages / med, "lines_per_s": boxes / med, "boxes": boxes,
                        "speed_up": medians["reader"] / med, "median_cpu_s": cpu[arm],
                        "cpu_speed_up": cpu["reader"] / cpu[arm], "load_average": [r["load_average"] for r in rs]}
        each = " / ".join(f"{r['seconds']:.1f}" for r in rs)
        lines.append(f"{arm:8s} {pages:5d} {boxes:6d} {rs[0]['load']:7.1f} {med:9.2f} {each:>22s} {pages / med:8.3f} "
                     f"{boxes / med:8.2f} {medians['reader'] / med:7.2f}x {cpu[arm]:7.1f} "
                     f"{cpu['reader'] / cpu[arm]:11.2f}x")
    return lines, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=24, help="pages: the photo + rendered ones [24]")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per arm, median kept [3]")
    parser.add_argument("--seed", type=int, default=0, help="seed of the rendered pages [0]")
    parser.add_argument("--name", help="trio name [the bundled korean_hw]")
    parser.add_argument("--model-dir", type=Path, help="folder of NAME.pth")
    parser.add_argument("--network-dir", type=Path, help="folder of NAME.yaml / NAME.py")
    parser.add_argument("--threads", type=int, help="onnxruntime intra-op threads [physical cores]")
    parser.add_argument("--keep", type=Path, help="render the pages into this folder and keep them")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--arm", choices=["reader", "onnx", "prepare"], help=argparse.SUPPRESS)
    parser.add_argument("--pages-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.arm:
        args.out.write_text(json.dumps(run_arm(args), ensure_ascii=False), encoding="utf-8")
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_read_"))
    try:
        pages = [PHOTO] + render_pages(args.keep or tmp / "pages", args.pages - 1, args.seed)
        pages_file = tmp / "pages.json"
        pages_file.write_text(json.dumps([str(p) for p in pages]), encoding="utf-8")
        prepared = _spawn(args, "prepare", pages_file, tmp / "prepare.json")
        print(f"{len(pages)} pages; ONNX files ready in {prepared['load']:.1f} s; load average "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr)
        runs: dict[str, list[dict]] = {"reader": [], "onnx": []}
        for r in range(args.repeats):
            for arm in (("reader", "onnx") if r % 2 == 0 else ("onnx", "reader")):
                runs[arm].append(_spawn(args, arm, pages_file, tmp / f"{arm}_{r}.json"))
                print(f"run {r + 1} {arm}: {runs[arm][-1]['seconds']:.1f} s", file=sys.stderr)
        lines, summary = _table(runs, len(pages))
        agree = agreement(runs["reader"][0]["results"], runs["onnx"][0]["results"])
        if args.json:
            print(json.dumps({"arms": summary, "agreement": agree}, indent=1))
            return
        print("\n".join(lines))
        print(f"boxes matched (IoU >= 0.9): {agree['matched']}/{agree['boxes']} (engine boxes unmatched: "
              f"{agree['engine_boxes_unmatched']}); same strings: {agree['same_strings']}/{agree['boxes']} "
              f"({agree['string_agreement']:.2%}); pages identical: {agree['pages_identical']}/{agree['pages']}")
        for d in agree["different_strings"][:10]:
            print(f"  page {d['page']} box {d['box']}: Reader {d['reader']!r}, onnx {d['engine']!r}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
