"""``easyocr-ko gen``: dictionary words x handwriting fonts -> trdg images -> DTRB folder + LMDB per split.

Output layout (``OUT`` = ``GenConfig.output``)::

    OUT/gen_config.yaml               the resolved options
    OUT/train/gt.txt                  images/000000001.png<TAB>label  (UTF-8, NFC; DTRB gt format)
    OUT/train/images/*.png
    OUT/train/fonts.tsv               index, image, font file, family, kind, renderer: how each image was made
    OUT/lmdb/train/data.mdb           DTRB LMDB of the same samples (+ fonts.tsv, keyed by LMDB index)
    OUT/validation/...                the same for the validation split
    OUT/contact_sheet.png             random samples with their labels and fonts
    OUT/summary.json                  counts, failures by reason, per-font counts, speed (also written after
                                      each completed split, so --resume knows the counts of the splits it keeps)

Each split is written by the split writer ``easyocr-ko import`` uses too (:mod:`easyocr_ko.datasets.writer`): into
a staging folder ``OUT/.gen-tmp-*``, moved into ``OUT`` when complete (so ``--resume`` keeps the splits a killed
run finished).  ``--overwrite`` builds the whole new dataset in a staging folder inside ``OUT`` and swaps it in only
when complete; until then the earlier dataset stays as it was.

Reproducibility: each sample ``i`` of a split is rendered after seeding Python's ``random`` (trdg's RNG),
numpy and OpenCV (``cv2.randn`` draws trdg's noise background) from a hash of (seed, split, i, attempt),
and words are paired with fonts by a planner that runs in the parent; so the same seed and options give
the same images and labels whatever the number of worker processes.

Memory and worker processes: samples are planned as they are rendered (:meth:`SplitPlan.iter_samples`) and only a
few chunks per worker are in flight, so gen starts writing at once whatever ``count`` (the split writer keeps only
each written sample's ``gt.txt`` and ``fonts.tsv`` lines until the split is complete).  A worker that dies
(``kill -9``, the out-of-memory killer) ends the run with one :class:`~easyocr_ko.errors.EasyOcrKoError` (the
splits finished so far stay for ``--resume``); workers ignore Ctrl-C, which the gen process handles by stopping
them, and end by themselves when the gen process is gone.

Pairing: trdg's own generators give word ``k`` font ``k mod F``, so a word always gets the same font.  Here
the split's words are drawn epoch by epoch in a shuffled order (every word before any repeats) and each is
paired with a font chosen at random among the fonts that really draw all of its characters
(:func:`easyocr_ko.synth.fonts.drawn_characters`), so no tofu is ever rendered.
"""
from __future__ import annotations

import collections
import contextlib
import hashlib
import io
import itertools
import json
import multiprocessing as mp
import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw
from tqdm import tqdm

from easyocr_ko.config import GenConfig, save_config, to_dict
from easyocr_ko.datasets.dtrb import encode_png, read_gt
from easyocr_ko.datasets.writer import (
    Manifest,
    OutputFolder,
    SplitRecord,
    SplitSummary,
    commit_split,
    read_manifest,
    write_split,
)
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.fsutil import atomic_path, os_errors_naming_arg, temp_dir, write_lines_atomic
from easyocr_ko.seeding import seed_everything
from easyocr_ko.synth import _trdg
from easyocr_ko.synth.fonts import (
    FontInfo,
    expand_font_paths,
    inspect_fonts,
    load_font,
    resolve_font_entries,
    shipped_font_paths,
)
from easyocr_ko.text.dictionary import load_dictionary

__all__ = [
    "FONTS_MANIFEST",
    "GEN_OUTPUT",
    "MAX_ATTEMPTS",
    "SPLITS",
    "SplitPlan",
    "contact_sheet",
    "generate",
    "plan_splits",
    "render_sample",
    "render_text",
    "TEXT_STREAM", "sample_seed",
    "trdg_kwargs",
]

SPLITS = ("train", "validation")
MAX_ATTEMPTS = 4  # a sample trdg fails to render is retried with another word and font this many times
# fonts.tsv: how each image was made; summary.json counts images per font, kind and renderer from it
FONTS_MANIFEST = Manifest("fonts.tsv", ("font", "family", "kind", "renderer"), tallied=("font", "kind", "renderer"))
_TALLIES = (("fonts", "font"), ("kinds", "kind"), ("renderers", "renderer"))  # summary key, fonts.tsv column
GEN_OUTPUT = OutputFolder("gen", frozenset({"gen_config.yaml", "summary.json", "contact_sheet.png", *SPLITS, "lmdb"}),
                          "choose an empty folder, --overwrite or --resume")


