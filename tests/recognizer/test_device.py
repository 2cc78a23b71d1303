"""easyocr_ko.recognizer.device: what each ``--device`` value resolves to, with CUDA and MPS present or absent."""
from __future__ import annotations

import pytest
import torch

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.device import mps_available, resolve_device


@pytest.fixture
def machine(monkeypatch: pytest.MonkeyPatch):
    """Set which accelerators torch reports: ``machine(cuda=..., mps=...)``."""
    def set_(cuda: bool, mps: bool) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    return set_


def test_mps_resolves_where_torch_has_it(machine) -> None:
    machine(cuda=False, mps=True)
    assert mps_available()
    assert resolve_device("mps") == torch.device("mps")
    assert resolve_device("cpu") == torch.device("cpu")


def test_auto_prefers_cuda_and_never_picks_mps_by_itself(machine) -> None:
    machine(cuda=False, mps=True)
    assert resolve_device("auto") == torch.device("cpu")
    machine(cuda=True, mps=True)
    assert resolve_device("auto") == torch.device("cuda")


@pytest.mark.parametrize("name,match", [("mps", "MPS is not available"), ("cuda", "CUDA is not available"),
                                        ("cuda:1", "CUDA is not available"), ("tpu", "is not a device")])
def test_absent_or_unknown_devices_are_one_line_errors(machine, name: str, match: str) -> None:
    machine(cuda=False, mps=False)
    assert not mps_available()
    with pytest.raises(EasyOcrKoError, match=match) as info:
        resolve_device(name)
    assert "\n" not in str(info.value) and f"--device {name}" in str(info.value).replace("'", "")
