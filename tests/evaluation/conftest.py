"""Fixtures of the evaluation tests: one tiny trained run shared by all of them, and Reader's global imgH put back
after each test."""
from __future__ import annotations

from pathlib import Path

import pytest

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.training.finetune import finetune

from _tiny import make_dataset, tiny_checkpoint

TRIO = "evaltest_tiny"  # unique recog_network name: Reader caches the module NAME in sys.modules


@pytest.fixture(scope="session")
def trio_name() -> str:
    """The ``recog_network`` name :func:`run` exports its trio under (``run / 'export'``)."""
    return TRIO


@pytest.fixture(scope="session")
def run(tmp_path_factory) -> Path:
    """A tiny model trained for 300 steps (float32) on 16 two-syllable words (imgH 32), exported as
    :func:`trio_name` into ``run / 'export'``; trained once for all evaluation tests."""
    root = tmp_path_factory.mktemp("eval_run")
    data = make_dataset(root / "data")
    init = tiny_checkpoint(root / "init.pth")
    finetune(FinetuneConfig(data=(data,), output=root / "run", pretrained=str(init), imgH=32, batch_size=16,
                            num_iter=300, val_interval=300, optim="adam", lr=3e-3, seed=7, num_threads=1,
                            show_examples=0, export_name=TRIO, amp=False), log_stream=None)  # float: same on every CPU
    return root / "run"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here that uses :func:`run` (300 training steps, then easyocr.Reader) is ``slow``."""
    here = Path(__file__).parent
    for item in items:
        if "run" in getattr(item, "fixturenames", ()) and here in item.path.parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _restore_reader_imgH():
    """A custom Reader sets easyocr.easyocr's global imgH from its yaml; put it back for later Readers."""
    import easyocr.easyocr as ee

    before = ee.imgH
    yield
    ee.imgH = before

