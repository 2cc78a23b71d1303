"""easyocr_ko.training.data: the validation sets a run finds, the validated subset, the global batches and the
augmentation of ``--augment``."""
from __future__ import annotations

import functools

import pytest

from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.batches import RecognitionData, find_datasets
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.synth.augment import apply
from easyocr_ko.training.data import run_data, validation_paths

from _tiny import WORDS


def test_validation_paths_from_valid_data_or_the_data_folders(data, tmp_path):
    assert validation_paths(FinetuneConfig(data=(data,))) == find_datasets(data, "validation")
    assert validation_paths(FinetuneConfig(data=(tmp_path,), valid_data=(data,))) == find_datasets(data, "validation")
    (tmp_path / "gen" / "lmdb" / "train").mkdir(parents=True)  # a gen output without its validation split
    with pytest.raises(EasyOcrKoError, match="no validation data: pass --valid-data"):
        validation_paths(FinetuneConfig(data=(tmp_path / "gen",)))


def test_run_data_subset_batches_and_augmentation(data):
    train = RecognitionData(find_datasets(data, "train"), 25)
    valid = RecognitionData(find_datasets(data, "validation"), 25)
    config = FinetuneConfig(data=(data,), val_samples=5, batch_size=4, seed=3, augment="light")
    a, b = run_data(config, train, valid, world_size=2), run_data(config, train, valid, world_size=2)
    assert len(a.valid_samples) == 5 and a.valid_samples == b.valid_samples  # drawn once from --seed
    assert len(a.sampler.batch(0)) == 8  # world_size x batch_size
    assert isinstance(a.augment, functools.partial) and a.augment.func is apply and a.real is None
    plain = run_data(FinetuneConfig(data=(data,)), train, valid, world_size=1)
    assert plain.augment is None and len(plain.valid_samples) == len(WORDS)
    override = run_data(config, train, valid, 1, augment=print)
    assert override.augment is print
