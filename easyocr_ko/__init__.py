"""easyocr-ko: Korean handwriting recognition for EasyOCR.

The package renders synthetic Korean text images with trdg, writes them in the formats of clova's
deep-text-recognition-benchmark (DTRB: ``gt.txt`` + images, LMDB), fine-tunes EasyOCR's gen2 recognizer
(None-VGG-BiLSTM-CTC) and exports the ``custom.py / custom.yaml / custom.pth`` trio that
``easyocr.Reader(['ko'], recog_network='custom')`` loads.
"""

__version__ = "0.1.0"

from easyocr_ko.errors import EasyOcrKoError  # noqa: E402,F401