TEXT_STREAM = 7
"""The ``attempt`` value of :func:`sample_seed` (with index 0) that seeds a split's text generator; renders use
attempts 0 .. ``MAX_ATTEMPTS - 1`` (= 3), so ``(seed, split, 0, 7)`` is a stream of its own."""


def sample_seed(seed: int, split: str, index: int, attempt: int = 0) -> int:
    """64-bit seed of one render, from (seed, split, sample index, attempt).

    >>> sample_seed(0, "train", 1) == sample_seed(0, "train", 1) != sample_seed(0, "train", 1, attempt=1)
    True

    Returns:
        An int in [0, 2^64): the first 8 bytes (little-endian) of BLAKE2b of ``"seed/split/index/attempt"``.
    """
    digest = hashlib.blake2b(f"{seed}/{split}/{index}/{attempt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def trdg_kwargs(config: GenConfig) -> dict:
    """Keyword arguments for ``FakeTextDataGenerator.generate`` (trdg 1.8.0), minus index/text/font: images of
    height ``config.height`` px, returned rather than saved (``out_dir=None``)."""
    return dict(
        out_dir=None,
        size=config.height,
        extension="png",
        skewing_angle=config.skew_angle,
        random_skew=config.random_skew,
        blur=config.blur,
        random_blur=config.random_blur,
        background_type=config.background,
        distorsion_type=config.distorsion,
        distorsion_orientation=config.distorsion_orientation,
        is_handwritten=False,
        name_format=2,
        width=-1,
        alignment=1,
        text_color=config.text_color,
        orientation=0,
        space_width=config.space_width,
        character_spacing=config.character_spacing,
        margins=tuple(config.margins),
        fit=config.fit,
        output_mask=0,
        word_split=False,
        image_dir=str(config.image_dir) if config.image_dir else None,
        stroke_width=config.stroke_width,
        stroke_fill=config.stroke_fill,
        image_mode=config.image_mode,
        output_bboxes=0,
    )


def render_text(text: str, font: Path | str, kwargs: dict, seed: int) -> tuple[Image.Image | None, str]:
    """Render one text image with trdg, reproducibly.

    Args:
        text: the label to draw.
        font: font file.
        kwargs: from :func:`trdg_kwargs`.
        seed: per-render seed (see :func:`sample_seed`).

    Returns:
        ``(image, "")`` on success (a PIL image of height ``kwargs['size']``, mode ``kwargs['image_mode']``),
        or ``(None, reason)`` when trdg returns nothing or raises.
    """
    generator = _trdg.fake_text_generator()
    seed_everything(seed)
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            image = generator.generate(0, text, str(font), **kwargs)
    except Exception as err:  # trdg raises assorted errors on odd glyph metrics; counted, never fatal
        return None, f"trdg raised {type(err).__name__}"
    if image is None:
        printed = out.getvalue()
        if "too similar" in printed:
            return None, "trdg rejected it: text and background too similar"
        return None, "trdg returned no image"
    if image.size[0] < 1 or image.size[1] < 1:
        return None, "trdg returned an empty image"
    return image, ""


# ---------------------------------------------------------------- planning

@dataclass
class SplitPlan:
    """Words and fonts of one split, and how the (text, font index, kind) of every sample's first attempt is drawn.

    The samples are drawn by :meth:`iter_samples` as they are read, from RNGs seeded by ``(seed, name)``: the
    plan's memory does not grow with ``size``, and every pass gives the same samples.  ``kind`` is ``word`` for
    dictionary entries, else the :data:`easyocr_ko.text.generator.KIND_NAMES` kind.

    Attributes:
        name: the split (``train`` or ``validation``).
        words: the split's dictionary entries that a font of the split draws.
        fonts: the split's fonts; samples name them by index.
        coverers: for each word, the indices of the fonts that draw it.
        size: samples in the split.
        seed: the run's seed.
        text_mix: ``GenConfig.text_mix`` (``None``: every text is a dictionary word).
        words_without_font: the split's dictionary entries no font of the split draws (left out).
        texts_without_font: generated texts no font of the split draws (drawn again), counted by the last pass
            of :meth:`iter_samples` (so far, while one runs).
    """

    name: str
    words: list[str]
    fonts: list[FontInfo]
    coverers: dict[str, list[int]]
    size: int = 0
    seed: int = 0
    text_mix: str | None = None
    words_without_font: int = 0
    texts_without_font: int = 0

    def iter_samples(self) -> Iterator[tuple[str, int, str]]:
        """Yield the ``(text, font index, kind)`` of samples 1 .. ``size`` in order.

        Words are drawn epoch by epoch in a shuffled order (every word before any repeats), each paired with a
        random font that draws it; with ``text_mix``, sample ``i``'s text is
        :class:`~easyocr_ko.text.generator.TextGenerator` line ``i`` of the split's words (another index when no
        font of the split draws it), paired with a random font that draws it.

        Raises:
            EasyOcrKoError: (``text_mix``) 16 generated texts in a row that no font of the split draws, or a
                bad ``text_mix`` spec.
        """
        prng = random.Random(f"{self.seed}/{self.name}/plan")
        if self.text_mix:
            yield from self._mixed_texts(prng)
            return
        order: list[str] = []
        for _ in range(self.size):
            if not order:
                order = self.words[:]
                prng.shuffle(order)
            word = order.pop()
            yield word, prng.choice(self.coverers[word]), "word"

    @property
    def samples(self) -> list[tuple[str, int, str]]:
        """All of :meth:`iter_samples` as a list (for small plans; gen itself streams them)."""
        return list(self.iter_samples())

    def _mixed_texts(self, prng: random.Random) -> Iterator[tuple[str, int, str]]:
        from easyocr_ko.text.generator import TextGenerator, TextMix

        generator = TextGenerator(self.words, TextMix.parse(self.text_mix or ""),
                                  seed=sample_seed(self.seed, self.name, 0, TEXT_STREAM))
        self.texts_without_font = 0
        for i in range(self.size):
            for attempt in range(MAX_ATTEMPTS * 4):
                text, kind = generator(i + attempt * 1_000_000_007)
                fonts = [k for k, f in enumerate(self.fonts) if f.can_draw(text)]
                if fonts:
                    yield text, prng.choice(fonts), kind
                    break
                self.texts_without_font += 1
            else:
                raise EasyOcrKoError(f"no {self.name} font draws the generated texts (e.g. {text!r})")


def _match_font(fonts: Sequence[FontInfo], key: str) -> list[int]:
    key_l = key.lower()
    return [i for i, f in enumerate(fonts)
            if key_l in (f.name.lower(), f.path.stem.lower(), f.family.lower())]


def _font_groups(config: GenConfig, fonts: list[FontInfo]) -> tuple[list[FontInfo], list[FontInfo]]:
    """(training fonts, validation fonts) after --exclude-font and --val-font."""
    def indices(keys: Sequence[str], option: str) -> set[int]:
        out: set[int] = set()
        for key in keys:
            found = _match_font(fonts, key)
            if not found:
                raise EasyOcrKoError(f"{option} {key!r} matches no font (give a file name, stem or family)")
            out.update(found)
        return out

    excluded = indices(config.exclude_fonts, "--exclude-font")
    val_only = indices(config.val_fonts, "--val-font")
    kept = [i for i in range(len(fonts)) if i not in excluded]
    train = [fonts[i] for i in kept if i not in val_only]
    val = [fonts[i] for i in kept if i in val_only] if val_only else [fonts[i] for i in kept]
    if not train or not val:
        raise EasyOcrKoError("no font left for the training or the validation split after "
                             "--exclude-font/--val-font")
    return train, val


def plan_splits(config: GenConfig, words: list[str], fonts: list[FontInfo]) -> list[SplitPlan]:
    """Split the vocabulary and fonts; each split's samples pair a word with a random font that draws it.

    Args:
        config: resolved options (count, validation size, ``split_by``, font groups, ``text_mix``, seed).
        words: the dictionary entries (NFC).
        fonts: the usable fonts (:func:`easyocr_ko.synth.fonts.inspect_fonts`).

    Returns:
        One :class:`SplitPlan` per split (``train`` first; a split of size 0 is left out).  Its samples are drawn
        as they are read (:meth:`SplitPlan.iter_samples`), so planning takes the same time and memory whatever
        ``config.count``.

    Raises:
        EasyOcrKoError: a split has no word that any of its fonts can draw, a ``--val-font`` or
            ``--exclude-font`` matches no font or leaves a split without fonts, the dictionary is too small to
            split by word, or (``text_mix``) no font of a split draws its first sample's generated texts.
    """
    n_val = config.n_val
    sizes = {"train": config.count - n_val, "validation": n_val}
    train_fonts, val_fonts = _font_groups(config, fonts)
    rng = random.Random(f"{config.seed}/split")
    if config.split_by == "word" and n_val > 0:
        if len(words) < 2:
            raise EasyOcrKoError("splitting by word needs at least 2 dictionary entries; use --split-by sample")
        shuffled = words[:]
        rng.shuffle(shuffled)
        n_val_words = min(len(words) - 1, max(1, round(len(words) * n_val / config.count)))
        pools = {"validation": shuffled[:n_val_words], "train": shuffled[n_val_words:]}
    else:
        pools = {"train": words, "validation": words}
    plans = []
    for name in SPLITS:
        if sizes[name] == 0:
            continue
        split_fonts = train_fonts if name == "train" else val_fonts
        coverers = {w: [i for i, f in enumerate(split_fonts) if f.can_draw(w)] for w in pools[name]}
        drawable = [w for w in pools[name] if coverers[w]]
        if not drawable:
            raise EasyOcrKoError(f"no {name} word can be drawn by any of the {name} fonts")
        plan = SplitPlan(name, drawable, split_fonts, coverers, size=sizes[name], seed=config.seed,
                         text_mix=config.text_mix, words_without_font=len(pools[name]) - len(drawable))
        if plan.text_mix:
            next(plan.iter_samples())  # a mix no font of the split draws fails here, before anything is written
        plans.append(plan)
    return plans


# ---------------------------------------------------------------- rendering workers

_WORKER: dict = {}


@dataclass(frozen=True)
class _RenderSettings:
    kwargs: dict
    seed: int
    height: int
    image_mode: str
    jitter_fraction: float
    augment: Callable[[np.ndarray, np.random.Generator], np.ndarray] | None  # augment_transform's, or None


def _settings(config: GenConfig) -> _RenderSettings:
    from easyocr_ko.synth.augment import augment_transform

    return _RenderSettings(trdg_kwargs(config), config.seed, config.height, config.image_mode,
                           config.jitter_fraction, augment_transform(config.augment))


def render_sample(text: str, font: Path, settings: _RenderSettings, seed: int) -> tuple[Image.Image | None, str, str]:
    """Render one sample: trdg or (with probability ``jitter_fraction``) the per-syllable jitter renderer, then
    the gen-time augmentation.

    Args:
        text: the label to draw.
        font: font file.
        settings: the run's rendering options.
        seed: per-render seed (:func:`sample_seed`); seeds the renderer choice, the jitter and the augmentation.

    Returns:
        ``(image, renderer, "")``, a PIL image ``settings.height`` px high in mode ``settings.image_mode`` and
        ``"trdg"`` or ``"jitter"``; or ``(None, renderer, failure reason)``.  Failures are returned, not raised.
    """
    rng = np.random.default_rng(seed)
    image: Image.Image | None
    if settings.jitter_fraction > 0 and rng.random() < settings.jitter_fraction:
        from easyocr_ko.synth.jitter import render_jittered

        renderer = "jitter"
        try:
            image = Image.fromarray(render_jittered(text, font, settings.height, rng=rng), "L")
        except (ValueError, OSError) as err:
            return None, renderer, f"jitter renderer failed: {type(err).__name__}"
        if settings.image_mode != "L":
            image = image.convert(settings.image_mode)
    else:
        renderer = "trdg"
        image, reason = render_text(text, font, settings.kwargs, seed)
        if image is None:
            return None, renderer, reason
    if settings.augment is not None:
        gray = np.asarray(image.convert("L"), dtype=np.uint8)
        image = Image.fromarray(settings.augment(gray, rng), "L")
        if settings.image_mode != "L":
            image = image.convert(settings.image_mode)
    return image, renderer, ""


def _init_worker(plan: SplitPlan, settings: _RenderSettings) -> None:
    cv2.setNumThreads(1)
    _WORKER.update(plan=plan, settings=settings)
    _trdg.fake_text_generator()


_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}
_CHUNK = 8  # samples per task sent to a worker
_AHEAD = 4  # tasks in flight per worker: bounds the rendered images waiting in memory to be written
_PARENT_POLL_S = 0.5


