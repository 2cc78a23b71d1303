"""gen's fonts root: ``fonts:`` / ``--font`` paths read under ``fonts_root`` (``--fonts-root``, ``EASYOCR_KO_FONTS``),
``shipped`` for the package's fonts, and the writer split of bench/writers/ read from a user's own font folder.

The user's font folders here hold symbolic links to two shipped fonts: no font file is copied."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from easyocr_ko.cli import main
from easyocr_ko.config import GenConfig, build_config
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import fonts_dir
from easyocr_ko.synth.fonts import SHIPPED_FONTS, resolve_font_entries
from easyocr_ko.synth.generate import generate

from conftest import REPO_ROOT, SHARED_DIR

WRITERS = REPO_ROOT / "bench" / "writers"


@pytest.fixture
def user_fonts(tmp_path: Path, two_fonts: list[Path]) -> Path:
    """A user's fonts folder: ``hands/`` holding links to Bandal.ttf and Bangwool.ttf."""
    root = tmp_path / "my fonts"
    (root / "hands").mkdir(parents=True)
    for font in two_fonts:
        (root / "hands" / font.name).symlink_to(font)
    return root


def test_entries_resolve_under_the_root(tmp_path: Path, user_fonts: Path) -> None:
    absolute = tmp_path / "elsewhere.ttf"
    assert resolve_font_entries(["hands/Bandal.ttf", SHIPPED_FONTS, absolute], user_fonts) == [
        user_fonts / "hands" / "Bandal.ttf", fonts_dir(), absolute]
    assert resolve_font_entries(["hands"], None) == [Path("hands")]  # no root: the current folder, as before
    with pytest.raises(FileNotFoundError, match="fonts root not found: .*nowhere"):
        resolve_font_entries(["hands"], tmp_path / "nowhere")


def _yaml(path: Path, **values: object) -> Path:
    path.write_text(yaml.safe_dump({k: [str(v) for v in val] if isinstance(val, list) else str(val)
                                    for k, val in values.items()}), encoding="utf-8")
    return path


@pytest.mark.parametrize("how", ["option", "environment"])
def test_gen_reads_a_config_files_fonts_under_the_users_root(tmp_path: Path, tiny_dict: Path, user_fonts: Path,
                                                            how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """As with bench/writers/*.yaml: the file names paths relative to a root it does not have; the user gives
    theirs, which wins over the file's."""
    config = _yaml(tmp_path / "writers.yaml", fonts_root=tmp_path / "the maintainers' folder",
                   fonts=["hands/Bandal.ttf", "hands/Bangwool.ttf"], val_fonts=["Bangwool.ttf"])
    args = ["gen", "--config", str(config), "-o", str(tmp_path / "out"), "--dict", str(tiny_dict), "--count", "12",
            "--val-count", "4", "--workers", "1", "-q"]
    if how == "option":
        args += ["--fonts-root", str(user_fonts)]
    else:
        monkeypatch.setenv("EASYOCR_KO_FONTS", str(user_fonts))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    summary = yaml.safe_load((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert sorted(summary["fonts"]) == ["Bandal.ttf", "Bangwool.ttf"]
    assert summary["splits"]["validation"]["fonts"] == {"Bangwool.ttf": 4}
    saved = yaml.safe_load((tmp_path / "out" / "gen_config.yaml").read_text(encoding="utf-8"))
    assert saved["fonts_root"] == str(user_fonts) and saved["fonts"] == ["hands/Bandal.ttf", "hands/Bangwool.ttf"]


def test_command_line_fonts_stay_relative_to_the_current_folder(tmp_path: Path, tiny_dict: Path, user_fonts: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A fonts root in the environment (exported for the writer split's files) does not move ``--font`` paths."""
    monkeypatch.chdir(user_fonts)
    monkeypatch.setenv("EASYOCR_KO_FONTS", str(tmp_path))
    result = CliRunner().invoke(main, ["gen", "-o", str(tmp_path / "out"), "--dict", str(tiny_dict), "--font", "hands",
                                       "--count", "8", "--val-count", "2", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    saved = yaml.safe_load((tmp_path / "out" / "gen_config.yaml").read_text(encoding="utf-8"))
    assert saved["fonts"] == [str(user_fonts / "hands")] and saved["fonts_root"] == str(tmp_path)


def test_a_missing_root_is_one_line(tmp_path: Path, tiny_dict: Path) -> None:
    result = CliRunner().invoke(main, ["gen", "-o", str(tmp_path / "out"), "--dict", str(tiny_dict), "--font",
                                       "hands", "--fonts-root", str(tmp_path / "nowhere"), "-q"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "fonts root not found" in result.stderr


def test_resume_accepts_the_same_fonts_written_another_way(tmp_path: Path, tiny_dict: Path, user_fonts: Path,
                                                           two_fonts: list[Path]) -> None:
    """A dataset made before fonts_root existed (absolute font paths) resumes with the same files named under a
    root; other files are still refused."""
    out = tmp_path / "out"
    base = dict(output=out, dicts=(tiny_dict,), count=12, val_count=4, workers=1, seed=0, sheet_samples=4)
    generate(GenConfig(fonts=tuple(two_fonts), **base))
    saved = yaml.safe_load((out / "gen_config.yaml").read_text(encoding="utf-8"))
    assert "fonts_root" not in saved  # without a root, gen_config.yaml is written as before the option existed
    (out / "gen_config.yaml").write_text(yaml.safe_dump(saved), encoding="utf-8")
    rooted = GenConfig(fonts=(Path("hands"),), fonts_root=user_fonts, **base)
    assert generate(rooted, resume=True)["resumed_splits"] == ["train", "validation"]
    with pytest.raises(EasyOcrKoError, match="--resume: the options differ"):
        generate(GenConfig(fonts=(Path("hands/Bandal.ttf"),), fonts_root=user_fonts, **base), resume=True)


@pytest.mark.parametrize("name,count", [("test_writers.yaml", 10), ("train_writers.yaml", 90)])
def test_the_writer_split_reads_a_users_fonts_folder(name: str, count: int, tmp_path: Path) -> None:
    """bench/writers/*.yaml name their fonts under fonts_root (default ../shared/data/fonts from the repository
    root); given another root they read the same file names there."""
    from easyocr_ko.synth.generate import _font_files

    config = build_config(GenConfig, WRITERS / name, {"output": tmp_path / "out"})
    assert config.fonts_root == Path("../shared/data/fonts")
    assert all(not Path(entry).is_absolute() and ".." not in Path(entry).parts for entry in config.fonts)
    if not (SHARED_DIR / "data" / "fonts" / "clova").is_dir():
        pytest.skip("shared fonts not present")
    files = _font_files(config.fonts, REPO_ROOT / config.fonts_root)
    assert len(files) == count
    mirror = tmp_path / "mirror"  # a user's folder with the same layout: links, not copies
    for path in files:
        if path.parent.resolve() != fonts_dir().resolve():
            link = mirror / path.relative_to(REPO_ROOT / config.fonts_root)
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(path.resolve())
    assert [p.name for p in _font_files(config.fonts, mirror)] == [p.name for p in files]
