"""easyocr_ko.datasets.batches: finding and scanning datasets, width-grouped batches (every sample once per
epoch, seeded and resumable), prepare/collate shapes and dtypes, the background prefetcher."""
from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from easyocr_ko.charset import CTCCodec
from easyocr_ko.datasets.batches import (
    BatchPrefetcher,
    RecognitionData,
    WidthGroupedBatches,
    collate_batch,
    eval_batches,
    find_datasets,
    prepare_batch,
)
from easyocr_ko.datasets.dtrb import write_lmdb
from easyocr_ko.errors import EasyOcrKoError

CHARSET = "가나다라마"
# (height, width, label): aspect ratios 1, 2.5, 4, 0.5 (a tall crop: ratio 2), 3
SHAPES = [(16, 16, "가"), (16, 40, "가나"), (16, 64, "나다라"), (32, 16, "다"), (16, 48, "라마가나")]


def _png(h: int, w: int, seed: int) -> bytes:
    ok, buf = cv2.imencode(".png", np.random.default_rng(seed).integers(0, 256, (h, w), dtype=np.uint8))
    assert ok
    return buf.tobytes()


@pytest.fixture
def data(tmp_path: Path) -> RecognitionData:
    """One LMDB of the SHAPES, plus a label too long and an undecodable image (both left out when scanned)."""
    samples = [(_png(h, w, i), label) for i, (h, w, label) in enumerate(SHAPES)]
    samples += [(_png(16, 16, 9), "가" * 30), (b"\x89PNG\r\n\x1a\n" + b"\0" * 30, "나")]
    write_lmdb(samples, tmp_path / "lmdb" / "train")
    return RecognitionData(find_datasets(tmp_path), max_label_length=25)


def _uniform_ratios(n: int, seed: int = 0) -> list[float]:
    return list(np.random.default_rng(seed).uniform(1.0, 6.0, n))


# ---------------------------------------------------------------- finding and scanning

