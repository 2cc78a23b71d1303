"""Character sets: korean_g2's list, KS X 1001 Hangul, charset extension and the label codecs.

Conventions: for CTC (EasyOCR / DTRB ``CTCLabelConverter``, :class:`CTCCodec`) class 0 is the blank and class
``i + 1`` is ``character[i]``, so a model over ``character`` has ``num_class = len(character) + 1`` output rows;
for attention (DTRB ``AttnLabelConverter``, :class:`AttnCodec`) class 0 is ``[GO]``, class 1 is ``[s]`` (end of
sentence) and class ``i + 2`` is ``character[i]`` (``num_class = len(character) + 2``).

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


class _Codec:
    """What both label codecs share: class ``first + i`` is ``character[i]``, the classes below ``first`` are
    the codec's own (the CTC blank; ``[GO]`` and ``[s]``).

    Args:
        character: the character list.

    Raises:
        EasyOcrKoError: ``character`` is empty or has duplicates.
    """

    first = 1  # set by each codec

    def __init__(self, character: str):
        if not character:
            raise EasyOcrKoError("empty character list")
        if len(set(character)) != len(character):
            raise EasyOcrKoError("character list has duplicates")
        self.character = character
        self.index = {c: i + self.first for i, c in enumerate(character)}

    @property
    def num_class(self) -> int:
        """Output rows of the Prediction layer (the attention generator): ``len(character) + first``."""
        return len(self.character) + self.first

    def _classes(self, label: str) -> list[int]:
        """The classes of ``label``'s characters.

        Raises:
            EasyOcrKoError: ``label`` holds a character outside the list.
        """
        try:
            return [self.index[c] for c in label]
        except KeyError as err:
            raise EasyOcrKoError(
                f"label {label!r} has {err.args[0]!r}, which is not in the character list") from None


class CTCCodec(_Codec):
    """Encode labels to CTC targets and decode greedy paths, as EasyOCR's ``CTCLabelConverter``.

    Args:
        character: the character list; class ``i + 1`` is ``character[i]``, class 0 is the blank.

    Raises:
        EasyOcrKoError: ``character`` is empty or has duplicates.
    """

    first = 1

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
            flat += self._classes(text)
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


class AttnCodec(_Codec):
    """Encode labels for the attention decoder and decode its greedy output, as DTRB ``AttnLabelConverter``
    (utils.py): class 0 = ``[GO]`` (also the padding, ignored by the loss), class 1 = ``[s]`` (end of
    sentence), class ``i + 2`` = ``character[i]``.

    Args:
        character: the character list (no duplicates, not empty).

    Raises:
        EasyOcrKoError: ``character`` is empty or has duplicates.

    >>> codec = AttnCodec("abc")
    >>> text, length = codec.encode(["ab", "c"], batch_max_length=3)
    >>> text.tolist(), length.tolist()
    ([[0, 2, 3, 1, 0], [0, 4, 1, 0, 0]], [3, 2])
    >>> codec.decode(text[:, 1:])
    ['ab', 'c']
    """

    first = 2
    GO = 0
    EOS = 1
    tokens = ("[GO]", "[s]")

    def encode(self, texts: Sequence[str], batch_max_length: int = 25) -> tuple[torch.Tensor, torch.Tensor]:
        """Decoder inputs and loss targets for a batch of labels.

        Returns:
            ``text``: int64 (N, batch_max_length + 2): ``[GO]``, the characters' classes, ``[s]``, then 0 padding.
            Feed ``text[:, :-1]`` to ``model(images, text[:, :-1], is_train=True)`` and use ``text[:, 1:]`` as
            the targets (both (N, batch_max_length + 1)); ``length``: int32 (N,), ``len(label) + 1`` (with [s]).

        Raises:
            EasyOcrKoError: a label is longer than ``batch_max_length`` or has a character outside the list.
        """
        out = torch.zeros(len(texts), batch_max_length + 2, dtype=torch.long)
        for row, label in enumerate(texts):
            if len(label) > batch_max_length:
                raise EasyOcrKoError(f"label {label!r} has {len(label)} characters, more than batch_max_length "
                                     f"{batch_max_length}")
            classes = self._classes(label) + [self.EOS]
            out[row, 1:1 + len(classes)] = torch.tensor(classes, dtype=torch.long)
        return out, torch.tensor([len(t) + 1 for t in texts], dtype=torch.int32)

    def decode(self, indices: torch.Tensor) -> list[str]:
        """Strings from class indices, int (N, T) (e.g. ``logits.argmax(2)``): each row read up to its first
        ``[s]``; ``[GO]`` (never a character) is skipped."""
        out = []
        for row in indices.tolist():
            chars = []
            for k in row:
                if k == self.EOS:
                    break
                if k >= 2:
                    chars.append(self.character[k - 2])
            out.append("".join(chars))
        return out

    def decode_logits(self, logits: torch.Tensor) -> list[str]:
        """Greedy strings from decoder logits float (N, T, num_class) (argmax per step, up to ``[s]``)."""
        return self.decode(logits.argmax(dim=2))


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
