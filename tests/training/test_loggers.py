"""``finetune --logger``: TensorBoard scalars equal the metrics.jsonl records, a resume hides the events after the
resumed step, a missing tensorboard package is a one-line error."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.training.loggers import LOGGERS, MISSING_TENSORBOARD, TAGS, TensorBoardLogger, open_logger, scalars


def _record(step: int, scale: float = 1.0) -> dict:
    """A record shaped like finetune's: step 0 is the baseline (no train_loss, lr, samples_per_s or best_*)."""
    if step == 0:
        return {"step": 0, "train_loss": None, "valid_loss": 3.25, "accuracy": 0.125, "norm_ED": 0.5, "CER": 0.75,
                "elapsed_s": 0.0, "samples_per_s": None}
    return {"step": step, "train_loss": 2.0 / step * scale, "valid_loss": 2.5 / step * scale,
            "accuracy": 0.01 * step * scale, "norm_ED": 0.02 * step * scale, "CER": 1.5 / step * scale,
            "elapsed_s": 1.5 * step, "lr": 0.001 * scale, "samples_per_s": 123.45 * scale,
            "best_accuracy": 0.01 * step, "best_norm_ED": 0.02 * step}


def _read(log_dir: Path) -> dict[str, list[tuple[int, float]]]:
    """Every scalar in the event files of ``log_dir``, as TensorBoard reads them: {tag: [(step, value), ...]}
    (a tag whose events were all purged stays in ``Tags()`` with no events: left out)."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(log_dir), size_guidance={"scalars": 0})  # 0: keep every event
    acc.Reload()
    scalars = {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}
    return {tag: points for tag, points in scalars.items() if points}


def _expected(records: list[dict]) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = {}
    for record in records:
        for tag, value in scalars(record).items():
            out.setdefault(tag, []).append((record["step"], value))
    return out


def _assert_same(got: dict, want: dict) -> None:
    assert sorted(got) == sorted(want)
    for tag, points in want.items():
        assert [s for s, _ in got[tag]] == [s for s, _ in points], tag
        assert [v for _, v in got[tag]] == pytest.approx([v for _, v in points], rel=1e-6), tag  # float32 on disk


def test_scalars_map_every_numeric_key_but_step() -> None:
    assert scalars(_record(0)) == {"valid/loss": 3.25, "valid/accuracy": 0.125, "valid/norm_ED": 0.5,
                                   "valid/CER": 0.75, "train/elapsed_s": 0.0}
    full = scalars(_record(10))
    assert sorted(full) == sorted(TAGS.values())
    assert scalars({"step": 5, "flag": True, "name": "x", "n": 3}) == {"other/n": 3.0}


def test_scalars_equal_the_records(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    records = [_record(0), _record(10), _record(20)]
    logger = open_logger("tensorboard", tmp_path, purge_step=0)
    assert isinstance(logger, TensorBoardLogger)
    with logger:
        for record in records:
            logger.log(record)
        _assert_same(_read(tmp_path / "tensorboard"), _expected(records))  # flushed after each record
    got = _read(tmp_path / "tensorboard")
    _assert_same(got, _expected(records))
    assert [s for s, _ in got["train/loss"]] == [10, 20]  # step 0 has no train_loss
    assert [s for s, _ in got["valid/accuracy"]] == [0, 10, 20]


def _first_run(run: Path) -> None:
    """Steps 0, 10, 20 and 30, as a run stopped after step 30 leaves them."""
    with TensorBoardLogger(run, purge_step=0) as logger:
        for step in (0, 10, 20, 30):
            logger.log(_record(step))


def test_resume_hides_the_events_after_the_resumed_step(tmp_path: Path) -> None:
    """--resume from the checkpoint of step 10: metrics.jsonl keeps steps <= 10 (truncate_metrics(10)), the
    logger gets purge_step=11 and writes step 20 again; TensorBoard shows 0, 10 and the new 20, no 30."""
    pytest.importorskip("tensorboard")
    _first_run(tmp_path)
    logger = open_logger("tensorboard", tmp_path, purge_step=10 + 1)
    assert logger is not None
    with logger:
        logger.log(_record(20, scale=0.5))
    assert len(list((tmp_path / "tensorboard").glob("events.out.tfevents.*"))) == 2  # old events stay on disk
    _assert_same(_read(tmp_path / "tensorboard"), _expected([_record(0), _record(10), _record(20, scale=0.5)]))


def test_purge_step_hides_that_step_too(tmp_path: Path) -> None:
    """SummaryWriter's purge_step hides steps >= purge_step: purge_step=10 would drop the kept step 10 as well
    (hence T + 1 on a resume from step T)."""
    pytest.importorskip("tensorboard")
    _first_run(tmp_path)
    with TensorBoardLogger(tmp_path, purge_step=10) as logger:
        logger.log(_record(20, scale=0.5))
    _assert_same(_read(tmp_path / "tensorboard"), _expected([_record(0), _record(20, scale=0.5)]))


def test_fresh_run_hides_everything_earlier(tmp_path: Path) -> None:
    """purge_step=0 mirrors the baseline's truncate_metrics(-1); None keeps the earlier events."""
    pytest.importorskip("tensorboard")
    _first_run(tmp_path)
    with TensorBoardLogger(tmp_path, purge_step=0) as logger:
        logger.log(_record(0))
    _assert_same(_read(tmp_path / "tensorboard"), _expected([_record(0)]))
    with TensorBoardLogger(tmp_path) as logger:
        logger.log(_record(10, scale=0.5))
    _assert_same(_read(tmp_path / "tensorboard"), _expected([_record(0), _record(10, scale=0.5)]))


