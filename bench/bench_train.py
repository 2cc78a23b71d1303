"""Training throughput of ``easyocr-ko finetune``, against an earlier revision in the same run, on 1 and 2 ranks;
and Reader speed of an exported model.

1. Training samples/s of ``finetune`` (``easyocr_ko.training.finetune.finetune``) on a fixed small dataset (gen, default
   dictionary, seed 0) and a fixed config (english_g2 start, batch 32, Adadelta, seed 1111), float32 and bf16
   autocast, for this working tree and for ``--baseline REV`` (default a13d3a8, the revision before the
   channels_last / foreach / background-batch work of issue 11), each in a fresh process, alternating, median of
   ``--repeats``.  The figure is finetune's own ``samples_per_s`` (training steps only, data loading included,
   validation excluded).  The train loss of each validation interval is printed beside it: the same seed should
   give the same loss curve within bf16/float noise.
2. Ranks: 1 process with 2 torch threads, 1 process with 1 thread, and 2 processes under torchrun (gloo, one
   thread each, batch 16 per process = the same global batch of 32).  On a 2-core CPU DDP is not expected to be
   faster than one process using both cores: it is there for machines with several GPUs.
3. easyocr.Reader lines/s (``Reader.recognize`` on one crop at a time, as on CPU) with the exported trio vs the
   same architecture with korean_g2's shape (1,008 characters + blank, random weights exported the same way).

    .venv/bin/python bench/bench_train.py                 # ~15 minutes on 2 CPU cores
    .venv/bin/python bench/bench_train.py --steps 40 --device cuda --no-ranks

Prints one table per part; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch
import yaml

REPO = Path(__file__).resolve().parent.parent
RUNNER = """
import json, sys
from pathlib import Path
from easyocr_ko.config import FinetuneConfig
try:
    from easyocr_ko.training.finetune import finetune
except ImportError:  # a --baseline revision from before the subpackage layout (issue 13)
    from easyocr_ko.train import finetune