def _init_pool_worker(plan: SplitPlan, settings: _RenderSettings, parent: int) -> None:
    """Set up a worker process: Ctrl-C, which reaches the whole process group, is left to the gen process (it
    stops the pool); SIGTERM kills the worker quietly (the default, not the handler the gen process may have);
    a thread ends the worker as soon as the gen process ``parent`` is gone (``kill -9``), so none is orphaned."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked by _pooled while it forked
    threading.Thread(target=_end_with_parent, args=(parent,), name="gen-parent-watch", daemon=True).start()
    _init_worker(plan, settings)


def _end_with_parent(parent: int) -> None:
    """Exit the worker process at once, without a word, once its parent ``parent`` is gone."""
    while os.getppid() == parent:
        time.sleep(_PARENT_POLL_S)
    os._exit(1)


@contextlib.contextmanager
def _stop_signals_blocked() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back in the calling thread (delivered when the block ends): processes forked
    inside start with them blocked, so that none sees them before :func:`_init_pool_worker` chose its handlers."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


_Result = tuple  # (index, text, font index, kind, renderer, png bytes or None, failure reasons)


def _render_task(task: tuple[int, str, int, str]) -> _Result:
    """Render sample ``index``; on failure retry with a dictionary word and a font that draws it.  Runs in a
    worker."""
    index, text, font_idx, kind = task
    plan: SplitPlan = _WORKER["plan"]
    settings: _RenderSettings = _WORKER["settings"]
    failures: list[str] = []
    renderer = "trdg"
    for attempt in range(MAX_ATTEMPTS):
        if attempt > 0:
            rng = random.Random(sample_seed(settings.seed, plan.name, index, attempt))
            text, kind = rng.choice(plan.words), "word"
            font_idx = rng.choice(plan.coverers[text])
        seed = sample_seed(settings.seed, plan.name, index, attempt)
        image, renderer, reason = render_sample(text, plan.fonts[font_idx].path, settings, seed)
        if image is not None:
            return index, text, font_idx, kind, renderer, encode_png(image), failures
        failures.append(reason)
    return index, text, font_idx, kind, renderer, None, failures


def _render_chunk(tasks: list[tuple[int, str, int, str]]) -> list[_Result]:
    """:func:`_render_task` of each task, in order.  Runs in a worker."""
    return [_render_task(task) for task in tasks]


def _rendered(plan: SplitPlan, config: GenConfig) -> Generator[_Result, None, None]:
    """Render the split's samples in order, in this process (``config.workers == 1``) or in
    ``config.workers`` worker processes (:func:`_pooled`).

    Raises:
        EasyOcrKoError: a worker process died (see :func:`_pooled`).
    """
    tasks = ((i + 1, text, font, kind) for i, (text, font, kind) in enumerate(plan.iter_samples()))
    settings = _settings(config)
    if config.workers == 1:
        threads = cv2.getNumThreads()
        try:
            _init_worker(plan, settings)
            yield from map(_render_task, tasks)
        finally:
            cv2.setNumThreads(threads)  # the caller's OpenCV setting is left as it was
        return
    yield from _pooled(plan, settings, tasks, config.workers)


def _pooled(plan: SplitPlan, settings: _RenderSettings, tasks: Iterator[tuple[int, str, int, str]],
            workers: int) -> Iterator[_Result]:
    """Render ``tasks`` in ``workers`` processes, ``_CHUNK`` samples per call, and yield the results in the
    order of ``tasks`` (so the output does not depend on ``workers``).  At most ``_AHEAD`` chunks per worker are
    in flight: ``tasks`` is read, and results are held, only that far ahead of the writer.

    The pool is :class:`concurrent.futures.ProcessPoolExecutor`, which notices a worker that dies.  However this
    generator ends (done, an error, ``KeyboardInterrupt``, closed early), the chunks not started are cancelled and
    the workers end before it returns.

    Raises:
        EasyOcrKoError: a worker process died (``kill -9``, the out-of-memory killer): the pool cannot finish.
    """
    chunks = iter(lambda: list(itertools.islice(tasks, _CHUNK)), [])
    context = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_pool_worker,
                               initargs=(plan, settings, os.getpid()))
    pending: collections.deque[Future] = collections.deque()
    try:
        with _stop_signals_blocked():  # the workers are forked at the first submit
            pending.extend(pool.submit(_render_chunk, chunk) for chunk in itertools.islice(chunks, workers * _AHEAD))
        while pending:
            results = pending.popleft().result()
            pending.extend(pool.submit(_render_chunk, chunk) for chunk in itertools.islice(chunks, 1))
            yield from results
    except BrokenProcessPool:
        raise EasyOcrKoError(f"a gen worker process died while rendering the {plan.name} split (killed, or out "
                             "of memory: try fewer --workers); rerun with --resume to keep the finished splits") \
            from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# ---------------------------------------------------------------- writing a split

def _split_counts(plan: SplitPlan, written: SplitSummary, unrendered: int | None, failed: dict | None) -> dict:
    """A split's entry in ``summary.json`` (see :func:`generate`); ``None`` counts are unknown."""
    return {"images": written.images, "unrendered_samples": unrendered, "failed_attempts": failed,
            "words": len(plan.words), "words_without_font": plan.words_without_font,
            "texts_without_font": plan.texts_without_font,
            **{key: dict(written.tallies.get(column, {})) for key, column in _TALLIES}}


