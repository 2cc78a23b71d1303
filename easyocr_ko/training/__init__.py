"""Fine-tuning (``easyocr-ko finetune``), the training system around the recognizer's pure ``nn.Module``:
:mod:`~.finetune` (setup, the step, the loop, the finish), :mod:`~.state` (signals, RNG state, atomic checkpoints,
the run folder and ``--resume``), :mod:`~.data` (the run's data, batches and augmentation),
:mod:`~.charset_choice` (the run's charset), :mod:`~.network` (the run's network and how pretrained weights carry
into it), :mod:`~.losses` (CTC and attention), :mod:`~.validation` (Reader-exact validation and its metrics),
:mod:`~.loggers` (DTRB's log, ``metrics.jsonl``, curves and TensorBoard), :mod:`~.runlock` (one run per folder)
and :mod:`~.distributed` (torch.distributed helpers for torchrun / DDP)."""
