"""Recognition metrics for ``easyocr-ko eval``: accuracy, norm_ED, CER, jamo CER, groups and confusions.

Pure functions over ``(truth, prediction)`` strings: no torch, no I/O, no third-party libraries.  Users pick
between stock EasyOCR and their fine-tuned model by these numbers, so they are computed on exactly the
strings given (after an explicit, reported :class:`Normalization`) and no default path ever removes a
character other than outer whitespace.  Every rate is a fraction (accuracy and norm_ED in [0, 1]; CER and
jamo CER in [0, inf) because insertions can outnumber the truth's characters), never a percentage.

Definitions (a "character" is a Unicode code point of the normalised string):

* Edit distance: Levenshtein (1966) distance with unit costs for insertion, deletion and substitution, no
  transpositions (the same as ``nltk.edit_distance`` that DTRB's ``test.py`` imports).
* accuracy: fraction of samples whose normalised prediction equals the normalised truth (exact match).
* norm_ED: the ICDAR 2019 ArT / ReCTS "normalized edit distance" as DTRB's ``test.py`` (and EasyOCR's
  ``trainer/test.py``, a copy of it) computes it: per sample ``1 - ED / max(len(gt), len(pred))``, averaged
  over samples; 1.0 is perfect.  One deliberate difference: DTRB adds 0 when the truth *or* the prediction
  is empty, which scores a correct empty prediction (both empty) as a total miss; here both empty is an exact
  match and scores 1.0 (distance 0), consistent with accuracy.  Every other case is identical.
* CER (character error rate, as in the ASR/OCR literature; the ISRI OCR accuracy tests' "character accuracy"
  is 1 - CER): total edit distance over the corpus divided by the total number of truth characters (a micro
  average, not a mean of per-sample rates).  When the corpus has no truth characters at all, CER is 0.0 if every
  prediction is empty too and ``math.inf`` otherwise (any inserted character is an unbounded error relative to nothing).
* jamo CER: CER on strings whose precomposed Hangul syllables are decomposed into conjoining jamo
  (U+1100..U+11FF) exactly as Unicode NFD decomposes them (see :func:`to_jamo`), so 잇 for 있 costs
  1 of 3 jamo instead of 1 whole character.

DTRB's ``test.py`` lowercases and deletes everything outside ``[0-9a-z]`` in one mode (``--sensitive`` with
``--data_filtering_off``), which deletes every Hangul character; EasyOCR's trainer copy does not.  This
module never does that: case folding and whitespace handling are opt-in :class:`Normalization` options and
:meth:`Normalization.describe` reports which were used next to the numbers.

>>> s = summarize([("있다", "잇다"), ("있다", "있다")])
>>> s.accuracy, s.CER, s.jamo_CER
(0.5, 0.25, 0.1)
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from easyocr_ko.hangul import is_hangul, is_hangul_syllable, to_jamo

_WS_RUN = re.compile(r"\s+")
_DIGIT_RUN = re.compile(r"(\d+)")

#: Lower bounds of the default length buckets: '1', '2-3', '4-6', '7-10', '11+' (plus '0' for empty).
LENGTH_BUCKET_EDGES = (1, 2, 4, 7, 11)
#: Metrics :func:`worst_group` can rank by, with whether a higher value is better.
RANKABLE_METRICS = {"accuracy": True, "norm_ED": True, "CER": False, "jamo_CER": False}


# --------------------------------------------------------------------------------------------- distances
class EditOp(NamedTuple):
    """One step of an alignment of ``truth`` to ``prediction``.

    ``kind`` is ``'equal'``, ``'sub'`` (truth character read as another), ``'del'`` (truth character missing
    from the prediction; ``prediction == ''``) or ``'ins'`` (extra predicted character; ``truth == ''``).
    """

    kind: str
    truth: str
    prediction: str


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance between two strings, unit costs, no transpositions (Levenshtein, 1966).

    Args:
        a: any string (compared code point by code point; normalise first, see :class:`Normalization`).
        b: any string.

    Returns:
        The minimum number of single-character insertions, deletions and substitutions turning ``a`` into
        ``b``; an int in ``[|len(a) - len(b)|, max(len(a), len(b))]``, symmetric in ``a`` and ``b``.

    >>> edit_distance("있다", "잇다"), edit_distance("kitten", "sitting"), edit_distance("", "abc")
    (1, 3, 3)
    """
    # A common prefix and suffix never need an edit; trimming them makes equal strings O(len).
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    a, b = a[start:end_a], b[start:end_b]
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def align(truth: str, prediction: str) -> list[EditOp]:
    """A minimum-cost alignment of ``truth`` to ``prediction`` (Levenshtein, unit costs).

    The alignment comes from a backtrace of the full dynamic-programming table, starting at the end of both
    strings; at every step a diagonal move (``'equal'`` or ``'sub'``) is preferred, then ``'del'``, then
    ``'ins'``, so ties are broken towards substitutions and the result is deterministic.

    Args:
        truth: the ground-truth string.
        prediction: the predicted string.

    Returns:
        :class:`EditOp` tuples ``(kind, truth_char, prediction_char)`` in reading order.  Joining the
        ``truth`` fields gives ``truth`` back, joining the ``prediction`` fields gives ``prediction``, and the
        number of non-``'equal'`` ops is ``edit_distance(truth, prediction)``.

    >>> [tuple(op) for op in align("abc", "xac")]
    [('sub', 'a', 'x'), ('sub', 'b', 'a'), ('equal', 'c', 'c')]
    """
    n, m = len(truth), len(prediction)
    table = [[0] * (m + 1) for _ in range(n + 1)]  # table[i][j] = ED(truth[:i], prediction[:j])
    for i in range(n + 1):
        table[i][0] = i
    for j in range(m + 1):
        table[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            table[i][j] = min(
                table[i - 1][j] + 1,
                table[i][j - 1] + 1,
                table[i - 1][j - 1] + (truth[i - 1] != prediction[j - 1]),
            )
    ops: list[EditOp] = []
    i, j = n, m
    while i or j:
        if i and j and table[i][j] == table[i - 1][j - 1] + (truth[i - 1] != prediction[j - 1]):
            kind = "equal" if truth[i - 1] == prediction[j - 1] else "sub"
            ops.append(EditOp(kind, truth[i - 1], prediction[j - 1]))
            i, j = i - 1, j - 1
        elif i and table[i][j] == table[i - 1][j] + 1:
            ops.append(EditOp("del", truth[i - 1], ""))
            i -= 1
        else:
            ops.append(EditOp("ins", "", prediction[j - 1]))
            j -= 1
    ops.reverse()
    return ops


def sample_norm_ed(truth: str, prediction: str) -> float:
    """One sample's ICDAR 2019 normalised edit distance score, as in DTRB's ``test.py``.

    ``1 - ED(truth, prediction) / max(len(truth), len(prediction))``; 1.0 is a perfect read.  Both strings
    empty scores 1.0 (distance 0); DTRB scores that case 0.0 (see the module docstring).  Compare strings
    after the same :class:`Normalization`; this function does not normalise.

    Returns:
        A float in [0, 1].

    >>> round(sample_norm_ed("abc", "abd"), 4), sample_norm_ed("abc", ""), sample_norm_ed("", "")
    (0.6667, 0.0, 1.0)
    """
    longest = max(len(truth), len(prediction))
    if longest == 0:
        return 1.0
    return 1.0 - edit_distance(truth, prediction) / longest


# ----------------------------------------------------------------------------------------- normalisation
@dataclass(frozen=True)
class Normalization:
    """How truth and prediction are normalised before they are compared; reported with every result.

    Steps, in order: Unicode NFC (``nfc``), case folding (``casefold``, then NFC again if ``nfc``), removal
    of all whitespace (``remove_spaces``) or collapsing of inner whitespace runs to one space
    (``collapse_spaces``), stripping of outer whitespace (``strip``).  "Whitespace" is what ``str.isspace``
    accepts (space, tab, newline, U+3000 ideographic space, ...).

    No option removes a non-whitespace character.  NFC only replaces canonically equivalent sequences
    (NFD jamo sequences become the syllable they spell, U+F900 CJK compatibility ideographs become their
    unified ideograph); ``casefold`` changes letters' case (and can lengthen a string: ``'ß'`` -> ``'ss'``)
    and never touches Hangul.  The defaults (NFC + strip) only ever remove outer whitespace.  Unlike DTRB's
    evaluation there is no option to delete non-alphanumeric characters: it would delete Hangul.

    Attributes:
        nfc: apply Unicode NFC to both truth and prediction (macOS and some fonts' tools produce NFD Hangul).
        strip: remove leading and trailing whitespace.
        collapse_spaces: replace every inner run of whitespace with one space ``' '``.
        remove_spaces: remove all whitespace (overrides ``collapse_spaces``); use it to score models that do
            not predict spaces.
        casefold: compare case-insensitively (``str.casefold``).
    """

    nfc: bool = True
    strip: bool = True
    collapse_spaces: bool = False
    remove_spaces: bool = False
    casefold: bool = False

    def apply(self, text: str) -> str:
        """``text`` normalised as configured.

        >>> Normalization().apply(" \\u1112\\u1161\\u11ab\\u1100\\u1173\\u11af ")
        '한글'
        """
        if self.nfc:
            text = unicodedata.normalize("NFC", text)
        if self.casefold:
            text = text.casefold()
            if self.nfc:
                text = unicodedata.normalize("NFC", text)
        if self.remove_spaces:
            text = _WS_RUN.sub("", text)
        elif self.collapse_spaces:
            text = _WS_RUN.sub(" ", text)
        if self.strip:
            text = text.strip()
        return text

    def describe(self) -> str:
        """A one-line description for reports, naming every choice (also the ones left off).

        >>> Normalization().describe()
        'NFC; strip outer whitespace; inner whitespace kept; case-sensitive'
        """
        parts = ["NFC" if self.nfc else "no Unicode normalization"]
        parts.append("strip outer whitespace" if self.strip else "outer whitespace kept")
        if self.remove_spaces:
            parts.append("all whitespace removed")
        elif self.collapse_spaces:
            parts.append("inner whitespace collapsed to one space")
        else:
            parts.append("inner whitespace kept")
        parts.append("casefold (case-insensitive)" if self.casefold else "case-sensitive")
        return "; ".join(parts)


# ------------------------------------------------------------------------------------------------ Hangul
# ----------------------------------------------------------------------------------------- per-sample
@dataclass(frozen=True)
class PairScore:
    """One sample's normalised strings and its counts.

    Attributes:
        truth: the normalised truth.
        prediction: the normalised prediction.
        correct: exact match.
        edits: character edit distance.
        norm_ED: :func:`sample_norm_ed`, in [0, 1].
        n_chars: ``len(truth)``, in code points.
        jamo_edits: edit distance between the :func:`to_jamo` forms.
        n_jamo: ``len(to_jamo(truth))``.
        confidence: the model's confidence if one was given (EasyOCR: in [0, 1]), else ``None``.
    """

    truth: str
    prediction: str
    correct: bool
    edits: int
    norm_ED: float
    n_chars: int
    jamo_edits: int
    n_jamo: int
    confidence: float | None = None


def score_pair(
    truth: str,
    prediction: str,
    normalization: Normalization = Normalization(),
    confidence: float | None = None,
) -> PairScore:
    """Normalise one ``(truth, prediction)`` pair and count its errors.

    Raises:
        ValueError: ``truth`` or ``prediction`` is not a ``str`` (use ``''`` for "nothing read").
    """
    for name, value in (("truth", truth), ("prediction", prediction)):
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a str, got {type(value).__name__}; use '' for an empty read")
    truth, prediction = normalization.apply(truth), normalization.apply(prediction)
    truth_jamo = to_jamo(truth)
    return PairScore(
        truth=truth,
        prediction=prediction,
        correct=truth == prediction,
        edits=edit_distance(truth, prediction),
        norm_ED=sample_norm_ed(truth, prediction),
        n_chars=len(truth),
        jamo_edits=edit_distance(truth_jamo, to_jamo(prediction)),
        n_jamo=len(truth_jamo),
        confidence=None if confidence is None else float(confidence),
    )


def _unpack(row: Sequence[Any], index: int) -> tuple[str, str, float | None]:
    if isinstance(row, str) or not isinstance(row, Sequence) or len(row) < 2:
        raise ValueError(
            f"sample {index} must be a (truth, prediction[, confidence, ...]) sequence, got {row!r}"
        )
    return row[0], row[1], row[2] if len(row) > 2 else None


def score_pairs(
    pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()
) -> list[PairScore]:
    """:func:`score_pair` for each ``(truth, prediction[, confidence])`` row; items after the third (e.g. a
    font name) are ignored, so rows can carry their own metadata.

    Raises:
        ValueError: a row is not such a sequence, or holds a non-``str`` truth or prediction.
    """
    scores = []
    for index, row in enumerate(pairs):
        truth, prediction, confidence = _unpack(row, index)
        try:
            scores.append(score_pair(truth, prediction, normalization, confidence))
        except ValueError as exc:
            raise ValueError(f"sample {index}: {exc}") from None
    return scores


# -------------------------------------------------------------------------------------------- corpus
def _rate(edits: int, total: int) -> float:
    if total:
        return edits / total
    return 0.0 if edits == 0 else math.inf


@dataclass(frozen=True)
class Summary:
    """Corpus metrics over ``n`` samples; rates are fractions, never percentages.

    Attributes:
        n: number of samples (>= 1).
        n_correct: exact matches.
        accuracy: ``n_correct / n``, in [0, 1].
        norm_ED: mean ICDAR 2019 norm_ED (DTRB), in [0, 1]; higher is better.
        CER: ``edits / n_chars``, in [0, inf); 0.0 when ``n_chars == 0`` and ``edits == 0``, ``math.inf`` when
            ``n_chars == 0`` and ``edits > 0``.  Can exceed 1 (insertions).
        jamo_CER: ``jamo_edits / n_jamo``, same conventions as ``CER``.
        edits: total character edit distance.
        n_chars: total truth characters (code points after normalisation).
        jamo_edits: total jamo-level edit distance.
        n_jamo: total truth characters after :func:`to_jamo`.
        mean_confidence: mean of the given confidences, or ``None`` when none were given.
        normalization: :meth:`Normalization.describe` of the normalisation used.
    """

    n: int
    n_correct: int
    accuracy: float
    norm_ED: float
    CER: float
    jamo_CER: float
    edits: int
    n_chars: int
    jamo_edits: int
    n_jamo: int
    mean_confidence: float | None
    normalization: str

    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (for JSON/YAML reports; ``CER`` may be ``math.inf``)."""
        return asdict(self)


def summarize_scores(scores: Sequence[PairScore], normalization: str) -> Summary:
    """Aggregate already-scored samples into a :class:`Summary`.

    Args:
        scores: :class:`PairScore` objects, all made with the same normalisation.
        normalization: the :meth:`Normalization.describe` text to report.

    Raises:
        ValueError: ``scores`` is empty, or only some samples carry a confidence.
    """
    if not scores:
        raise ValueError("no samples to evaluate; check that the dataset or prediction list is not empty")
    confidences = [s.confidence for s in scores if s.confidence is not None]
    if confidences and len(confidences) != len(scores):
        raise ValueError(
            f"{len(confidences)} of {len(scores)} samples carry a confidence; give one for every sample or none"
        )
    n = len(scores)
    n_correct = sum(s.correct for s in scores)
    edits, n_chars = sum(s.edits for s in scores), sum(s.n_chars for s in scores)
    jamo_edits, n_jamo = sum(s.jamo_edits for s in scores), sum(s.n_jamo for s in scores)
    return Summary(
        n=n,
        n_correct=n_correct,
        accuracy=n_correct / n,
        norm_ED=sum(s.norm_ED for s in scores) / n,
        CER=_rate(edits, n_chars),
        jamo_CER=_rate(jamo_edits, n_jamo),
        edits=edits,
        n_chars=n_chars,
        jamo_edits=jamo_edits,
        n_jamo=n_jamo,
        mean_confidence=sum(confidences) / n if confidences else None,
        normalization=normalization,
    )


def summarize(pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()) -> Summary:
    """Accuracy, norm_ED, CER, jamo CER and mean confidence of ``(truth, prediction[, confidence])`` rows.

    Args:
        pairs: rows ``(truth, prediction)`` or ``(truth, prediction, confidence)``; further items are ignored.
            Confidence is EasyOCR's (a float in [0, 1]); give it for every row or for none.
        normalization: applied to truth and prediction before anything is compared.

    Returns:
        A :class:`Summary`; see the module docstring for the definitions.

    Raises:
        ValueError: no rows, a malformed row, a non-``str`` truth/prediction, or confidence on only some rows.

    >>> summarize([("abc", "abd", 0.5), ("ab", "ab", 1.0)]).mean_confidence
    0.75
    """
    return summarize_scores(score_pairs(pairs, normalization), normalization.describe())


def accuracy(pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()) -> float:
    """Exact-match fraction in [0, 1] (:func:`summarize` ``.accuracy``).  Raises ValueError on no rows."""
    return summarize(pairs, normalization).accuracy


def norm_ed(pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()) -> float:
    """Mean ICDAR 2019 norm_ED in [0, 1], as DTRB's ``test.py`` (:func:`summarize` ``.norm_ED``)."""
    return summarize(pairs, normalization).norm_ED


def cer(pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()) -> float:
    """Corpus CER: total edit distance / total truth characters, in [0, inf) (:func:`summarize` ``.CER``)."""
    return summarize(pairs, normalization).CER


def jamo_cer(pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()) -> float:
    """Corpus CER over :func:`to_jamo` forms, in [0, inf) (:func:`summarize` ``.jamo_CER``)."""
    return summarize(pairs, normalization).jamo_CER


# -------------------------------------------------------------------------------------------- groups
def content_kind(text: str) -> str:
    """The content group of a truth string: ``'latin'``, ``'digits'``, ``'hangul'`` or ``'other'``.

    Precedence: ``'latin'`` if it has any ASCII letter ``A-Za-z``; else ``'digits'`` if it has any ASCII
    digit ``0-9``; else ``'hangul'`` if it has any Hangul letter (syllables, conjoining, compatibility,
    extended or halfwidth jamo); else ``'other'`` (empty, punctuation only, Hanja only, ...).  So
    ``'hangul'`` means "Hangul without Latin letters or digits" (spaces and punctuation allowed),
    ``'digits'`` "digits without Latin letters" and ``'latin'`` "contains Latin letters".

    >>> [content_kind(t) for t in ("한글", "3월", "A동 3층", "!?")]
    ['hangul', 'digits', 'latin', 'other']
    """
    if any("A" <= c <= "Z" or "a" <= c <= "z" for c in text):
        return "latin"
    if any("0" <= c <= "9" for c in text):
        return "digits"
    if any(is_hangul(c) for c in text):
        return "hangul"
    return "other"


def length_bucket(text: str, edges: Sequence[int] = LENGTH_BUCKET_EDGES) -> str:
    """The length group of a truth string, by its length in characters after NFC.

    NFC is applied here whatever the evaluation's normalisation, so an NFD spelling is bucketed like the
    syllables it spells.  With the default ``edges`` the buckets are ``'0'`` (empty), ``'1'``, ``'2-3'``,
    ``'4-6'``, ``'7-10'`` and ``'11+'``.

    Args:
        text: the truth string.
        edges: strictly increasing lower bounds of the buckets, the first >= 1; each bucket runs up to the
            next bound minus one, the last is open (``'11+'``).

    Raises:
        ValueError: ``edges`` is empty, not strictly increasing or starts below 1.

    >>> [length_bucket(t) for t in ("", "가", "가나다", "가나다라", "가" * 12)]
    ['0', '1', '2-3', '4-6', '11+']
    """
    edges = tuple(edges)
    if not edges or edges[0] < 1 or any(b <= a for a, b in zip(edges, edges[1:])):
        raise ValueError(f"length bucket edges must be strictly increasing integers >= 1, got {edges}")
    length = len(unicodedata.normalize("NFC", text))
    if length < edges[0]:
        return "0" if edges[0] == 1 else f"0-{edges[0] - 1}"
    for lo, hi in zip(edges, edges[1:]):
        if lo <= length < hi:
            return str(lo) if hi - lo == 1 else f"{lo}-{hi - 1}"
    return f"{edges[-1]}+"


def _natural_key(name: Any) -> tuple:
    """Sort key that orders digit runs numerically: '2-3' < '11+', 'font2' < 'font10'."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in _DIGIT_RUN.split(str(name)))


_TRUTH_KEYS: dict[str, Callable[[str], str]] = {"content_kind": content_kind, "length_bucket": length_bucket}


def group_summaries(
    rows: Iterable[Sequence[Any]],
    key: str | Callable[[Sequence[Any]], Any],
    normalization: Normalization = Normalization(),
) -> dict[str, Summary]:
    """One :class:`Summary` per group of rows.

    Args:
        rows: ``(truth, prediction[, confidence, ...])`` rows as for :func:`summarize`; items after the
            third can hold metadata such as the font, e.g. ``(truth, prediction, confidence, font)``.
        key: ``'content_kind'`` or ``'length_bucket'`` (that function applied to the *normalised* truth), or a
            callable taking the raw row and returning its group (converted with ``str``), e.g.
            ``lambda row: row[3]`` for the font.
        normalization: as for :func:`summarize`.

    Returns:
        ``{group: Summary}`` in natural order of the group names (digit runs compared as numbers, so
        ``'2-3'`` comes before ``'11+'``); only non-empty groups appear.

    Raises:
        ValueError: an unknown ``key`` name, or anything :func:`summarize` raises.
    """
    if isinstance(key, str):
        if key not in _TRUTH_KEYS:
            raise ValueError(f"unknown group key {key!r}; use one of {sorted(_TRUTH_KEYS)} or a callable")
        truth_key = _TRUTH_KEYS[key]
    rows = list(rows)
    grouped: dict[str, list[PairScore]] = {}
    for row, score in zip(rows, score_pairs(rows, normalization)):
        name = truth_key(score.truth) if isinstance(key, str) else str(key(row))
        grouped.setdefault(name, []).append(score)
    description = normalization.describe()
    return {
        name: summarize_scores(grouped[name], description) for name in sorted(grouped, key=_natural_key)
    }


def worst_group(groups: Mapping[str, Summary], metric: str = "CER", min_n: int = 10) -> str | None:
    """The name of the group that scores worst on ``metric`` among groups with at least ``min_n`` samples.

    Worst is the highest ``CER`` / ``jamo_CER`` or the lowest ``accuracy`` / ``norm_ED``.  Ties go to the
    group with more samples, then to the first name in natural order.  ``min_n`` (default 10) keeps a group
    of one or two unlucky samples from being reported as the weak spot.

    Args:
        groups: as returned by :func:`group_summaries`.
        metric: one of ``'accuracy'``, ``'norm_ED'``, ``'CER'``, ``'jamo_CER'``.
        min_n: the smallest group size considered (>= 1).

    Returns:
        The group name, or ``None`` when no group has ``min_n`` samples.

    Raises:
        ValueError: unknown ``metric`` or ``min_n < 1``.
    """
    if metric not in RANKABLE_METRICS:
        raise ValueError(f"unknown metric {metric!r}; use one of {list(RANKABLE_METRICS)}")
    if min_n < 1:
        raise ValueError(f"min_n must be >= 1, got {min_n}")
    sign = 1.0 if RANKABLE_METRICS[metric] else -1.0  # after the sign, lower is worse
    candidates = [(name, s) for name, s in groups.items() if s.n >= min_n]
    if not candidates:
        return None
    name, _ = min(
        candidates, key=lambda item: (sign * getattr(item[1], metric), -item[1].n, _natural_key(item[0]))
    )
    return name


# ------------------------------------------------------------------------------------------- confusions
def confusions(
    pairs: Iterable[Sequence[Any]],
    top: int | None = 20,
    normalization: Normalization = Normalization(),
    include_indels: bool = True,
) -> list[tuple[tuple[str, str], int]]:
    """The most frequent character errors in the :func:`align` alignments of the normalised pairs.

    Substitutions are counted as ``(truth_char, predicted_char)``.  With ``include_indels`` (the default),
    deletions are counted in the same list as ``(truth_char, '')`` and insertions as ``('', predicted_char)``,
    so one list ranks every kind of error; with ``include_indels=False`` only substitutions are counted.

    Args:
        pairs: rows as for :func:`summarize`.
        top: how many entries to return (``None``: all).
        normalization: as for :func:`summarize`.
        include_indels: also count deletions and insertions.

    Returns:
        ``[((truth_char, predicted_char), count), ...]`` by count descending, ties by the pair in code-point
        order.

    Raises:
        ValueError: ``top < 0`` or anything :func:`score_pairs` raises (an empty ``pairs`` gives ``[]``).

    >>> confusions([("있다", "잇다"), ("있어", "잇어"), ("ab", "abc")])
    [(('있', '잇'), 2), (('', 'c'), 1)]
    """
    if top is not None and top < 0:
        raise ValueError(f"top must be >= 0 or None, got {top}")
    counts: Counter[tuple[str, str]] = Counter()
    for score in score_pairs(pairs, normalization):
        for op in align(score.truth, score.prediction):
            if op.kind == "sub" or (include_indels and op.kind in ("del", "ins")):
                counts[(op.truth, op.prediction)] += 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ranked if top is None else ranked[:top]


def single_syllable_accuracy(
    pairs: Iterable[Sequence[Any]], normalization: Normalization = Normalization()
) -> float | None:
    """Exact-match accuracy over the samples whose normalised truth is exactly one Hangul syllable.

    Single syllables (가, 닭, 똠) are the hardest Hangul case for a recognizer: no word context helps.

    Returns:
        A fraction in [0, 1], or ``None`` when no truth is a single syllable.

    Raises:
        ValueError: anything :func:`score_pairs` raises.

    >>> single_syllable_accuracy([("가", "가"), ("닭", "닥"), ("가나", "가나")])
    0.5
    """
    hits = [s.correct for s in score_pairs(pairs, normalization) if is_hangul_syllable(s.truth)]
    return sum(hits) / len(hits) if hits else None
