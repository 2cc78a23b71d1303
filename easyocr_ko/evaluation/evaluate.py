"""``easyocr-ko eval``: score one or more recognizers on one evaluation set, exactly as ``easyocr.Reader`` reads.

The pipeline of :func:`evaluate`, one module a step:

1. models: :func:`easyocr_ko.evaluation.models.resolve_model` turns every ``--model`` into a loaded recognizer
   (built-in, bundled, exported trio, finetune run or checkpoint);
2. the set: :func:`easyocr_ko.evaluation.sets.load_eval_set` opens the images, their truths as stored and gen's
   font manifest;
3. reading: :func:`easyocr_ko.evaluation.read.read_eval_set` reads every image with every model, as Reader;
4. scoring (here): :func:`score` applies :mod:`easyocr_ko.evaluation.metrics` (accuracy, norm_ED, CER, jamo CER,
   groups, confusions, single-syllable accuracy) after an explicit
   :class:`~easyocr_ko.evaluation.metrics.Normalization` reported with them;
5. output: :mod:`easyocr_ko.evaluation.report` holds the :class:`~easyocr_ko.evaluation.report.EvalReport`,
   writes ``<model>_predictions.tsv``, ``summary.json`` and, when the set has a font manifest, ``font_cer.png``
   into ``output`` (each atomically), and formats the printed tables.

The options are an :class:`~easyocr_ko.evaluation.options.EvalConfig`; the results are the plain types of
:mod:`easyocr_ko.evaluation.results`.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.evaluation.metrics import (
    Normalization,
    Summary,
    confusions,
    group_summaries,
    score_pairs,
    single_syllable_accuracy,
    summarize_scores,
    worst_group,
)
from easyocr_ko.evaluation.models import ModelSpec, resolve_model, unique_names
from easyocr_ko.evaluation.options import EvalConfig
from easyocr_ko.evaluation.read import read_eval_set
from easyocr_ko.evaluation.report import EvalReport, check_output_folder, write_outputs
from easyocr_ko.evaluation.results import ModelResult, Predictions
from easyocr_ko.evaluation.sets import NO_FONT, NO_KIND, EvalSet, load_eval_set
from easyocr_ko.recognizer.predict import language_characters

__all__ = ["score", "evaluate"]


def score(spec: ModelSpec, evalset: EvalSet, predictions: Predictions, normalization: Normalization,
          lang_list: Sequence[str], min_group: int = 10, top_confusions: int = 20) -> ModelResult:
    """Score ``predictions`` with :mod:`easyocr_ko.evaluation.metrics`.

    Args:
        spec: the model that read.
        evalset: the set it read (truths, fonts, text kinds).
        predictions: its readings, in set order.
        normalization: applied to truth and prediction before comparing.
        lang_list: Reader's languages (for the characters Reader ignores).
        min_group: smallest group that can be named the worst.
        top_confusions: confusions kept.

    Raises:
        EasyOcrKoError: an unknown language code.
    """
    rows = [(t, r.text, r.confidence, f, k) for t, r, f, k in
            zip(evalset.truths, predictions.readings, evalset.fonts or [NO_FONT] * len(evalset),
                evalset.text_kinds or [NO_KIND] * len(evalset))]
    description = normalization.describe()
    scores = score_pairs(rows, normalization)
    summary = summarize_scores(scores, description)
    per_image = [summarize_scores([s], description).CER for s in scores]
    groups: dict[str, dict[str, Summary]] = {}
    if evalset.fonts is not None:
        groups["font"] = group_summaries(rows, lambda row: row[3], normalization)
    if evalset.text_kinds is not None:
        groups["text_kind"] = group_summaries(rows, lambda row: row[4], normalization)
    groups["content_kind"] = group_summaries(rows, "content_kind", normalization)
    groups["length_bucket"] = group_summaries(rows, "length_bucket", normalization)
    worst = {key: worst_group(g, "CER", min_group) for key, g in groups.items()}
    ignored = "".join(spec.character[i - 1] for i in spec.ignore_idx(lang_list))
    return ModelResult(spec, predictions, summary, per_image, groups, worst,
                       confusions(rows, top_confusions, normalization), single_syllable_accuracy(rows, normalization),
                       ignored)


def evaluate(config: EvalConfig, progress: bool = False) -> EvalReport:
    """Resolve the models, open the set, read it with every model, score, and write the files.

    Args:
        config: the options.
        progress: show a progress bar per model on stderr.

    Returns:
        The report (:func:`easyocr_ko.evaluation.report.format_report` prints it).

    Raises:
        FileNotFoundError / EasyOcrKoError: see :func:`easyocr_ko.evaluation.models.resolve_model`,
            :func:`easyocr_ko.evaluation.sets.load_eval_set`, :func:`easyocr_ko.evaluation.read.read_eval_set`; no
            model given; an unknown language code or ``output`` that cannot be a folder (both checked before any
            model is read).
        OSError: a file cannot be written (naming it).
    """
    if not config.models:
        raise EasyOcrKoError("give at least one --model")
    if config.output is not None:
        check_output_folder(Path(config.output))
    for lang in config.read.lang_list:
        language_characters(lang)  # unknown codes fail before anything is read
    specs = [resolve_model(m, config.checkpoint) for m in config.models]
    unique_names(specs)
    evalset = load_eval_set(config.data, config.split, config.limit, config.seed)
    report = EvalReport(config, evalset)
    for spec in specs:
        predictions = read_eval_set(spec, evalset, config.read, progress)
        report.results.append(score(spec, evalset, predictions, config.normalization, config.read.lang_list,
                                    config.min_group, config.top_confusions))
    if config.output is not None:
        report.files = write_outputs(report, Path(config.output))
    return report
