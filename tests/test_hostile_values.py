"""Hostile values (issue 25): values of the wrong type or meaning in ``--config`` files, checkpoints, DTRB
``opt.txt`` files and run folders, one test (or a small group) per letter of the issue:

- Q: ``--config`` values of the wrong type (gen, finetune, import, and the ``config.yaml`` of ``--resume``).
- K: checkpoint and ``opt.txt`` values used without a type check (``finetune --pretrained``, ``read --model``,
  ``eval --model``, ``export``).
- R: non-finite training: NaN weights and an infinite or NaN learning rate are refused.
- B: ``--resume`` checks the run folder (``last.pth``, ``character.txt``) before it uses it.
- C: a run folder is locked while a run uses it: a second ``--resume`` of the same run is refused.
- E: ``--logger tensorboard`` without the package is refused before the run folder is made.
- V: the opening log line names the real base of the charset.

As in ``tests/test_hostile_inputs.py``: bad input ends with ONE line ``easyocr-ko: error: ...`` on stderr and exit
status 1, and nothing half-written.  Tiny models and datasets from ``_tiny.py``, all on the CPU.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
import yaml
from click.testing import CliRunner, Result

from easyocr_ko.cli import main
from easyocr_ko.recognizer.model import build_model
from easyocr_ko.recognizer.pretrained import load_checkpoint_file

from _cli import one_line_error as _assert_one_line_error
from _tiny import TINY_PARAMS, render_png, tiny_checkpoint

CHARS = "가나다라마바사아자"  # the tiny checkpoint's character list


# ---------------------------------------------------------------- helpers

def _run(*args: object, env: dict | None = None) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "word.png"
    path.write_bytes(render_png("가나", 32))
    return path


def _finetune_yaml(path: Path, data: Path, init: Path, **extra: object) -> Path:
    values: dict = dict(data=[str(data)], pretrained=str(init), imgH=32, batch_size=16, num_iter=2, val_interval=1,
                        optim="adam", lr=3e-3, seed=7, num_threads=1, show_examples=1, val_samples=4)
    values.update(extra)
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory, data: Path, init: Path) -> Path:
    """A finished 2-step finetune run folder (last.pth at step 2), started from the tiny checkpoint; tests copy it."""
    root = tmp_path_factory.mktemp("values_run")
    run = root / "run"
    result = _run("finetune", "--config", _finetune_yaml(root / "ft.yaml", data, init), "--output", run, "-q")
    assert result.exit_code == 0, (result.output, result.exception)
    return run


def _copy_run(trained: Path, tmp_path: Path) -> Path:
    run = tmp_path / "run"
    shutil.copytree(trained, run)
    return run


# ---------------------------------------------------------------- Q. --config values of the wrong type

# A YAML "billion laughs": 9 levels of 9 aliases, 387 million strings once expanded (YAML keeps references, so
# loading it is cheap: only code that walks or prints it in full explodes).
_LAUGHS = "[" + ", ".join(
    [f"&l1 [{', '.join(['lol'] * 9)}]"] + [f"&l{k} [{', '.join([f'*l{k - 1}'] * 9)}]" for k in range(2, 10)]) + "]"

_FINETUNE_CASES = [
    ("data", "[[a, b]]", "a list of paths"),
    ("data", "[1]", "a list of paths"),
    ("device", "5", "a string"),
    ("seed", "abc", "an integer"),
    ("seed", "1.5", "an integer"),
    ("batch_size", "2.5", "an integer"),
    ("output", "5", "a path"),
    ("character", "12345", "a string"),
    ("num_iter", "1.5", "an integer"),
    ("amp", "3", "true or false"),
    ("batch_ratio", "[a]", "a list of numbers"),
    ("valid_data", _LAUGHS, "a list of paths"),
]


@pytest.mark.parametrize("key, value, expected", _FINETUNE_CASES, ids=[f"{k}={v[:12]}" for k, v, _ in _FINETUNE_CASES])
def test_Q_finetune_config_value_of_the_wrong_type_is_one_line(tmp_path: Path, data: Path, init: Path, key: str,
                                                                value: str, expected: str) -> None:
    config = _finetune_yaml(tmp_path / "ft.yaml", data, init)
    values = {k: v for k, v in yaml.safe_load(config.read_text(encoding="utf-8")).items() if k != key}
    config.write_text(yaml.safe_dump(values, allow_unicode=True) + f"{key}: {value}\n", encoding="utf-8")
    run = tmp_path / "run"
    where = [] if key == "output" else ["--output", run]  # the command line wins over the file
    line = _assert_one_line_error(_run("finetune", "--config", config, *where, "-q"), key, expected)
    assert len(line) < 300, line  # a bounded picture of the value, not the value in full
    assert not run.exists() or not any(run.iterdir())


_GEN_CASES = [
    ("text_mix", "5", "a string"),
    ("fonts", "5", "a list of paths"),
    ("seed", "abc", "an integer"),
    ("count", "2.5", "an integer"),
    ("margins", "[1, 2, x, 4]", "a list of integers"),
    ("dicts", _LAUGHS, "a list of paths"),
    ("augment", "{preset: light, blur_p: " + _LAUGHS + "}", "blur_p"),
]


@pytest.mark.parametrize("key, value, expected", _GEN_CASES, ids=[f"{k}={v[:12]}" for k, v, _ in _GEN_CASES])
def test_Q_gen_config_value_of_the_wrong_type_is_one_line(tmp_path: Path, key: str, value: str,
                                                           expected: str) -> None:
    config = tmp_path / "gen.yaml"
    config.write_text(("" if key == "count" else "count: 4\n") + f"{key}: {value}\n", encoding="utf-8")
    line = _assert_one_line_error(_run("gen", "--config", config, "--output", tmp_path / "out"), key, expected)
    assert len(line) < 300, line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key, value, expected", [("seed", "abc", "an integer"), ("margin", "1.5", "an integer"),
                                                  ("split", "5", "split"), ("text_fields", "[[a]]", "text_fields")])
def test_Q_import_config_value_of_the_wrong_type_is_one_line(tmp_path: Path, key: str, value: str,
                                                              expected: str) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "gt.txt").write_text("a.png\t가\n", encoding="utf-8")
    config = tmp_path / "import.yaml"
    config.write_text(f"{key}: {value}\n", encoding="utf-8")
    result = _run("import", "gt", source, "--output", tmp_path / "out", "--config", config)
    _assert_one_line_error(result, key, expected)
    assert not (tmp_path / "out").exists()


def test_Q_resume_with_a_config_yaml_of_the_wrong_type_is_one_line(tmp_path: Path, trained: Path) -> None:
    run = _copy_run(trained, tmp_path)
    saved = yaml.safe_load((run / "config.yaml").read_text(encoding="utf-8"))
    saved["num_iter"] = 1.5
    (run / "config.yaml").write_text(yaml.safe_dump(saved, allow_unicode=True), encoding="utf-8")
    _assert_one_line_error(_run("finetune", "--resume", run, "-q"), "num_iter", "an integer", "1.5")


def test_Q_api_configs_check_types_too() -> None:
    from easyocr_ko.config import FinetuneConfig, GenConfig
    from easyocr_ko.errors import EasyOcrKoError

    with pytest.raises(EasyOcrKoError, match="seed must be an integer, got 'abc'"):
        FinetuneConfig(data=("d",), seed="abc")  # type: ignore[arg-type]
    with pytest.raises(EasyOcrKoError, match="workers must be an integer, got True"):
        GenConfig(output=Path("o"), workers=True)
    # what the frozen dataclasses took before still works: str paths, lists for tuples, ints for floats
    assert FinetuneConfig(data=["d"], lr=1, output="o").lr == 1  # type: ignore[arg-type]


# ---------------------------------------------------------------- K. checkpoint and opt.txt values

def _dtrb_folder(tmp_path: Path, imgH: str) -> Path:
    """A bare state dict (tensors only, as DTRB saves) with DTRB's opt.txt beside it."""
    folder = tmp_path / "dtrb"
    folder.mkdir()
    state = load_checkpoint_file(tiny_checkpoint(tmp_path / "tiny.pth"))["model"]
    torch.save({f"module.{k}": v for k, v in state.items()}, folder / "best_accuracy.pth")
    (folder / "opt.txt").write_text(f"------------ Options -------------\nimgH: {imgH}\ncharacter: {CHARS}\n"
                                    "---------------------------------------\n", encoding="utf-8")
    return folder / "best_accuracy.pth"


