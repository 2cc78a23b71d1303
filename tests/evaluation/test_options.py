"""easyocr_ko.evaluation.options: ``EvalConfig`` is frozen and its defaults are those of ``easyocr-ko eval``."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest

from easyocr_ko.cli.eval_cmd import eval_cmd
from easyocr_ko.evaluation.metrics import Normalization
from easyocr_ko.evaluation.options import EvalConfig
from easyocr_ko.evaluation.read import ReadSettings


def test_eval_config_is_frozen_with_the_commands_defaults():
    config = EvalConfig(data=Path("set"), models=("english_g2",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.limit = 3  # type: ignore[misc]
    context = click.Context(eval_cmd)
    defaults = {p.name: p.get_default(context) for p in eval_cmd.params}
    assert (config.split, config.checkpoint, config.seed, config.min_group) == \
           (defaults["split"], defaults["checkpoint"], defaults["seed"], defaults["min_group"])
    assert config.limit is None and config.output is None
    assert (config.read, config.normalization) == (ReadSettings(), Normalization())
    read, norm = config.read, config.normalization
    assert (",".join(read.lang_list), read.quantize, read.device, read.batch_size) == \
           (defaults["lang_list"], defaults["quantize"], defaults["device"], defaults["batch_size"])
    assert (norm.nfc, norm.collapse_spaces, norm.remove_spaces, norm.casefold) == \
           (defaults["nfc"], defaults["collapse_spaces"], defaults["remove_spaces"], defaults["casefold"])