options = json.loads(sys.argv[1])
config = FinetuneConfig(**{**options, "data": tuple(options["data"]), "output": Path(options["output"])})
summary = finetune(config, log_stream=None)
print(json.dumps({"samples_per_s": summary["samples_per_s"], "steps": summary["steps"]}))
"""


def _gen(out: Path, count: int) -> Path:
    from easyocr_ko.config import GenConfig
    from easyocr_ko.synth.generate import generate

    generate(GenConfig(output=out, count=count, val_count=64, seed=0), progress=False)
    return out


def _options(data: Path, out: Path, args: argparse.Namespace, amp: bool, batch: int) -> dict:
    return {"data": [str(data)], "output": str(out), "pretrained": "english_g2", "num_iter": args.steps,
            "val_interval": max(args.steps // 3, 1), "batch_size": batch, "amp": amp, "device": args.device,
            "val_samples": 64, "seed": 1111}


def _losses(run: Path) -> list[float]:
    records = [json.loads(x) for x in (run / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    return [round(r["train_loss"], 4) for r in records if r["train_loss"] is not None]


def _rate(run: Path) -> float:
    """Samples/s over the training steps of all intervals (metrics.jsonl; validation excluded)."""
    records = [json.loads(x) for x in (run / "metrics.jsonl").read_text(encoding="utf-8").splitlines()]
    rates = [r["samples_per_s"] for r in records if r.get("samples_per_s")]
    return statistics.mean(rates[1:] or rates)  # the first interval carries the warm-up


def _train_in_process(source: Path, options: dict, threads: int) -> dict:
    env = {**os.environ, "PYTHONPATH": str(source), "OMP_NUM_THREADS": str(threads)}
    done = subprocess.run([sys.executable, "-c", RUNNER, json.dumps(options)], env=env, capture_output=True,
                          text=True, cwd=source)
    if done.returncode:
        raise SystemExit(f"training with {source} failed:\n{done.stderr[-2000:]}")
    run = Path(options["output"])
    return {"samples_per_s": round(_rate(run), 2), "train_loss": _losses(run)}


def _train_torchrun(data: Path, out: Path, args: argparse.Namespace, nproc: int, batch: int) -> dict:
    config = out.with_suffix(".yaml")
    options = {k: v for k, v in _options(data, out, args, True, batch).items() if k != "output"}
    config.write_text(yaml.safe_dump(options), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "easyocr_ko.cli", "finetune", "-q", "--nproc", str(nproc),
                           "--config", str(config), "--output", str(out)], env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"torchrun training failed:\n{done.stderr[-2000:]}")
    return {"samples_per_s": round(_rate(out), 2), "train_loss": _losses(out)}


def _baseline_tree(rev: str, folder: Path) -> Path | None:
    """The files of ``rev`` (``git archive`` into ``folder``), or None without git or without that revision."""
    try:
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    import io
    import tarfile

    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def _reader_speed(trio_dirs: tuple[Path, Path], name: str, crops: list, quantize: bool) -> float:
    from easyocr_ko.trio.reader import ReaderSession, TrioLocation

    with ReaderSession(TrioLocation(name, *trio_dirs), detector=False, quantize=quantize) as reader:
        reader.recognize(crops[0])
        start = time.perf_counter()
        for crop in crops:
            reader.recognize(crop)
        return len(crops) / (time.perf_counter() - start)


def _korean_g2_shaped_trio(folder: Path) -> tuple[Path, Path]:
    from easyocr_ko.charset import korean_g2_characters
    from easyocr_ko.recognizer.model import GEN2_NETWORK_PARAMS, build_model
    from easyocr_ko.recognizer.pretrained import CHECKPOINT_FORMAT
    from easyocr_ko.trio.export import export_checkpoint

    chars = korean_g2_characters()
    torch.manual_seed(0)
    model = build_model(len(chars) + 1, **GEN2_NETWORK_PARAMS)
    folder.mkdir(parents=True, exist_ok=True)
    ckpt = folder / "korean_g2_shaped.pth"
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": chars,
                "network_params": dict(GEN2_NETWORK_PARAMS), "imgH": 64}, ckpt)
    paths = export_checkpoint(ckpt, folder / "model", folder / "user_network", name="korean_g2_shaped")
    return paths["pth"].parent, paths["yaml"].parent


def _training_table(data: Path, tmp: Path, args: argparse.Namespace) -> list[dict]:
    baseline = _baseline_tree(args.baseline, tmp / "baseline") if args.baseline else None
    trees = [("this tree", REPO)] + ([(f"baseline {args.baseline}", baseline)] if baseline else [])
    rows = []
    for amp in (False, True):
        runs: dict[str, list[dict]] = {label: [] for label, _ in trees}
        for k in range(args.repeats):
            for label, source in (trees if k % 2 == 0 else trees[::-1]):
                out = tmp / f"run_{label.split()[0]}_amp{int(amp)}_{k}"
                runs[label].append(_train_in_process(source, _options(data, out, args, amp, args.batch_size),
                                                     args.threads))
        for label, results in runs.items():
            rows.append({"setting": f"{'bf16 autocast' if amp else 'float32'}, {label}",
                         "samples_per_s": statistics.median(r["samples_per_s"] for r in results),
                         "all": [r["samples_per_s"] for r in results], "train_loss": results[0]["train_loss"]})
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1200, help="gen images of the fixed dataset")
    parser.add_argument("--steps", type=int, default=60, help="training steps per setting")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=2, help="torch threads of the single-process runs")
    parser.add_argument("--repeats", type=int, default=2, help="runs per setting and tree (median)")
    parser.add_argument("--baseline", default="a13d3a8", help="git revision to compare with ('' = none)")
    parser.add_argument("--no-ranks", action="store_true", help="skip the 1-vs-2-process part")
    parser.add_argument("--crops", type=int, default=200, help="crops for the Reader part")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from easyocr_ko.datasets.dtrb import LmdbDataset, decode_gray
    from easyocr_ko.recognizer.device import cpu_has_bf16

    results: dict = {"device": args.device, "torch": torch.__version__, "threads": args.threads,
                     "cpu_bf16": cpu_has_bf16(), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp_name:
        tmp = Path(tmp_name)
        data = _gen(tmp / "data", args.count)
        results["training"] = _training_table(data, tmp, args)
        if not args.no_ranks:
            half = args.batch_size // 2
            results["ranks"] = [
                {**next(r for r in results["training"] if r["setting"] == "bf16 autocast, this tree"),
                 "setting": f"1 process, {args.threads} threads, batch {args.batch_size}"},
                {**_train_in_process(REPO, _options(data, tmp / "r1t1", args, True, args.batch_size), 1),
                 "setting": f"1 process, 1 thread, batch {args.batch_size}"},
                {**_train_torchrun(data, tmp / "r2", args, 2, half),
                 "setting": f"2 processes (torchrun, gloo), 1 thread each, batch {half} each"},
            ]
        trio = (tmp / "run_this_amp1_0" / "export" / "model", tmp / "run_this_amp1_0" / "export" / "user_network")
        kg2 = _korean_g2_shaped_trio(tmp / "kg2")
        val = LmdbDataset(data / "lmdb" / "validation")
        crops = [decode_gray(val[i % len(val)][0]) for i in range(args.crops)]
        reader_rows = []
        for quantize in (True, False):
            ours = _reader_speed(trio, "custom", crops, quantize)
            theirs = _reader_speed(kg2, "korean_g2_shaped", crops, quantize)
            reader_rows.append({"quantize": quantize, "exported_lines_per_s": round(ours, 1),
                                "korean_g2_shaped_lines_per_s": round(theirs, 1), "ratio": round(ours / theirs, 3)})
        results["reader"] = reader_rows
        results["charset"] = len((tmp / "run_this_amp1_0" / "character.txt").read_text(encoding="utf-8").rstrip("\n"))

    if args.json:
        print(json.dumps(results, indent=1))
        return
    _print(results, args)


def _print(results: dict, args: argparse.Namespace) -> None:
    print(f"device {results['device']}, torch {results['torch']}, {results['cores']} cores, "
          f"CPU bf16: {results['cpu_bf16']}; {args.steps} steps, batch {args.batch_size}, median of {args.repeats}")
    print(f"{'training (english_g2 start)':48s} {'samples/s':>10s}  runs            train loss per interval")
    for row in results["training"]:
        print(f"  {row['setting']:46s} {row['samples_per_s']:10.2f}  {str(row['all']):15s} {row['train_loss']}")
    by = {row["setting"]: row["samples_per_s"] for row in results["training"]}
    for amp in ("float32", "bf16 autocast"):
        base = [v for k, v in by.items() if k.startswith(amp + ", baseline")]
        if base:
            print(f"  {amp}: this tree / baseline = {by[amp + ', this tree'] / base[0]:.2f}x")
    if "ranks" in results:
        print("ranks (bf16 autocast where the CPU has it; global batch "
              f"{args.batch_size})")
        for row in results["ranks"]:
            print(f"  {row['setting']:62s} {row['samples_per_s']:8.2f} samples/s  loss {row['train_loss']}")
    print(f"Reader.recognize, one crop at a time ({args.crops} crops); exported charset {results['charset']} "
          "vs korean_g2's 1,008")
    print(f"  {'quantize':10s} {'exported lines/s':>18s} {'korean_g2-shaped':>18s} {'ratio':>7s}")
    for row in results["reader"]:
        print(f"  {str(row['quantize']):10s} {row['exported_lines_per_s']:18.1f} "
              f"{row['korean_g2_shaped_lines_per_s']:18.1f} {row['ratio']:7.3f}")


if __name__ == "__main__":
    sys.exit(main())