def _tampered_checkpoint(tmp_path: Path, **changes: object) -> Path:
    path = tiny_checkpoint(tmp_path / "tampered.pth")
    state = load_checkpoint_file(path)
    for key, value in changes.items():
        if key.startswith("model."):
            state["model"][key[len("model."):]] = value
        else:
            state[key] = value
    torch.save(state, path)
    return path


def _all_routes(tmp_path: Path, pth: Path, image: Path, data: Path, *fragments: str, export: bool = True) -> None:
    """finetune --pretrained, read --model, eval --model (and export) each refuse ``pth`` with one line."""
    config = _finetune_yaml(tmp_path / "ft.yaml", data, pth)
    _assert_one_line_error(_run("finetune", "--config", config, "--output", tmp_path / "run", "-q"), *fragments)
    _assert_one_line_error(_run("read", image, "--model", pth, "--no-detector"), *fragments)
    _assert_one_line_error(_run("eval", "--image", image, "--model", pth), *fragments)
    if export:
        _assert_one_line_error(_run("export", pth, "--model-dir", tmp_path / "m", "--network-dir", tmp_path / "n"),
                               *fragments)
        assert not (tmp_path / "m").exists() or not any((tmp_path / "m").iterdir())


@pytest.mark.parametrize("imgH", ["²", "64.0", "-32"])
def test_K_opt_txt_imgH_that_is_no_integer_is_one_line(tmp_path: Path, image: Path, data: Path, imgH: str) -> None:
    pth = _dtrb_folder(tmp_path, imgH)
    _all_routes(tmp_path, pth, image, data, "opt.txt", "imgH", repr(imgH), export=False)


