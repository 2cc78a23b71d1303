"""Evaluation: the numbers ``easyocr.Reader`` delivers, models side by side (``easyocr-ko eval``), and reading
photos with any recognizer (``easyocr-ko read``).

Modules, lowest first (each imports only those above it): :mod:`~.metrics` (pure accuracy, norm_ED, CER and jamo
CER, each with its source), :mod:`~.models` (a ``--model`` argument -> a loaded recognizer: trio, finetune run,
checkpoint or built-in), :mod:`~.sets` (the images and truths of an eval set, with font and text kind),
:mod:`~.results` (the plain result types: predictions, per-model scores, top candidates), :mod:`~.read` (reading
exactly as Reader: eval sets, one image's top candidates, photos beside CRAFT for ``read``), :mod:`~.options`
(:class:`~.options.EvalConfig`, the options of ``eval``), :mod:`~.report` (the report: tables, TSVs, the per-font
chart and the output folder) and :mod:`~.evaluate` (scoring and the whole ``eval`` run).
"""