def _write_split(plan: SplitPlan, config: GenConfig, stage: Path, progress: tqdm) -> dict:
    """Render a split into ``stage/<split>`` and ``stage/lmdb/<split>``
    (:func:`~easyocr_ko.datasets.writer.write_split`).

    Image files are numbered by planned sample, so a sample that failed all its attempts leaves a gap.

    Returns:
        The split's entry in ``summary.json``.

    Raises:
        EasyOcrKoError: not one sample of the split was rendered.
    """
    failed: Counter = Counter()
    unrendered = 0
    rendered = _rendered(plan, config)

    def records() -> Iterator[SplitRecord]:
        nonlocal unrendered
        for index, text, font_idx, kind, renderer, png, failures in rendered:
            failed.update(failures)
            progress.update(1)
            if png is None:
                unrendered += 1
                continue
            font = plan.fonts[font_idx]
            yield SplitRecord(png, text, (font.name, font.family, kind, renderer), number=index)

    try:
        written = write_split(stage, plan.name, records(), FONTS_MANIFEST)
    finally:
        rendered.close()  # a failed write stops the worker processes now
    if written.images == 0:
        raise EasyOcrKoError(f"trdg rendered no {plan.name} image: {dict(failed)}")
    return _split_counts(plan, written, unrendered, dict(failed))


