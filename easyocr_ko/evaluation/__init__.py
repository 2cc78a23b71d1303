"""Evaluation: pure metrics (accuracy, norm_ED, CER, jamo CER) and Reader-exact evaluation of trios, runs and built-in models."""
