"""Stage 2, rendering: fonts and their ink check, trdg and the jitter renderer, augmentation, and the gen pipeline."""