@pytest.mark.parametrize("imgH", ["sixty-four", 32.5, True, -32, None])
def test_K_checkpoint_imgH_that_is_no_integer_is_one_line(tmp_path: Path, image: Path, data: Path,
                                                          imgH: object) -> None:
    pth = _tampered_checkpoint(tmp_path, imgH=imgH)
    _all_routes(tmp_path, pth, image, data, str(pth), "imgH")


@pytest.mark.parametrize("value", ["a string", 3, [1.0, 2.0]], ids=["str", "int", "list"])
def test_K_checkpoint_model_values_that_are_not_tensors_are_one_line(tmp_path: Path, image: Path, data: Path,
                                                                    value: object) -> None:
    pth = _tampered_checkpoint(tmp_path, **{"model.Prediction.bias": value})
    _all_routes(tmp_path, pth, image, data, str(pth), "Prediction.bias", "tensor")


# ---------------------------------------------------------------- R. non-finite training

def test_R_nan_pretrained_weights_are_refused_at_load(tmp_path: Path, image: Path, data: Path) -> None:
    path = tiny_checkpoint(tmp_path / "nan.pth")
    state = load_checkpoint_file(path)
    state["model"] = {k: torch.full_like(v, float("nan")) if v.is_floating_point() else v
                      for k, v in state["model"].items()}
    torch.save(state, path)
    _all_routes(tmp_path, path, image, data, str(path), "NaN")


@pytest.mark.parametrize("how", ["cli-inf", "cli-nan", "config-inf", "config-nan"])
def test_R_non_finite_lr_is_refused(tmp_path: Path, data: Path, init: Path, how: str) -> None:
    where, value = how.split("-")
    run = tmp_path / "run"
    if where == "cli":
        config = _finetune_yaml(tmp_path / "ft.yaml", data, init)
        result = _run("finetune", "--config", config, "--output", run, "--lr", value, "-q")
    else:
        config = _finetune_yaml(tmp_path / "ft.yaml", data, init)
        config.write_text(config.read_text(encoding="utf-8").replace("lr: 0.003", f"lr: .{value}"), encoding="utf-8")
        result = _run("finetune", "--config", config, "--output", run, "-q")
    _assert_one_line_error(result, "lr", "finite")
    assert not run.exists() or not any(run.iterdir())


# ---------------------------------------------------------------- B. --resume checks the run folder

def test_B_resume_refuses_a_last_pth_without_optimizer(tmp_path: Path, trained: Path) -> None:
    run = _copy_run(trained, tmp_path)
    shutil.copyfile(run / "best_accuracy.pth", run / "last.pth")
    _assert_one_line_error(_run("finetune", "--resume", run, "--num-iter", 3, "-q"), str(run / "last.pth"),
                           "optimizer", log_before=True)


