"""The charset of a fine-tuning run: given by the user (fixed), kept from the run being resumed, or by default
the pretrained model's list extended by the training labels' characters (:mod:`easyocr_ko.charset`)."""
from __future__ import annotations

from pathlib import Path

from easyocr_ko.charset import (
    build_charset,
    describe_chars,
    korean_g2_characters,
    ks_x_1001_hangul,
    outside_charset,
)
from easyocr_ko.config import FinetuneConfig
from easyocr_ko.datasets.batches import RecognitionData
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.pretrained import Pretrained

__all__ = ["choose_charset", "charset_base", "run_charset"]


def choose_charset(config: FinetuneConfig, pretrained: Pretrained, train_labels: list[str]) -> tuple[str, bool]:
    """The training charset and whether it is fixed (given by the user).

    Default: korean_g2's 1,008 characters in EasyOCR's order (or, when starting from an own checkpoint, that
    checkpoint's list), then every other character of the training labels, then (``add_ksx1001``) the rest
    of KS X 1001's 2,350 syllables.

    Raises:
        EasyOcrKoError: a fixed charset has duplicates, or the character file is not UTF-8.
    """
    if config.character is not None or config.character_file is not None:
        try:
            text = config.character if config.character is not None else \
                Path(str(config.character_file)).read_text(encoding="utf-8").replace("\n", "").replace("\r", "")
        except UnicodeDecodeError as err:
            raise EasyOcrKoError(f"{config.character_file} is not UTF-8 (byte {err.start})") from None
        return build_charset(text, (), ks_x_1001_hangul() if config.add_ksx1001 else ""), True
    base, _ = charset_base(config, pretrained)
    extra = ks_x_1001_hangul() if config.add_ksx1001 else ""
    return build_charset(base, train_labels, extra), False


def charset_base(config: FinetuneConfig, pretrained: Pretrained) -> tuple[str, str]:
    """The list a default (not fixed) charset starts from, and its name for the log: korean_g2's 1,008
    characters (``"korean_g2"``; for ``--pretrained`` korean_g2, english_g2 and none), or the character list of
    the ``--pretrained`` file itself (``"NAME.pth's N"``).

    >>> from easyocr_ko.recognizer.pretrained import Pretrained
    >>> own = Pretrained({}, "가나다", {}, "own.pth", path=Path("runs/a/own.pth"))
    >>> charset_base(FinetuneConfig(data=("d",), pretrained="runs/a/own.pth"), own)
    ('가나다', "own.pth's 3")
    """
    is_own = pretrained.state_dict is not None and str(config.pretrained) not in ("korean_g2", "english_g2")
    if is_own and pretrained.character:
        name = pretrained.path.name if pretrained.path is not None else str(config.pretrained)
        return pretrained.character, f"{name}'s {len(pretrained.character)}"
    return korean_g2_characters(), "korean_g2"


def run_charset(config: FinetuneConfig, resume: bool, pretrained: Pretrained,
                train: RecognitionData) -> tuple[str, bool]:
    """The run's charset and whether it is fixed: the saved ``character.txt`` when resuming, else
    :func:`choose_charset`.  Training samples with characters outside it are dropped from ``train`` with
    ``skip_unknown``, else refused.

    Raises:
        EasyOcrKoError: the saved ``character.txt`` is not UTF-8; training labels hold characters outside a fixed
            charset and ``skip_unknown`` is off; as :func:`choose_charset`.
    """
    if resume and (config.output / "character.txt").is_file():
        try:
            character, fixed = (config.output / "character.txt").read_text(encoding="utf-8").rstrip("\n"), True
        except UnicodeDecodeError as err:
            raise EasyOcrKoError(f"--resume: {config.output / 'character.txt'} is not UTF-8 (byte {err.start})") \
                from None
    else:
        character, fixed = choose_charset(config, pretrained, train.labels())
    unknown = outside_charset(train.labels(), character)
    if unknown:
        if not config.skip_unknown:
            raise EasyOcrKoError(f"{sum(unknown.values())} training label characters are outside the fixed "
                                 f"charset: {describe_chars(unknown)}; add them or pass --skip-unknown")
        train.drop_outside(character)
    return character, fixed
