"""Tests of easyocr_ko.cli.main, the ``easyocr-ko`` group: its verbs, ``--version``, and the one line a user error
becomes (``error_line``); exit status 130 on Ctrl-C. (Each verb's errors: tests/cli/test_<verb>_cmd.py and the
tests/test_hostile_*.py files.)"""
from __future__ import annotations

import errno
import subprocess
import sys

import click
from click.testing import CliRunner

from easyocr_ko import __version__
from easyocr_ko.cli.main import error_line, main
from easyocr_ko.errors import EasyOcrKoError

VERBS = ["texts", "gen", "import", "lmdb", "finetune", "export", "install-model", "read", "eval", "demo"]


def test_every_verb_is_registered_and_listed_in_the_help() -> None:
    assert sorted(main.commands) == sorted(VERBS)
    result = CliRunner().invoke(main, ["-h"])
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:")[1].split()
    assert all(verb in listed for verb in VERBS)


def test_the_group_and_gen_do_not_import_torch() -> None:
    """``easyocr-ko --help`` and ``gen`` start without PyTorch (about 7 s to import on a 2-core CPU): only the
    verbs that run a network import it, when they run."""
    code = ("import sys; from easyocr_ko.cli.main import main; from easyocr_ko.synth.generate import generate; "
            "print(' '.join(m for m in ('torch', 'torchvision', 'easyocr') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == []


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"easyocr-ko, version {__version__}\n"


def test_error_line_is_the_first_line_or_the_path_and_cause() -> None:
    assert error_line(EasyOcrKoError("first\nsecond")) == "first"
    assert error_line(EasyOcrKoError("")) == "EasyOcrKoError"
    assert error_line(click.BadParameter("out of range\nmore")) == "Invalid value: out of range"
    assert error_line(FileNotFoundError(errno.ENOENT, "No such file or directory", "a/b.txt")) == \
        "a/b.txt: No such file or directory"
    assert error_line(OSError(errno.EXDEV, "Invalid cross-device link", "a", None, "b")) == \
        "a -> b: Invalid cross-device link"


def test_ctrl_c_is_one_line_and_exit_status_130(monkeypatch) -> None:
    def interrupt(**_options) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(main.commands["texts"], "callback", interrupt)
    result = CliRunner().invoke(main, ["texts"])
    assert result.exit_code == 130
    assert result.stderr == "easyocr-ko: interrupted; nothing half-written was kept\n"