# ---------------------------------------------------------------- output folder handling

def _prepare_output(config: GenConfig, overwrite: bool, resume: bool) -> tuple[set[str], list[Path]]:
    """Check the output folder (creating it); return the splits already complete (kept when resuming) and, for
    ``overwrite``, the earlier outputs the new ones will replace once they are complete (nothing is deleted
    here: a run killed before the end keeps the earlier dataset).

    Raises:
        EasyOcrKoError: the output is a file; it is not empty and neither ``overwrite`` nor ``resume`` is given;
            ``resume`` without a ``gen_config.yaml`` or with other options; ``overwrite`` of a folder holding
            files gen did not write.
    """
    out = config.output
    present = GEN_OUTPUT.existing(out)
    out.mkdir(parents=True, exist_ok=True)
    if not present or not resume:
        return set(), GEN_OUTPUT.replaceable(out, present, overwrite)
    saved = out / "gen_config.yaml"
    if not saved.is_file():
        raise EasyOcrKoError(f"--resume: {out} has no gen_config.yaml from an earlier run")
    import yaml

    # workers, output and sheet_samples do not change what is rendered; fonts are compared as the files they name
    ignored = ("workers", "output", "sheet_samples", "fonts", "fonts_root")
    loaded = yaml.safe_load(saved.read_text(encoding="utf-8")) or {}
    previous = {k: v for k, v in loaded.items() if k not in ignored}
    if previous != {k: v for k, v in to_dict(config).items() if k not in ignored} \
            or not _same_fonts(loaded, config):
        raise EasyOcrKoError(f"--resume: the options differ from those in {saved}; use the same options "
                             "or --overwrite")
    return {s for s in SPLITS if (out / s / "gt.txt").is_file() and (out / "lmdb" / s / "data.mdb").is_file()}, []


