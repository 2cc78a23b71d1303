"""Stage 2, rendering: text lines -> images.

Modules: :mod:`~.fonts` (font files, the ink-based glyph check, the manifest), :mod:`~._trdg` (trdg's renderer
with its Pillow-10 fix), :mod:`~.jitter` (the per-syllable handwriting-jitter renderer), :mod:`~.augment`
(gen-time and training-time image augmentation) and :mod:`~.generate` (the ``easyocr-ko gen`` pipeline: plan,
render, write DTRB splits through :mod:`easyocr_ko.datasets.writer`).
"""
