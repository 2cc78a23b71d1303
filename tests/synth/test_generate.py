"""easyocr_ko.synth.generate: rendering, word/font pairing, determinism, splits, failures, interruption and resume."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from PIL import Image

from easyocr_ko.config import GenConfig
from easyocr_ko.datasets.dtrb import LmdbDataset
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.synth import generate as synth
from easyocr_ko.synth.fonts import inspect_fonts
from easyocr_ko.synth.generate import generate, plan_splits, render_text, sample_seed, trdg_kwargs

from conftest import TINY_WORDS

_REAL_RENDER = synth.render_text  # captured before any monkeypatching


def _config(out: Path, dict_file: Path, fonts: list[Path], **options) -> GenConfig:
    values = dict(count=30, workers=1, seed=0, sheet_samples=6)
    values.update(options)
    return GenConfig(output=out, dicts=(dict_file,), fonts=tuple(fonts), **values)


def _gt(split_dir: Path) -> list[tuple[str, str]]:
    return [tuple(line.split("\t")) for line in (split_dir / "gt.txt").read_text(encoding="utf-8").splitlines()]


def _fonts_tsv(split_dir: Path) -> list[dict]:
    lines = (split_dir / "fonts.tsv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def _labels_with_fonts(split_dir: Path) -> list[tuple[str, str]]:
    """(label, font file) per image, joined on the image path."""
    labels = dict(_gt(split_dir))
    return [(labels[row["image"]], row["font"]) for row in _fonts_tsv(split_dir)]


def _snapshot(out: Path) -> dict[str, bytes]:
    """Every file gen wrote that must be reproducible (not summary.json: it holds timings)."""
    files = {}
    for split in synth.SPLITS:
        for path in sorted((out / split).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(out))] = path.read_bytes()
        db = LmdbDataset(out / "lmdb" / split)
        files[f"lmdb/{split}"] = repr([db[i] for i in range(len(db))]).encode()
    return files


# ---------------------------------------------------------------- rendering


def test_render_text_height_mode_and_seed(bandal: Path, tmp_path: Path) -> None:
    kwargs = trdg_kwargs(GenConfig(output=tmp_path))
    image, reason = render_text("가방", bandal, kwargs, seed=7)
    assert reason == ""
    assert image.size[1] == 64 and image.mode == "L" and image.size[0] > 64
    again, _ = render_text("가방", bandal, kwargs, seed=7)
    other, _ = render_text("가방", bandal, kwargs, seed=8)
    assert again.tobytes() == image.tobytes()
    assert other.tobytes() != image.tobytes()


def test_render_text_failure_is_returned_not_raised(tmp_path: Path) -> None:
    kwargs = trdg_kwargs(GenConfig(output=tmp_path))
    assert render_text("가방", tmp_path / "missing.ttf", kwargs, seed=0) == (None, "trdg raised OSError")


def test_trdg_kwargs_follow_config(tmp_path: Path) -> None:
    kwargs = trdg_kwargs(GenConfig(output=tmp_path, height=48, skew_angle=5, blur=0.5, background=1,
                                   margins=(1, 2, 3, 4), image_mode="RGB"))
    assert (kwargs["size"], kwargs["skewing_angle"], kwargs["blur"], kwargs["background_type"]) == (48, 5, 0.5, 1)
    assert kwargs["margins"] == (1, 2, 3, 4) and kwargs["image_mode"] == "RGB" and kwargs["extension"] == "png"


def test_sample_seed_depends_on_every_part() -> None:
    base = sample_seed(0, "train", 1, 0)
    assert base == sample_seed(0, "train", 1, 0)
    others = {sample_seed(1, "train", 1, 0), sample_seed(0, "validation", 1, 0), sample_seed(0, "train", 2, 0),
              sample_seed(0, "train", 1, 1)}
    assert base not in others and len(others) == 4
    assert 0 <= base < 1 << 64


# ---------------------------------------------------------------- planning: pairing words with fonts


def test_pairing_never_gives_a_word_to_a_font_that_cannot_draw_it(tmp_path: Path, guseul: Path,
                                                                     bandal: Path) -> None:
    words = TINY_WORDS + ["abc123", "가방1", "2024년"]
    fonts = inspect_fonts([guseul, bandal], {c for w in words for c in w})
    config = GenConfig(output=tmp_path, count=300, split_by="sample", seed=3)
    plans = plan_splits(config, words, fonts)
    assert [p.name for p in plans] == ["train", "validation"]
    used = Counter()
    for plan in plans:
        for word, font_idx, _ in plan.samples:
            assert plan.fonts[font_idx].can_draw(word), (word, plan.fonts[font_idx].name)
            used[plan.fonts[font_idx].name, word.isascii() or any(c.isdigit() for c in word)] += 1
    assert used["Guseul.ttf", True] == 0  # Guseul draws no Latin letter or digit
    assert used["Bandal.ttf", True] > 0 and used["Guseul.ttf", False] > 0


def test_words_no_font_draws_are_counted_and_never_planned(tmp_path: Path, guseul: Path) -> None:
    words = TINY_WORDS + ["abc", "123"]
    fonts = inspect_fonts([guseul], {c for w in words for c in w})
    config = GenConfig(output=tmp_path, count=40, split_by="sample")
    for plan in plan_splits(config, words, fonts):
        assert plan.words_without_font == 2
        assert plan.words == TINY_WORDS
        assert not {"abc", "123"} & {w for w, _, _ in plan.samples}


def test_no_drawable_word_is_an_error(tmp_path: Path, guseul: Path) -> None:
    fonts = inspect_fonts([guseul], "abc123")
    with pytest.raises(EasyOcrKoError, match="no train word can be drawn by any of the train fonts"):
        plan_splits(GenConfig(output=tmp_path, count=10, split_by="sample"), ["abc", "123"], fonts)


def test_words_and_fonts_are_mixed(tmp_path: Path, bandal: Path, bangwool: Path, guseul: Path) -> None:
    words = TINY_WORDS[:5]
    fonts = inspect_fonts([bandal, bangwool, guseul], {c for w in words for c in w})
    config = GenConfig(output=tmp_path, count=60, val_count=0, seed=11)
    (plan,) = plan_splits(config, words, fonts)
    assert len(plan.samples) == 60
    fonts_per_word = defaultdict(set)
    for word, font_idx, _ in plan.samples:
        fonts_per_word[word].add(font_idx)
    # trdg's generators pair word k with font k mod F, so a word always gets one font; here each word
    # (seen 12 times) gets several fonts.
    assert set(fonts_per_word) == set(words)
    assert all(len(f) >= 2 for f in fonts_per_word.values()), fonts_per_word
    assert any(f != k % 3 for k, (_, f, _) in enumerate(plan.samples))
    # epochs: every word once, in a shuffled order, before any word repeats
    epochs = [[w for w, _, _ in plan.samples[i:i + 5]] for i in range(0, 60, 5)]
    assert all(sorted(e) == sorted(words) for e in epochs)
    assert len({tuple(e) for e in epochs}) > 1


def test_plan_is_seeded(tmp_path: Path, bandal: Path, bangwool: Path) -> None:
    fonts = inspect_fonts([bandal, bangwool], {c for w in TINY_WORDS for c in w})

    def plan(seed: int) -> list:
        return [p.samples for p in plan_splits(GenConfig(output=tmp_path, count=40, seed=seed), TINY_WORDS, fonts)]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_split_by_word_vocabularies_are_disjoint(tmp_path: Path, bandal: Path) -> None:
    fonts = inspect_fonts([bandal], {c for w in TINY_WORDS for c in w})
    train, val = plan_splits(GenConfig(output=tmp_path, count=40, val_count=10, split_by="word"),
                             TINY_WORDS, fonts)
    assert not set(train.words) & set(val.words)
    assert set(train.words) | set(val.words) == set(TINY_WORDS)
    assert len(val.words) == round(12 * 10 / 40)  # validation words in proportion to validation images
    assert (len(train.samples), len(val.samples)) == (30, 10)


def test_split_by_sample_shares_vocabulary(tmp_path: Path, bandal: Path) -> None:
    fonts = inspect_fonts([bandal], {c for w in TINY_WORDS for c in w})
    train, val = plan_splits(GenConfig(output=tmp_path, count=40, split_by="sample"), TINY_WORDS, fonts)
    assert train.words == val.words == TINY_WORDS


def test_val_font_and_exclude_font_groups(tmp_path: Path, bandal: Path, bangwool: Path, guseul: Path) -> None:
    fonts = inspect_fonts([bandal, bangwool, guseul], {c for w in TINY_WORDS for c in w})
    config = GenConfig(output=tmp_path, count=40, val_fonts=("bangwool",), exclude_fonts=("Guseul.ttf",))
    train, val = plan_splits(config, TINY_WORDS, fonts)
    assert [f.name for f in train.fonts] == ["Bandal.ttf"]
    assert [f.name for f in val.fonts] == ["Bangwool.ttf"]
    with pytest.raises(EasyOcrKoError, match="--val-font 'nope' matches no font"):
        plan_splits(GenConfig(output=tmp_path, val_fonts=("nope",)), TINY_WORDS, fonts)
    with pytest.raises(EasyOcrKoError, match="no font left"):
        plan_splits(GenConfig(output=tmp_path, exclude_fonts=("Bandal", "Bangwool", "Guseul")), TINY_WORDS, fonts)


# ---------------------------------------------------------------- the gen pipeline


def test_generate_writes_both_formats(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    summary = generate(_config(out, tiny_dict, two_fonts, count=30, val_count=6), progress=False)
    assert summary == json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["splits"]["train"]["images"] == 24 and summary["splits"]["validation"]["images"] == 6
    assert summary["dictionary"]["entries"] == len(TINY_WORDS)
    assert sorted(summary["fonts"]) == ["Bandal.ttf", "Bangwool.ttf"]
    assert sorted(p.name for p in out.iterdir()) == ["contact_sheet.png", "gen_config.yaml", "lmdb", "summary.json",
                                                     "train", "validation"]
    for split, n in (("train", 24), ("validation", 6)):
        gt = _gt(out / split)
        assert [image for image, _ in gt] == [f"images/{i:09d}.png" for i in range(1, n + 1)]
        assert all(label in TINY_WORDS for _, label in gt)
        assert sorted(p.name for p in (out / split / "images").iterdir()) == [Path(i).name for i, _ in gt]
        for image, _ in gt[:3]:
            with Image.open(out / split / image) as img:
                assert img.format == "PNG" and img.mode == "L" and img.height == 64
        rows = _fonts_tsv(out / split)
        assert [(int(r["index"]), r["image"]) for r in rows] == [(i + 1, img) for i, (img, _) in enumerate(gt)]
        assert sum(summary["splits"][split]["fonts"].values()) == n
        assert (out / "lmdb" / split / "fonts.tsv").read_bytes() == (out / split / "fonts.tsv").read_bytes()
        assert LmdbDataset(out / "lmdb" / split).labels() == [label for _, label in gt]
    with Image.open(out / "contact_sheet.png") as sheet:
        assert sheet.format == "PNG" and sheet.width == 1600


def test_generate_never_renders_a_word_with_a_font_that_cannot_draw_it(tmp_path: Path, guseul: Path,
                                                                          bandal: Path) -> None:
    words = ["가방", "나무", "바다", "abc12", "3월", "TV"]
    dict_file = tmp_path / "d.txt"
    dict_file.write_text("\n".join(words) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    generate(_config(out, dict_file, [guseul, bandal], count=48, split_by="sample"), progress=False)
    pairs = _labels_with_fonts(out / "train") + _labels_with_fonts(out / "validation")
    assert len(pairs) == 48
    latin_or_digit = [font for label, font in pairs if any(c.isascii() and c.isalnum() for c in label)]
    assert latin_or_digit and set(latin_or_digit) == {"Bandal.ttf"}
    assert "Guseul.ttf" in {font for _, font in pairs}


def test_generate_mixes_fonts_per_word(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    generate(_config(out, tiny_dict, two_fonts, count=50, val_count=0), progress=False)
    fonts_per_word = defaultdict(set)
    for label, font in _labels_with_fonts(out / "train"):
        fonts_per_word[label].add(font)
    assert len(fonts_per_word) == len(TINY_WORDS)
    assert sum(len(f) == 2 for f in fonts_per_word.values()) >= len(TINY_WORDS) // 2, fonts_per_word


def test_generate_same_seed_same_output_whatever_the_workers(tmp_path: Path, tiny_dict: Path,
                                                              two_fonts: list[Path]) -> None:
    one, two, other = tmp_path / "w1", tmp_path / "w2", tmp_path / "seed1"
    generate(_config(one, tiny_dict, two_fonts, count=24, workers=1), progress=False)
    generate(_config(two, tiny_dict, two_fonts, count=24, workers=2), progress=False)
    generate(_config(other, tiny_dict, two_fonts, count=24, workers=1, seed=1), progress=False)
    a, b, c = _snapshot(one), _snapshot(two), _snapshot(other)
    assert len(a) == 24 + 2 * 2 + 2  # images; gt.txt and fonts.tsv per split; one LMDB per split
    assert a == b
    assert a.keys() == c.keys()
    assert a["train/gt.txt"] != c["train/gt.txt"]
    images = [k for k in a if k.endswith(".png")]
    assert sum(a[k] != c[k] for k in images) == len(images)


def test_generate_split_by_word_gives_disjoint_vocabularies(tmp_path: Path, tiny_dict: Path,
                                                              two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    summary = generate(_config(out, tiny_dict, two_fonts, count=40, val_count=10), progress=False)
    train = {label for _, label in _gt(out / "train")}
    val = {label for _, label in _gt(out / "validation")}
    assert train and val and not train & val
    assert summary["splits"]["train"]["words"] + summary["splits"]["validation"]["words"] == len(TINY_WORDS)


def test_generate_val_font_only_in_validation(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    summary = generate(_config(out, tiny_dict, two_fonts, count=30, val_count=6, val_fonts=("Bangwool.ttf",)),
                       progress=False)
    assert {r["font"] for r in _fonts_tsv(out / "train")} == {"Bandal.ttf"}
    assert {r["font"] for r in _fonts_tsv(out / "validation")} == {"Bangwool.ttf"}
    assert summary["splits"]["train"]["fonts"] == {"Bandal.ttf": 24}
    assert summary["splits"]["validation"]["fonts"] == {"Bangwool.ttf": 6}


def test_generate_counts_trdg_failures_and_never_writes_a_label_without_image(
        tmp_path: Path, tiny_dict: Path, two_fonts: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = Counter()

    def flaky(text, font, kwargs, seed):
        calls["all"] += 1
        if seed % 2 == 0:  # about half the renders fail; a sample fails all 4 attempts 1 time in 16
            calls["failed"] += 1
            return None, "trdg returned no image"
        return _REAL_RENDER(text, font, kwargs, seed)

    monkeypatch.setattr(synth, "render_text", flaky)
    out = tmp_path / "out"
    summary = generate(_config(out, tiny_dict, two_fonts, count=60, val_count=10, seed=5), progress=False)
    splits = summary["splits"]
    failed = sum(sum(s["failed_attempts"].values()) for s in splits.values())
    assert failed == calls["failed"] > 0
    assert {r for s in splits.values() for r in s["failed_attempts"]} == {"trdg returned no image"}
    assert sum(s["unrendered_samples"] for s in splits.values()) > 0  # with seed 5 some samples fail 4 times
    for name, n in (("train", 50), ("validation", 10)):
        split = splits[name]
        gt = _gt(out / name)
        assert split["images"] + split["unrendered_samples"] == n
        assert len(gt) == split["images"] == len(LmdbDataset(out / "lmdb" / name))
        on_disk = sorted(str(p.relative_to(out / name)) for p in (out / name / "images").iterdir())
        assert sorted(image for image, _ in gt) == on_disk  # every label has its image and vice versa
        db = LmdbDataset(out / "lmdb" / name)
        for i, (image, label) in enumerate(gt):
            assert db[i] == ((out / name / image).read_bytes(), label)


def test_generate_all_renders_fail_is_an_error(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(synth, "render_text", lambda *a: (None, "trdg raised ValueError"))
    out = tmp_path / "out"
    with pytest.raises(EasyOcrKoError, match="trdg rendered no train image"):
        generate(_config(out, tiny_dict, two_fonts, count=5), progress=False)
    assert not (out / "train").exists() and not list(out.glob(".gen-tmp-*"))


def _interrupt_after(monkeypatch: pytest.MonkeyPatch, n_calls: int) -> Counter:
    """Make render_text raise KeyboardInterrupt on call n_calls + 1; returns the call counter."""
    calls = Counter()

    def interrupting(*args):
        calls["n"] += 1
        if calls["n"] > n_calls:
            raise KeyboardInterrupt
        return _REAL_RENDER(*args)

    monkeypatch.setattr(synth, "render_text", interrupting)
    return calls


def test_interrupt_leaves_no_split_and_no_staging_folder(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _interrupt_after(monkeypatch, 5)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        generate(_config(out, tiny_dict, two_fonts, count=20), progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["gen_config.yaml"]  # no train/, lmdb/, .gen-tmp-*
    assert not list(tmp_path.glob("**/.gen-tmp-*")) and not list(tmp_path.glob("**/*.tmp-*"))


def test_resume_keeps_a_finished_split(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    config = _config(out, tiny_dict, two_fonts, count=20, val_count=4)
    _interrupt_after(monkeypatch, 16)  # train (16 samples) completes, validation is interrupted
    with pytest.raises(KeyboardInterrupt):
        generate(config, progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["gen_config.yaml", "lmdb", "summary.json", "train"]
    assert sorted(p.name for p in (out / "lmdb").iterdir()) == ["train"]
    kept = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (out / "train").rglob("*") if p.is_file()}

    with pytest.raises(EasyOcrKoError, match="is not empty"):
        generate(config, progress=False)
    with pytest.raises(EasyOcrKoError, match="--resume: the options differ"):
        generate(_config(out, tiny_dict, two_fonts, count=20, val_count=4, seed=9), resume=True, progress=False)

    calls = _interrupt_after(monkeypatch, 10 ** 6)  # count renders, never interrupt
    summary = generate(config, resume=True, progress=False)
    assert calls["n"] == 4  # only the validation split was rendered
    assert summary["resumed_splits"] == ["train"] and list(summary["splits"]) == ["train", "validation"]
    assert summary["splits"]["train"]["images"] == 16  # the kept split's counts (issue 12, defect 18)
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in kept} == kept  # train files untouched
    assert not list(out.glob(".gen-tmp-*"))

    monkeypatch.undo()
    generate(_config(fresh, tiny_dict, two_fonts, count=20, val_count=4), progress=False)
    assert _snapshot(out) == _snapshot(fresh)  # resumed output equals an uninterrupted run


def test_resume_without_earlier_run_config_is_an_error(tmp_path: Path, tiny_dict: Path,
                                                      two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    (out / "train").mkdir(parents=True)
    with pytest.raises(EasyOcrKoError, match="--resume: .* has no gen_config.yaml"):
        generate(_config(out, tiny_dict, two_fonts, count=5), resume=True, progress=False)


def test_overwrite_replaces_only_gen_outputs(tmp_path: Path, tiny_dict: Path, two_fonts: list[Path]) -> None:
    out = tmp_path / "out"
    generate(_config(out, tiny_dict, two_fonts, count=10), progress=False)
    summary = generate(_config(out, tiny_dict, two_fonts, count=12, seed=2), overwrite=True, progress=False)
    assert len(_gt(out / "train")) + len(_gt(out / "validation")) == 12 == sum(
        s["images"] for s in summary["splits"].values())
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match=r"--overwrite refused: .* \(notes.txt\)"):
        generate(_config(out, tiny_dict, two_fonts, count=10), overwrite=True, progress=False)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine" and (out / "train" / "gt.txt").is_file()


def test_contact_sheet_needs_samples(tmp_path: Path) -> None:
    empty = tmp_path / "train"
    empty.mkdir()
    (empty / "gt.txt").write_text("", encoding="utf-8")
    with pytest.raises(EasyOcrKoError, match="no sample"):
        synth.contact_sheet([empty], tmp_path / "sheet.png")