def test_find_datasets_layouts(tmp_path: Path) -> None:
    for split in ("train", "validation"):
        write_lmdb([(_png(8, 8, 0), "가")], tmp_path / "gen" / "lmdb" / split)
    write_lmdb([(_png(8, 8, 0), "가")], tmp_path / "tree" / "a")
    write_lmdb([(_png(8, 8, 0), "가")], tmp_path / "tree" / ".db.tmp-killed")  # a killed run's staging folder
    assert find_datasets(tmp_path / "gen") == [tmp_path / "gen" / "lmdb" / "train"]
    assert find_datasets(tmp_path / "gen", "validation") == [tmp_path / "gen" / "lmdb" / "validation"]
    assert find_datasets(tmp_path / "gen", "test") == []
    assert find_datasets(tmp_path / "tree") == [tmp_path / "tree" / "a"]
    assert find_datasets(tmp_path / "tree" / "a") == [tmp_path / "tree" / "a"]
    with pytest.raises(FileNotFoundError):
        find_datasets(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(EasyOcrKoError, match="holds no LMDB"):
        find_datasets(tmp_path / "empty")


def test_recognition_data_scans_once_and_counts_what_it_leaves_out(data: RecognitionData) -> None:
    assert len(data) == len(SHAPES)
    assert data.skipped == {"label longer than batch_max_length 25": 1, "undecodable image": 1}
    assert [s.ratio for s in data.samples[0]] == [1.0, 2.5, 4.0, 2.0, 3.0]
    assert data.labels() == [label for _, _, label in SHAPES]
    assert data.load_gray(data.samples[0][1]).shape == (16, 40)
    assert data.drop_outside("가나다라") == 1 and len(data) == 4  # "라마가나" has 마
    with pytest.raises(EasyOcrKoError, match="no sample left"):
        data.drop_outside("x")


# ---------------------------------------------------------------- width-grouped batches

def test_every_sample_exactly_once_per_epoch() -> None:
    n, batch_size, pool_batches = 96, 4, 4  # 6 pools per epoch
    ratios = _uniform_ratios(n)
    sampler = WidthGroupedBatches([n], [1.0], lambda s, i: ratios[i], batch_size, seed=3, pool_batches=pool_batches)
    steps = n // batch_size
    assert sampler.epoch_steps() == steps
    for epoch in range(3):
        batches = [sampler.batch(k) for k in range(epoch * steps, (epoch + 1) * steps)]
        assert all(len(b) == batch_size for b in batches)
        assert sorted(i for b in batches for _, i in b) == list(range(n)), epoch
        assert all(s == 0 for b in batches for s, _ in b)


def test_batches_group_similar_widths() -> None:
    """Inside a pool, batches are consecutive runs of the width-class order ``ceil(ratio)``: two batches of one pool
    share at most a boundary class, and a batch never mixes classes beyond its run."""
    n, batch_size, pool_batches = 128, 8, 4
    ratios = _uniform_ratios(n, seed=1)
    sampler = WidthGroupedBatches([n], [1.0], lambda s, i: ratios[i], batch_size, seed=0, pool_batches=pool_batches)
    for pool in range(n // (batch_size * pool_batches)):
        classes = [sorted(math.ceil(ratios[i]) for _, i in sampler.batch(pool * pool_batches + b))
                   for b in range(pool_batches)]
        runs = sorted((c[0], c[-1]) for c in classes)
        for (_, high), (low, _) in zip(runs, runs[1:]):
            assert high <= low, runs
    spread = [max(c) - min(c) for c in ([math.ceil(ratios[i]) for _, i in sampler.batch(k)] for k in range(16))]
    unsorted = [math.ceil(r) for r in ratios[:batch_size]]
    assert max(spread) <= 2 and sum(spread) < (max(unsorted) - min(unsorted)) * 16


def test_sources_share_every_pool_by_their_ratio() -> None:
    counts, batch_size, pool_batches = [30, 7], 4, 4  # pool of 16: 12 from source 0, 4 from source 1
    sampler = WidthGroupedBatches(counts, [3.0, 1.0], lambda s, i: 1.0 + i % 3, batch_size, seed=5,
                                  pool_batches=pool_batches)
    assert sampler.per_pool == [12, 4] and sampler.batches_per_pool == 4
    for pool in range(7):
        drawn = Counter(s for b in range(4) for s, _ in sampler.batch(pool * 4 + b))
        assert drawn == {0: 12, 1: 4}
    small = Counter(i for k in range(28) for s, i in sampler.batch(k) if s == 1)  # 7 pools x 4 = 4 epochs of 7
    assert small == {i: 4 for i in range(7)}
    large = Counter(i for k in range(28) for s, i in sampler.batch(k) if s == 0)  # 84 draws of 30: 2 or 3 each
    assert set(large) == set(range(30)) and set(large.values()) <= {2, 3}


def test_batches_are_a_pure_function_of_seed_and_step() -> None:
    ratios = _uniform_ratios(50, seed=2)

    def make(seed: int) -> WidthGroupedBatches:
        return WidthGroupedBatches([50], [1.0], lambda s, i: ratios[i], 5, seed=seed, pool_batches=2)

    in_order = [make(7).batch(k) for k in range(40)]
    resumed = make(7)
    assert [resumed.batch(k) for k in (33, 2, 39, 0)] == [in_order[k] for k in (33, 2, 39, 0)]
    assert [make(7).batch(k) for k in range(40)] == in_order
    assert [make(8).batch(k) for k in range(40)] != in_order


def test_width_grouped_batches_option_errors() -> None:
    ratio = lambda s, i: 1.0  # noqa: E731
    with pytest.raises(EasyOcrKoError, match="2 values for 1 datasets"):
        WidthGroupedBatches([10], [0.5, 0.5], ratio, 2, seed=0)
    with pytest.raises(EasyOcrKoError, match=">= 0 and not all 0"):
        WidthGroupedBatches([10, 10], [1.0, -1.0], ratio, 2, seed=0)
    with pytest.raises(EasyOcrKoError, match=">= 0 and not all 0"):
        WidthGroupedBatches([10], [0.0], ratio, 2, seed=0)
    with pytest.raises(EasyOcrKoError, match="leaves no sample"):
        WidthGroupedBatches([0, 10], [1.0, 0.0], ratio, 2, seed=0)


# ---------------------------------------------------------------- prepare / collate

def test_prepare_batch_shapes_and_dtypes(data: RecognitionData) -> None:
    samples = data.samples[0]
    prepared = prepare_batch(data, samples, imgH=32)
    assert prepared.labels == [label for _, _, label in SHAPES]
    assert prepared.ratios == [1.0, 2.5, 4.0, 2.0, 3.0]
    assert [img.shape for img in prepared.resized] == [(32, 32), (32, 80), (32, 128), (64, 32), (32, 96)]
    assert all(img.dtype == np.uint8 for img in prepared.resized)
    for row, img in zip(prepared.rows, prepared.resized):
        assert row.dtype == torch.float32 and row.shape == (32, math.ceil(32 * img.shape[1] / img.shape[0]))
        assert -1.0 <= row.min().item() and row.max().item() <= 1.0
    assert prepared.width(32) == 128 and prepared.width(32, max_width=96) == 96


def test_collate_batch_pads_and_encodes(data: RecognitionData) -> None:
    prepared = prepare_batch(data, data.samples[0], imgH=32)
    codec = CTCCodec(CHARSET)
    images, targets, lengths, labels = collate_batch(prepared, codec, 32, prepared.width(32))
    assert images.dtype == torch.float32 and images.shape == (5, 1, 32, 128)
    assert -1.0 <= images.min().item() and images.max().item() <= 1.0
    assert targets.dtype == torch.int32 and targets.shape == (sum(len(label) for label in labels),)
    assert lengths.dtype == torch.int32 and lengths.tolist() == [1, 2, 3, 1, 4]
    assert targets[:3].tolist() == [1, 1, 2]  # 가 | 가나, class i + 1 = CHARSET[i]
    first = prepared.rows[0]  # 32 px wide, padded by repeating its last column
    assert torch.equal(images[0, 0, :, :32], first)
    assert torch.equal(images[0, 0, :, 32:], first[:, -1:].expand(32, 96))
    capped, none_targets, none_lengths, _ = collate_batch(prepared, None, 32, 96)
    assert capped.shape == (5, 1, 32, 96) and none_targets is None and none_lengths is None
    with pytest.raises(EasyOcrKoError, match="not in the character list"):
        collate_batch(prepared, CTCCodec("가"), 32, 128)


def make_batch(data: RecognitionData, samples, codec, imgH: int = 64, max_width: int | None = None, augment=None,
               rng_keys: tuple[int, ...] = ()):
    """One whole batch as training makes it: :func:`prepare_batch` then :func:`collate_batch` at the batch's width."""
    prepared = prepare_batch(data, samples, imgH, augment, rng_keys)
    return collate_batch(prepared, codec, imgH, prepared.width(imgH, max_width))


def test_prepare_then_collate_augments_reproducibly(data: RecognitionData) -> None:
    codec = CTCCodec(CHARSET)
    samples = data.samples[0]

    def augment(gray: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return np.clip(gray.astype(np.int16) + rng.integers(-40, 40, gray.shape), 0, 255).astype(np.uint8)

    batch = make_batch(data, samples, codec, imgH=32, max_width=96, augment=augment, rng_keys=(1, 2))
    again = make_batch(data, samples, codec, imgH=32, max_width=96, augment=augment, rng_keys=(1, 2))
    other = make_batch(data, samples, codec, imgH=32, max_width=96, augment=augment, rng_keys=(1, 3))
    plain = make_batch(data, samples, codec, imgH=32, max_width=96)
    assert batch[0].shape == (5, 1, 32, 96) and torch.equal(batch[0], again[0])
    assert not torch.equal(batch[0], other[0]) and not torch.equal(batch[0], plain[0])
    # a rank's slice of the global batch is augmented as in the whole batch
    whole = prepare_batch(data, samples, 32, augment, rng_keys=(1, 2))
    part = prepare_batch(data, samples[2:], 32, augment, rng_keys=(1, 2), first_pos=2)
    assert all(torch.equal(a, b) for a, b in zip(whole.rows[2:], part.rows))


def test_eval_batches_one_width_class_each(data: RecognitionData) -> None:
    batches = eval_batches(data.samples[0], batch_size=1, imgH=32)
    # classes ceil(ratio): 가 1, 다 2, 가나 3, 라마가나 3, 나다라 4; input order inside a class
    assert [[s.label for s in b] for b in batches] == [["가"], ["다"], ["가나"], ["라마가나"], ["나다라"]]
    batches = eval_batches(data.samples[0], batch_size=2)
    assert [[s.label for s in b] for b in batches] == [["가"], ["다"], ["가나", "라마가나"], ["나다라"]]


# ---------------------------------------------------------------- the background prefetcher

def test_prefetcher_yields_the_direct_batches(data: RecognitionData) -> None:
    codec = CTCCodec(CHARSET)
    samples = data.samples[0]
    sampler = WidthGroupedBatches([len(samples)], [1.0], lambda s, i: samples[i].ratio, 2, seed=4, pool_batches=2)

    def make(k: int):
        return make_batch(data, [samples[i] for _, i in sampler.batch(k)], codec, imgH=32)

    direct = [make(k) for k in range(8)]
    with BatchPrefetcher(make, stop=8) as prefetcher:
        fetched = [prefetcher.get(k) for k in range(8)]
        skipped = prefetcher.get(3)  # not the prefetched one: made now
    for got, want in zip([*fetched, skipped], [*direct, direct[3]]):
        assert all(torch.equal(a, b) for a, b in zip(got[:3], want[:3])) and got[3] == want[3]


def test_prefetcher_raises_in_the_get_that_wanted_the_batch() -> None:
    def make(k: int) -> int:
        if k == 2:
            raise ValueError("batch 2 is broken")
        return k * 10

    with BatchPrefetcher(make, stop=5) as prefetcher:
        assert [prefetcher.get(0), prefetcher.get(1)] == [0, 10]
        with pytest.raises(ValueError, match="batch 2"):
            prefetcher.get(2)
        assert prefetcher.get(3) == 30
