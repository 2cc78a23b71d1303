"""Evaluation: the numbers ``easyocr.Reader`` delivers, models side by side (``easyocr-ko eval``).

Modules: :mod:`~.metrics` (pure accuracy, norm_ED, CER and jamo CER, each with its source), :mod:`~.models`
(a ``--model`` argument -> a loaded recognizer: trio, finetune run, checkpoint or built-in), :mod:`~.sets`
(the images and truths of an eval set, with font and text kind), :mod:`~.evaluate` (reading exactly as Reader
and scoring), :mod:`~.report` (tables, TSVs, the per-font chart and the output folder).
"""