def test_B_resume_refuses_a_last_pth_of_another_architecture(tmp_path: Path, trained: Path) -> None:
    run = _copy_run(trained, tmp_path)
    state = load_checkpoint_file(run / "last.pth")
    other = build_model(len(CHARS) + 1, **{**TINY_PARAMS, "hidden_size": 32})
    state["model"] = other.state_dict()
    state["network_params"] = {**TINY_PARAMS, "hidden_size": 32}
    torch.save(state, run / "last.pth")
    _assert_one_line_error(_run("finetune", "--resume", run, "--num-iter", 3, "-q"), str(run / "last.pth"),
                           log_before=True)


def test_B_resume_refuses_a_character_txt_that_does_not_match(tmp_path: Path, trained: Path) -> None:
    run = _copy_run(trained, tmp_path)
    (run / "character.txt").write_text(CHARS + "하\n", encoding="utf-8")
    _assert_one_line_error(_run("finetune", "--resume", run, "--num-iter", 3, "-q"), "character.txt",
                           str(run / "last.pth"), log_before=True)


@pytest.mark.parametrize("key, value", [("step", "two"), ("best", None), ("rng", {"python": 1})])
def test_B_resume_refuses_a_last_pth_with_bad_values(tmp_path: Path, trained: Path, key: str, value: object) -> None:
    run = _copy_run(trained, tmp_path)
    state = load_checkpoint_file(run / "last.pth")
    state[key] = value
    torch.save(state, run / "last.pth")
    _assert_one_line_error(_run("finetune", "--resume", run, "--num-iter", 3, "-q"), str(run / "last.pth"),
                           log_before=True)


# ---------------------------------------------------------------- C. one run per run folder

def _wait_for(condition, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_C_second_resume_of_a_running_run_is_refused(tmp_path: Path, trained: Path) -> None:
    run = _copy_run(trained, tmp_path)
    log = run / "log_train.txt"
    before = log.read_text(encoding="utf-8").count("resumed from")
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    first = subprocess.Popen([sys.executable, "-m", "easyocr_ko.cli", "finetune", "--resume", str(run),
                              "--num-iter", "100000", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, env=env)
    try:
        _wait_for(lambda: log.read_text(encoding="utf-8").count("resumed from") > before, 120, first)
        _assert_one_line_error(_run("finetune", "--resume", run, "--num-iter", 3, "-q"), str(run), "in use")
    finally:
        first.send_signal(signal.SIGKILL)  # dies without releasing anything itself: the OS frees the lock
        first.communicate()
    # the lock went with the process; a run that ends releases it too (two resumes in a row, in this process,
    # each to the step last.pth holds: nothing left to train)
    reached = load_checkpoint_file(run / "last.pth")["step"]
    for _ in range(2):
        result = _run("finetune", "--resume", run, "--num-iter", reached, "-q")
        assert result.exit_code == 0, (result.output, result.exception)


# ---------------------------------------------------------------- E. --logger tensorboard checked first

def test_E_logger_tensorboard_without_the_package_writes_nothing(tmp_path: Path, data: Path, init: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tensorboard", None)  # `import tensorboard` raises ImportError
    config = _finetune_yaml(tmp_path / "ft.yaml", data, init)
    run = tmp_path / "run"
    _assert_one_line_error(_run("finetune", "--config", config, "--output", run, "--logger", "tensorboard", "-q"),
                           "pip install tensorboard")
    assert not run.exists() or not any(run.iterdir()), list(run.iterdir())


def test_E_resume_switching_to_tensorboard_without_the_package_changes_nothing(
        tmp_path: Path, trained: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run = _copy_run(trained, tmp_path)
    before = {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()}
    monkeypatch.setitem(sys.modules, "tensorboard", None)
    _assert_one_line_error(_run("finetune", "--resume", run, "--logger", "tensorboard", "-q"),
                           "pip install tensorboard")
    assert {p.name: p.read_bytes() for p in run.iterdir() if p.is_file()} == before


# ---------------------------------------------------------------- V. the opening log line names the real base

def test_V_charset_line_names_the_pretrained_checkpoint_list(trained: Path, init: Path) -> None:
    first = (trained / "log_train.txt").read_text(encoding="utf-8").splitlines()[0]
    assert "korean_g2" not in first, first
    assert f"charset {len(CHARS)} characters ({init.name}'s {len(CHARS)} + labels)" in first, first