def test_missing_tensorboard_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` now raises ImportError
    with pytest.raises(EasyOcrKoError) as info:
        open_logger("tensorboard", tmp_path, purge_step=None)
    assert str(info.value) == MISSING_TENSORBOARD
    assert "\n" not in str(info.value) and "pip install tensorboard " in str(info.value)
    assert not (tmp_path / "tensorboard").exists()
    assert open_logger("none", tmp_path, purge_step=None) is None  # needs nothing


def test_none_and_unknown_names(tmp_path: Path) -> None:
    assert LOGGERS == ("none", "tensorboard")
    assert open_logger("none", tmp_path, purge_step=5) is None
    assert not (tmp_path / "tensorboard").exists()
    with pytest.raises(EasyOcrKoError, match="unknown --logger 'wandb': choose one of none, tensorboard"):
        open_logger("wandb", tmp_path, purge_step=None)


def test_finetune_logger_mirrors_metrics_jsonl_across_a_resume(tmp_path: Path) -> None:
    pytest.importorskip("tensorboard")
    import json

    from easyocr_ko.config import FinetuneConfig
    from easyocr_ko.training.finetune import finetune
    from easyocr_ko.training.state import load_run_config

    from _tiny import make_dataset, tiny_checkpoint

    data = make_dataset(tmp_path / "data")
    init = tiny_checkpoint(tmp_path / "init.pth")
    run = tmp_path / "run"
    config = FinetuneConfig(data=(data,), output=run, pretrained=str(init), imgH=32, batch_size=8, num_iter=4,
                            val_interval=2, optim="adam", lr=3e-3, num_threads=1, logger="tensorboard")
    finetune(config, log_stream=None)
    finetune(load_run_config(run, {"num_iter": 6}), resume=True, log_stream=None)
    records = [json.loads(x) for x in (run / "metrics.jsonl").read_text().splitlines()]
    assert [r["step"] for r in records] == [0, 2, 4, 6]
    got = _read(run / "tensorboard")
    assert [step for step, _ in got["valid/accuracy"]] == [0, 2, 4, 6]
    _assert_same({tag: got[tag] for tag in ("valid/loss", "train/loss")},
                 {tag: values for tag, values in _expected(records).items() if tag in ("valid/loss", "train/loss")})


# ---------------------------------------------------------------- RunLog: log_train.txt, metrics.jsonl, curves.png

def test_run_log_block_metrics_and_truncate(tmp_path: Path) -> None:
    import io
    import json

    from easyocr_ko.training.loggers import RunLog, _best_accuracy_step, pad_display
    from easyocr_ko.training.validation import Validation

    stream = io.StringIO()
    log = RunLog(tmp_path, stream)
    val = Validation(0.5, 0.25, 0.75, 0.125, [("가나", "가나", 0.9), ("ab", "a", 0.4)], 2)
    log.block(10, 20, 1.5, val, 0.25, 0.75, 3.0, examples=2)
    text = (tmp_path / "log_train.txt").read_text(encoding="utf-8")
    assert text == stream.getvalue() and text.startswith("[10/20] Train loss: 1.50000, Valid loss: 0.50000")
    assert f"{pad_display('가나', 25)} | {pad_display('가나', 25)} | 0.9000\tTrue" in text
    assert pad_display("가나", 6) == "가나  "  # Hangul takes two columns
    records = [{"step": step, "train_loss": None if step == 0 else 1.0, "valid_loss": 1.0, "accuracy": accuracy,
                "norm_ED": 0.5, "CER": 0.5} for step, accuracy in ((0, 0.1), (5, 0.5), (10, 0.5))]
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records[:2]), encoding="utf-8")
    log.metrics(records[2])  # appends, then draws curves.png from all three
    assert (tmp_path / "curves.png").is_file() and log.read_metrics() == records
    assert _best_accuracy_step(log.read_metrics()) == 5  # the first step of the highest accuracy
    log.truncate_metrics(5)
    assert [json.loads(x)["step"] for x in (tmp_path / "metrics.jsonl").read_text().splitlines()] == [0, 5]
    RunLog(tmp_path / "absent", stream, enabled=False).line("nothing")  # other ranks write nothing
    assert not (tmp_path / "absent").exists()
