"""Which recognizer is worth its cost: None-VGG-BiLSTM-CTC (EasyOCR gen2), TPS-ResNet-BiLSTM-CTC and
TPS-ResNet-BiLSTM-Attn trained by ``easyocr-ko finetune`` on the same synthetic data for the same wall-clock
budget, then measured on held-out writers.

1. Data (``easyocr-ko gen``, default dictionary words, seed 1): training / validation from
   ``bench/writers/train_writers.yaml`` (the shipped fonts + the fonts root's 58, minus the test writers;
   fonts root: ``EASYOCR_KO_FONTS``, see docs/FONTS.md);
   test from ``bench/writers/test_writers.yaml`` (10 CLOVA writers never rendered for training).
2. Training: one ``easyocr-ko finetune`` process per configuration, one after another, with the same options
   (batch 32, Adam lr 1e-3 constant, batch_max_length 25, validation every
   ``--val-interval`` steps on 100 samples, ``--num-threads`` torch threads), stopped by SIGTERM after
   ``--minutes`` of wall clock (finetune then saves ``last.pth`` at the step reached: start-up, the step-0
   validation and the later validations count against the budget, as they would for a user).
   Input size: gen2 imgH 64 (EasyOCR's, fixed by its weights, width following the crop); the DTRB combinations
   DTRB's own imgH 32 and TPS imgW 100 (at imgH 64 TPS-ResNet costs about four times as much per sample).
   ``--pretrained``: gen2 starts from ``english_g2`` (stock EasyOCR; korean_g2 cannot be downloaded here), the
   DTRB combinations from ``none`` (DTRB publishes no Korean weights; english_g2's tensors do not fit ResNet).
3. Measured: ``easyocr-ko eval --checkpoint last`` on the test writers, read as ``easyocr.Reader`` reads on a CPU
   (int8 dynamic quantization, one crop per batch; Attn with DTRB's greedy decoding): accuracy, CER, lines/s;
   training samples/s (finetune's ``samples_per_s``, mean over its validation intervals; none when no interval
   finished) and samples per wall-clock second of the whole budget (start-up and validations included), steps
   reached and the parameter count.

    .venv/bin/python bench/bench_stages.py                    # 3 x 30 minutes + data and eval, 2 CPU cores
    .venv/bin/python bench/bench_stages.py --minutes 2 --train-count 2000 --test-count 100   # a quick look

Prints one table and writes ``results.json`` into ``--work``; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parent.parent
CONFIGS = {
    "None-VGG-BiLSTM-CTC": ["--pretrained", "english_g2"],
    "TPS-ResNet-BiLSTM-CTC": ["--pretrained", "none", "--imgH", "32", "--Transformation", "TPS",
                              "--FeatureExtraction", "ResNet", "--SequenceModeling", "BiLSTM", "--Prediction", "CTC"],
    "TPS-ResNet-BiLSTM-Attn": ["--pretrained", "none", "--imgH", "32", "--Transformation", "TPS",
                               "--FeatureExtraction", "ResNet", "--SequenceModeling", "BiLSTM", "--Prediction", "Attn"],
}


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "easyocr_ko", *args]


def _gen(work: Path, train_count: int, test_count: int) -> tuple[Path, Path]:
    train, test = work / "data_train", work / "data_test"
    if not (train / "summary.json").is_file():
        subprocess.run(_cli("gen", "--config", "bench/writers/train_writers.yaml", "-o", str(train), "--count",
                            str(train_count), "--val-count", "300", "--seed", "1", "--overwrite"), cwd=REPO, check=True)
    if not (test / "summary.json").is_file():
        subprocess.run(_cli("gen", "--config", "bench/writers/test_writers.yaml", "-o", str(test), "--count",
                            str(test_count), "--val-fraction", "0", "--seed", "2", "--overwrite"), cwd=REPO, check=True)
    return train, test


def _train(name: str, extra: list[str], data: Path, run: Path, args: argparse.Namespace) -> float:
    """finetune until ``args.minutes`` have passed, then SIGTERM (last.pth is saved); returns wall seconds."""
    if (run / "bench_wall.json").is_file():
        return float(json.loads((run / "bench_wall.json").read_text())["seconds"])
    command = _cli("finetune", "--data", str(data), "-o", str(run), *extra, "--num-iter", "1000000",
                   "--val-interval", str(args.val_interval), "--val-samples", "100", "--batch-size", "32",
                   "--optim", "adam", "--lr", "1e-3", "--batch-max-length", "25", "--num-threads",
                   str(args.num_threads), "--seed", "1111", "-q")
    print(f"[{name}] {' '.join(command[3:])}", flush=True)
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=REPO, stderr=open(run.parent / f"{run.name}.stderr", "w"))
    try:
        proc.wait(timeout=args.minutes * 60)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGTERM)  # not SIGINT: a job started in the background (nohup ... &) ignores it
        proc.wait()
    seconds = time.perf_counter() - start
    if not (run / "last.pth").is_file():
        raise SystemExit(f"[{name}] no last.pth after {seconds:.0f} s (stopped before its first step?): "
                         f"see {run.parent / (run.name + '.stderr')}; give more --minutes")
    (run / "bench_wall.json").write_text(json.dumps({"seconds": seconds}))
    return seconds


def _evaluate(run: Path, test: Path, work: Path) -> dict:
    out = work / f"eval_{run.name}"
    shutil.rmtree(out, ignore_errors=True)
    result = subprocess.run(_cli("eval", "--data", str(test), "--split", "train", "--model", f"{run.name}={run}",
                                 "--checkpoint", "last", "--device", "cpu", "--json", "-q", "--output", str(out)),
                            cwd=REPO, check=True, capture_output=True, text=True)
    return json.loads(result.stdout)["models"][run.name]


def _row(name: str, run: Path, seconds: float, scores: dict) -> dict:
    records = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    rates = [r["samples_per_s"] for r in records if r.get("samples_per_s")]
    last = torch.load(run / "last.pth", map_location="cpu", weights_only=True)
    params = sum(v.numel() for k, v in last["model"].items()
                 if not k.endswith(("running_mean", "running_var", "num_batches_tracked", "P_hat", "inv_delta_C")))
    return {"network": name, "steps": last["step"], "wall_s": round(seconds), "samples_per_s":
            round(sum(rates) / len(rates), 2) if rates else None,
            "samples_per_wall_s": round(last["step"] * 32 / seconds, 2), "parameters": params,
            "accuracy": scores["metrics"]["accuracy"], "CER": scores["metrics"]["CER"],
            "norm_ED": scores["metrics"]["norm_ED"], "lines_per_s": scores["lines_per_s"],
            "best_valid_accuracy": max(r["accuracy"] for r in records)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=Path("bench_stages_work"), help="data, runs, results")
    parser.add_argument("--minutes", type=float, default=30.0, help="wall-clock training budget per network [30]")
    parser.add_argument("--train-count", type=int, default=20000, help="training + validation images [20000]")
    parser.add_argument("--test-count", type=int, default=400, help="held-out writer images [400]")
    parser.add_argument("--val-interval", type=int, default=50, help="finetune --val-interval [50]")
    parser.add_argument("--num-threads", type=int, default=os.cpu_count() or 1, help="torch threads [all]")
    parser.add_argument("--only", action="append", choices=list(CONFIGS), help="run only these (repeatable)")
    args = parser.parse_args()
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    train, test = _gen(work, args.train_count, args.test_count)
    rows = []
    for name, extra in CONFIGS.items():
        if args.only and name not in args.only:
            continue
        run = work / name
        seconds = _train(name, extra, train, run, args)
        rows.append(_row(name, run, seconds, _evaluate(run, test, work)))
        print(json.dumps(rows[-1]), flush=True)
    (work / "results.json").write_text(json.dumps(rows, indent=1))
    header = ("network", "steps", "samples/s", "samples/wall s", "parameters", "test accuracy", "test CER",
              "lines/s")
    print("| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for r in rows:
        print(f"| {r['network']} | {r['steps']} | {r['samples_per_s']} | {r['samples_per_wall_s']} | "
              f"{r['parameters'] / 1e6:.2f} M | "
              f"{r['accuracy']:.4f} | {r['CER']:.4f} | {r['lines_per_s']} |")


if __name__ == "__main__":
    main()
