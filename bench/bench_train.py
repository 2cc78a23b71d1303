"""Training throughput and Reader speed of easyocr-ko's gen2 recognizer.

1. Training samples/s of ``easyocr-ko finetune`` (``easyocr_ko.train.finetune``) on a fixed small dataset (gen,
   default dictionary, seed 0) and a fixed config (english_g2 start, batch 32, Adadelta), with float32 steps and
   with bf16 autocast (``--amp``, used on CPUs with native bf16 and on CUDA); the figure is finetune's own
   ``samples_per_s`` (training steps only, data loading included, validation excluded).
2. easyocr.Reader lines/s (``Reader.recognize`` on one crop at a time, as on CPU) with an exported easyocr-ko trio vs
   the same architecture with korean_g2's shape (1,008 characters + blank, random weights exported the same way),
   on the same crops, in one run.

    python bench/bench_train.py                 # ~5 minutes on 2 CPU cores
    python bench/bench_train.py --steps 40 --device cuda

Prints one table per part; nothing is asserted.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import torch


def _gen(out: Path, count: int) -> Path:
    from easyocr_ko.config import GenConfig
    from easyocr_ko.synth import generate

    generate(GenConfig(output=out, count=count, val_count=64, seed=0), progress=False)
    return out


def _train(data: Path, out: Path, steps: int, amp: bool, device: str, batch: int) -> dict:
    from easyocr_ko.config import FinetuneConfig
    from easyocr_ko.train import finetune

    config = FinetuneConfig(data=(data,), output=out, pretrained="english_g2", num_iter=steps, val_interval=steps,
                            batch_size=batch, amp=amp, device=device, val_samples=64, seed=0)
    summary = finetune(config, log_stream=None)
    return {"samples_per_s": summary["samples_per_s"], "steps": summary["steps"]}


def _reader_speed(trio_dirs: tuple[Path, Path], name: str, crops: list, quantize: bool) -> float:
    from easyocr_ko.reader import ReaderSession, TrioLocation

    with ReaderSession(TrioLocation(name, *trio_dirs), detector=False, quantize=quantize) as reader:
        reader.recognize(crops[0])
        start = time.perf_counter()
        for crop in crops:
            reader.recognize(crop)
        return len(crops) / (time.perf_counter() - start)


def _korean_g2_shaped_trio(folder: Path) -> tuple[Path, Path]:
    from easyocr_ko.charset import korean_g2_characters
    from easyocr_ko.export import export_checkpoint
    from easyocr_ko.model import GEN2_NETWORK_PARAMS, build_model
    from easyocr_ko.pretrained import CHECKPOINT_FORMAT

    chars = korean_g2_characters()
    torch.manual_seed(0)
    model = build_model(len(chars) + 1, **GEN2_NETWORK_PARAMS)
    folder.mkdir(parents=True, exist_ok=True)
    ckpt = folder / "korean_g2_shaped.pth"
    torch.save({"format": CHECKPOINT_FORMAT, "model": model.state_dict(), "character": chars,
                "network_params": dict(GEN2_NETWORK_PARAMS), "imgH": 64}, ckpt)
    paths = export_checkpoint(ckpt, folder / "model", folder / "user_network", name="korean_g2_shaped")
    return paths["pth"].parent, paths["yaml"].parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1200, help="gen images of the fixed dataset")
    parser.add_argument("--steps", type=int, default=60, help="training steps per setting")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--crops", type=int, default=200, help="crops for the Reader part")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    from easyocr_ko.lmdb_dataset import LmdbDataset, decode_gray
    from easyocr_ko.train import cpu_has_bf16

    results: dict = {"device": args.device, "torch": torch.__version__, "threads": torch.get_num_threads(),
                     "cpu_bf16": cpu_has_bf16()}
    with tempfile.TemporaryDirectory(prefix="bench-train-") as tmp:
        tmp = Path(tmp)
        data = _gen(tmp / "data", args.count)
        rows = []
        for amp in (False, True):
            r = _train(data, tmp / f"run_amp{int(amp)}", args.steps, amp, args.device, args.batch_size)
            rows.append({"setting": "bf16 autocast" if amp else "float32", **r})
        results["training"] = rows

        trio = (tmp / "run_amp1" / "export" / "model", tmp / "run_amp1" / "export" / "user_network")
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
        results["charset"] = len((tmp / "run_amp1" / "character.txt").read_text(encoding="utf-8").rstrip("\n"))

    if args.json:
        print(json.dumps(results, indent=1))
        return
    print(f"device {results['device']}, torch {results['torch']}, {results['threads']} threads, "
          f"CPU bf16: {results['cpu_bf16']}")
    print(f"{'training (english_g2 start, batch ' + str(args.batch_size) + ')':44s} samples/s")
    for row in results["training"]:
        print(f"  {row['setting']:42s} {row['samples_per_s']}")
    base = results["training"][0]["samples_per_s"]
    print(f"  bf16 / float32: {results['training'][1]['samples_per_s'] / base:.2f}x")
    print(f"Reader.recognize, one crop at a time ({args.crops} crops); exported charset {results['charset']} "
          "vs korean_g2's 1,008")
    print(f"  {'quantize':10s} {'exported lines/s':>18s} {'korean_g2-shaped':>18s} {'ratio':>7s}")
    for row in results["reader"]:
        print(f"  {str(row['quantize']):10s} {row['exported_lines_per_s']:18.1f} "
              f"{row['korean_g2_shaped_lines_per_s']:18.1f} {row['ratio']:7.3f}")


if __name__ == "__main__":
    sys.exit(main())
