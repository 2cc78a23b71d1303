"""Tests of easyocr_ko.cli.demo_cmd, the ``demo`` verb through click's CliRunner without a browser: without Gradio,
and on a bad or busy port, it ends with one line. (The page itself: tests/demo/test_app.py.)"""
from __future__ import annotations

import socket
import sys

from click.testing import CliRunner

from easyocr_ko.cli.main import main


def test_demo_without_gradio_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "gradio", None)  # import gradio raises ImportError
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # a port that is free once the probe closes
    result = CliRunner().invoke(main, ["demo", "--port", str(port)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("easyocr-ko: error:")
    assert "pip install -e '.[demo]'" in lines[0]


def test_demo_refuses_a_bad_port():
    result = CliRunner().invoke(main, ["demo", "--port", "70000"])
    assert result.exit_code == 1
    assert "--port" in result.stderr
    with socket.create_server(("127.0.0.1", 0)) as busy:
        port = busy.getsockname()[1]
        result = CliRunner().invoke(main, ["demo", "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"easyocr-ko: error: cannot serve on 127.0.0.1:{port}")
