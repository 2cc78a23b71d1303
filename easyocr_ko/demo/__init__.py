"""``easyocr-ko demo``: a local web page for reading photos and words drawn on a pad
(:mod:`easyocr_ko.demo.reading`: the reading, without any web library; :mod:`easyocr_ko.demo.app`: the Gradio page,
imported only when the demo runs)."""

DEFAULT_MAX_UPLOAD_MB = 20.0
"""Largest upload the page accepts, in MB (10^6 bytes)."""
