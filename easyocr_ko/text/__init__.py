"""Stage 1, text: dictionaries (NFC, cleaned, deduplicated) and the generator of synthetic label lines."""
