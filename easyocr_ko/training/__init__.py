"""Fine-tuning (``easyocr-ko finetune``): :mod:`~.finetune` (setup / step / validate / checkpoint, exact resume,
the run folder) and :mod:`~.distributed` (torch.distributed helpers for torchrun / DDP)."""