def _kept_split_summary(out: Path, plan: SplitPlan) -> dict:
    """The summary of a split an interrupted run completed (``--resume`` keeps it): from the ``summary.json`` gen
    writes after every completed split, else (an output of an older version) counted from the split's
    ``fonts.tsv``, with ``failed_attempts`` and ``unrendered_samples`` unknown (``None``)."""
    try:
        previous = json.loads((out / "summary.json").read_text(encoding="utf-8"))["splits"][plan.name]
        if isinstance(previous, dict) and "images" in previous:
            return previous
    except (OSError, ValueError, KeyError, TypeError):
        pass
    rows = read_manifest(out / plan.name / FONTS_MANIFEST.name)
    counted = SplitSummary(plan.name, len(rows), {column: Counter(r[column] for r in rows if column in r)
                                                  for _, column in _TALLIES})
    return _split_counts(plan, counted, None, None)


# ---------------------------------------------------------------- contact sheet

def contact_sheet(split_dirs: Sequence[Path], output: Path, n: int = 48, seed: int = 0, columns: int = 4) -> Path:
    """Draw ``n`` random samples of DTRB folders with their labels and fonts into one PNG.

    Each cell (400 x 110 px) shows the image (scaled to 56 px high, at most 380 px wide) above its label, drawn
    in a shipped printed Korean font so that the label itself is legible, and the split and font file name
    (from the folder's ``fonts.tsv``, if any).

    Args:
        split_dirs: DTRB folders (``gt.txt`` + images).
        output: the PNG to (over)write, atomically.
        n: samples drawn (all if fewer).
        seed: seeds the choice.
        columns: cells per row.

    Returns:
        ``output``.

    Raises:
        EasyOcrKoError: the folders hold no sample.
        FileNotFoundError: a folder has no ``gt.txt``.
        OSError: ``output`` cannot be written (naming it).
    """
    items = []
    for split_dir in split_dirs:
        fonts_file = split_dir / FONTS_MANIFEST.name
        fonts = {r["image"]: r.get("font", "") for r in read_manifest(fonts_file)} if fonts_file.is_file() else {}
        items += [(split_dir, e.image, e.label, fonts.get(e.image, "")) for e in read_gt(split_dir / "gt.txt")]
    if not items:
        raise EasyOcrKoError("no sample to draw on the contact sheet")
    rng = random.Random(seed)
    chosen = rng.sample(items, min(n, len(items)))
    cell_w, img_h, cell_h = 400, 56, 110
    rows = (len(chosen) + columns - 1) // columns
    sheet = Image.new("RGB", (cell_w * columns, cell_h * rows), "white")
    draw = ImageDraw.Draw(sheet)
    label_font = load_font(_label_font_path(), 22)
    small_font = load_font(_label_font_path(), 13)
    for k, (split_dir, image, label, font) in enumerate(chosen):
        x, y = (k % columns) * cell_w, (k // columns) * cell_h
        img = Image.open(split_dir / image).convert("RGB")
        w = max(1, min(cell_w - 20, round(img.width * img_h / img.height)))
        sheet.paste(img.resize((w, img_h)), (x + 10, y + 6))
        draw.text((x + 10, y + img_h + 10), label, font=label_font, fill=(0, 0, 160))
        draw.text((x + 10, y + img_h + 36), f"{split_dir.name} · {font}", font=small_font, fill=(110, 110, 110))
        draw.rectangle((x, y, x + cell_w - 1, y + cell_h - 1), outline=(210, 210, 210))
    with atomic_path(output, suffix=".png") as tmp:  # PIL takes the format from the extension
        sheet.save(tmp)
    return output


def _label_font_path() -> Path:
    from easyocr_ko.resources import fonts_dir

    return fonts_dir() / "NanumGothic.ttf"


def _font_files(fonts: Sequence, fonts_root: Path | str | None) -> list[Path]:
    """The font files of ``fonts`` entries (:func:`easyocr_ko.synth.fonts.resolve_font_entries`), or the shipped
    fonts when there are none."""
    return expand_font_paths(resolve_font_entries(fonts, fonts_root)) if fonts else shipped_font_paths()


def _same_fonts(saved: dict, config: GenConfig) -> bool:
    """Whether a saved gen_config's fonts are the same files as ``config``'s, however they are written (``fonts``
    entries, ``fonts_root``: a config saved before ``fonts_root`` existed has none)."""
    try:
        before = _font_files(saved.get("fonts") or (), saved.get("fonts_root"))
    except (OSError, EasyOcrKoError):
        return False
    return [p.resolve() for p in before] == [p.resolve() for p in _font_files(config.fonts, config.fonts_root)]


# ---------------------------------------------------------------- the verb

@os_errors_naming_arg(lambda config, *args, **kwargs: config.output)
def generate(config: GenConfig, overwrite: bool = False, resume: bool = False, progress: bool = False) -> dict:
    """Run ``easyocr-ko gen``: render the train and validation splits, write both formats, the per-image
    font manifest, a contact sheet and ``summary.json``.

    Args:
        config: resolved options.
        overwrite: replace an earlier gen output in ``config.output`` (never other files).  The new dataset is
            built beside the earlier one and replaces it only once complete: a kill, Ctrl-C or full disk before
            that leaves the earlier dataset as it was.
        resume: keep the splits an interrupted run with the same options completed.
        progress: show a tqdm bar on stderr (off by default, as every library verb; the CLI shows it unless
            ``-q``).

    Returns:
        The summary written to ``summary.json``: ``dictionary`` (entries, per source, skipped), ``fonts`` (family
        and licence per font used); per split (the kept ones of ``resume`` too) ``images``,
        ``unrendered_samples``, ``failed_attempts`` (by reason), ``words``, ``words_without_font``,
        ``texts_without_font``, and images per font (``fonts``), per text kind (``kinds``) and per renderer
        (``renderers``); ``seconds``, ``images_per_second``, ``resumed_splits`` and ``rejected_fonts`` (fonts
        left out as unreadable or damaged: path -> reason).  ``summary.json`` is also written after every
        completed split, so ``resume`` knows the counts of the splits it keeps.

    Raises:
        FileNotFoundError / EasyOcrKoError: missing or empty dictionary, no usable font, a non-empty output
            folder without ``overwrite``/``resume``, or nothing rendered.
        OSError: the output cannot be written (read-only file system, full disk ...), naming the path.
    """
    _trdg.fake_text_generator()  # fail early, with the install hint, if trdg is missing
    dictionary = load_dictionary(config.dicts, config.corpora)
    font_paths = _font_files(config.fonts, config.fonts_root)
    if not font_paths:
        raise EasyOcrKoError("no font given")
    chars = {c for w in dictionary.words for c in w}
    if config.text_mix:  # generated lines use KS X 1001 syllables and printable ASCII beyond the dictionary
        from easyocr_ko.charset import ks_x_1001_hangul

        chars |= set(ks_x_1001_hangul()) | {chr(c) for c in range(32, 127)}
    rejected: dict[str, str] = {}
    fonts = inspect_fonts(font_paths, chars, rejected)
    plans = plan_splits(config, dictionary.words, fonts)
    done, replaced = _prepare_output(config, overwrite, resume)
    out = config.output
    # --overwrite: the new dataset is built in a staging folder and swapped in when complete
    with temp_dir(out, GEN_OUTPUT.stage_prefix) if replaced else contextlib.nullcontext(out) as dest:
        summary = _generate_into(dest, config, dictionary, fonts, plans, done, rejected, progress)
        if replaced:
            GEN_OUTPUT.swap_in(dest, out, replaced)
    return summary


def _generate_into(dest: Path, config: GenConfig, dictionary, fonts: list[FontInfo], plans: list[SplitPlan],
                   done: set[str], rejected: dict[str, str], progress: bool) -> dict:
    """Render the splits not in ``done`` into the dataset folder ``dest``; write the config, contact sheet and
    summary there (see :func:`generate`)."""
    save_config(config, dest / "gen_config.yaml")
    summary: dict = {"dictionary": {"entries": len(dictionary), "per_source": dictionary.per_source,
                                    "skipped": dict(dictionary.skipped)},
                     "fonts": {f.name: {"family": f.family, "licence": f.licence} for f in fonts},
                     "splits": {}}
    if rejected:
        summary["rejected_fonts"] = dict(rejected)
    kept = {p.name: _kept_split_summary(dest, p) for p in plans if p.name in done}
    todo = [p for p in plans if p.name not in done]
    start = time.perf_counter()
    with temp_dir(dest, GEN_OUTPUT.stage_prefix) as stage, \
            tqdm(total=sum(p.size for p in todo), desc="gen", unit="img", disable=not progress,
                 dynamic_ncols=True) as bar:
        for plan in todo:
            bar.set_description(f"gen {plan.name}")
            summary["splits"][plan.name] = _write_split(plan, config, stage, bar)
            commit_split(stage, dest, plan.name)
            # the counts so far: a resumed run takes the counts of the splits it keeps from here
            partial = {**summary, "splits": {**kept, **summary["splits"]}}
            write_lines_atomic([json.dumps(partial, ensure_ascii=False, indent=1)], dest / "summary.json")
    seconds = time.perf_counter() - start
    rendered = sum(s["images"] for s in summary["splits"].values())
    summary["splits"] = {name: (kept.get(name) or summary["splits"][name]) for name in SPLITS
                         if name in kept or name in summary["splits"]}
    summary.update(seconds=round(seconds, 2), images_per_second=round(rendered / seconds, 2) if seconds else None,
                   resumed_splits=sorted(done))
    split_dirs = [dest / s for s in SPLITS if (dest / s / "gt.txt").is_file()]
    contact_sheet(split_dirs, dest / "contact_sheet.png", n=config.sheet_samples, seed=config.seed)
    write_lines_atomic([json.dumps(summary, ensure_ascii=False, indent=1)], dest / "summary.json")
    return summary
