"""The recognizer itself: EasyOCR's gen2 network (``model``), its pretrained weights (``pretrained``), Reader-exact
preprocessing (``transforms``) and CTC decoding (``predict``), and where it runs (``device``)."""
