"""The recognizer itself: EasyOCR's gen2 network, its pretrained weights, Reader-exact preprocessing and CTC decoding."""
