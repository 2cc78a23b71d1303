"""Fine-tuning: the finetune loop (setup / step / validate / checkpoint) and torch.distributed helpers."""
