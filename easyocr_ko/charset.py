"""Character sets: korean_g2's list, KS X 1001 Hangul, charset extension and the CTC label codec.

Conventions (EasyOCR / DTRB ``CTCLabelConverter``): class 0 is the CTC blank and class ``i + 1`` is
``character[i]``, so a model over ``character`` has ``num_class = len(character) + 1`` output rows.

The default training charset is korean_g2's 1,008 characters in EasyOCR's order (95 printable ASCII then
913 Hangul syllables) followed by every other character of the training labels, in code-point order.  When a
pretrained Prediction layer is adapted to a new charset, the rows of characters it already knows are copied
by *character*, not by position (english_g2 orders its 96 characters differently from korean_g2), and
only rows of new characters are initialised.  EasyOCR's trainer ``new_prediction`` discards every row.
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache

import torch

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import SYLLABLE_FIRST, SYLLABLE_LAST


@cache
def easyocr_characters(model_name: str) -> str:
    """The ``characters`` string of a built-in EasyOCR gen2 model (``korean_g2``, ``english_g2``), from
    ``easyocr.config.recognition_models``.

    Raises:
        KeyError: unknown model name.
    """
    from easyocr.config import recognition_models

    return recognition_models["gen2"][model_name]["characters"]


def korean_g2_characters() -> str:
    """korean_g2's 1,008 characters in EasyOCR's order (95 printable ASCII + 913 Hangul syllables)."""
    return easyocr_characters("korean_g2")


@cache
def ks_x_1001_hangul() -> str:
    """The 2,350 Hangul syllables of KS X 1001 (EUC-KR's two-byte Hangul block), in code-point order."""
    out = []
    for code in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1):
        ch = chr(code)
        try:
            if len(ch.encode("euc_kr")) == 2:
                out.append(ch)
        except UnicodeEncodeError:
            continue
    return "".join(out)


def build_charset(base: str, labels: Iterable[str] = (), extra: str = "") -> str:
    """``base`` followed by the characters of ``labels`` and ``extra`` it lacks, in code-point order.

    Args:
        base: the starting list (e.g. :func:`korean_g2_characters`), kept in its order.
        labels: texts whose characters must all be in the result.
        extra: more characters to include (e.g. :func:`ks_x_1001_hangul`).

    Raises:
        EasyOcrKoError: ``base`` has a duplicate character, or a label holds a tab/newline (never a class).
    """
    if len(set(base)) != len(base):
        dup = [c for c, n in Counter(base).items() if n > 1]
        raise EasyOcrKoError(f"character list has duplicates: {''.join(dup)!r}")
    have = set(base)
    new: set[str] = set()
    for text in labels:
        new.update(text)
    new.update(extra)
    bad = {c for c in new if c in "\t\n\r"}
    if bad:
        raise EasyOcrKoError(f"labels contain control characters {sorted(bad)!r}")
    return base + "".join(sorted(new - have))


def outside_charset(labels: Iterable[str], character: str) -> Counter:
    """Count the characters of ``labels`` that are not in ``character`` (never silently dropped)."""
    allowed = set(character)
    missing: Counter = Counter()
    for text in labels:
        for c in text:
            if c not in allowed:
                missing[c] += 1
    return missing


def describe_chars(counter: Counter, limit: int = 12) -> str:
    """``'했' (U+D588) x3, ...`` for an error message."""
    parts = [f"{c!r} (U+{ord(c):04X}) x{n}" for c, n in counter.most_common(limit)]
    more = len(counter) - limit
    return ", ".join(parts) + (f" and {more} more" if more > 0 else "")


class CTCCodec:
    """Encode labels to CTC targets and decode greedy paths, as EasyOCR's ``CTCLabelConverter``.

    Args:
        character: the character list; class ``i + 1`` is ``character[i]``, class 0 is the blank.

    Raises:
        EasyOcrKoError: ``character`` is empty or has duplicates.
    """

    def __init__(self, character: str):
        if not character:
            raise EasyOcrKoError("empty character list")
        if len(set(character)) != len(character):
            raise EasyOcrKoError("character list has duplicates")
        self.character = character
        self.index = {c: i + 1 for i, c in enumerate(character)}

    @property
    def num_class(self) -> int:
        """Output rows of the Prediction layer: ``len(character) + 1``."""
        return len(self.character) + 1

    def encode(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """Targets for ``torch.nn.CTCLoss``.

        Returns:
            ``targets``: int32 (sum of lengths,), the concatenated class indices in [1, num_class);
            ``lengths``: int32 (B,), characters per text.

        Raises:
            EasyOcrKoError: a text holds a character outside the charset.
        """
        flat: list[int] = []
        for text in texts:
            try:
                flat += [self.index[c] for c in text]
            except KeyError as err:
                raise EasyOcrKoError(
                    f"label {text!r} has {err.args[0]!r}, which is not in the character list") from None
        return torch.tensor(flat, dtype=torch.int32), torch.tensor([len(t) for t in texts], dtype=torch.int32)

    def decode_greedy(self, indices: torch.Tensor) -> list[str]:
        """Greedy CTC decoding: collapse repeats, drop blanks (EasyOCR ``decode_greedy``).

        Args:
            indices: int (B, T) best class per time step.
        """
        out = []
        for row in indices.tolist():
            chars = []
            prev = -1
            for k in row:
                if k != prev and k != 0:
                    chars.append(self.character[k - 1])
                prev = k
            out.append("".join(chars))
        return out


def normalize_label(text: str) -> str:
    """NFC form of a label (the only normalisation applied to training labels)."""
    return unicodedata.normalize("NFC", text)


def adapt_prediction(
    weight: torch.Tensor, bias: torch.Tensor, old_character: str, new_character: str,
    generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor, int]:
    """Map a Prediction layer (``nn.Linear(hidden, len(old_character) + 1)``) onto ``new_character``.

    Row 0 (blank) and the row of every character present in both lists are copied bit for bit, matched by
    character.  Rows of new characters get weights ~ N(0, 0.01) and the smallest old bias, so the adapted
    model predicts exactly what the old one did until training raises the new classes.

    Args:
        weight: float (len(old_character) + 1, hidden).
        bias: float (len(old_character) + 1,).
        old_character / new_character: character lists (class i + 1 = character[i]).
        generator: RNG for the new rows.

    Returns:
        ``(new_weight (len(new) + 1, hidden), new_bias (len(new) + 1,), copied)`` where ``copied`` is the
        number of character rows carried over (the blank not counted).

    Raises:
        EasyOcrKoError: ``weight`` does not have ``len(old_character) + 1`` rows.
    """
    if weight.shape[0] != len(old_character) + 1 or bias.shape[0] != weight.shape[0]:
        raise EasyOcrKoError(
            f"Prediction layer has {weight.shape[0]} rows but the character list implies {len(old_character) + 1}")
    old_index = {c: i + 1 for i, c in enumerate(old_character)}
    rows = len(new_character) + 1
    new_weight = torch.randn(rows, weight.shape[1], generator=generator, dtype=weight.dtype) * 0.01
    new_bias = torch.full((rows,), float(bias.min()), dtype=bias.dtype)
    new_weight[0], new_bias[0] = weight[0], bias[0]
    copied = 0
    for i, c in enumerate(new_character):
        j = old_index.get(c)
        if j is not None:
            new_weight[i + 1], new_bias[i + 1] = weight[j], bias[j]
            copied += 1
    return new_weight, new_bias, copied
