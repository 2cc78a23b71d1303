"""EasyOCR's custom-model contract: the NAME.py / NAME.yaml / NAME.pth trio's one check and loader (``check``),
its export and installation (``export``), reading photos with a Reader (``reader``), and the recognizer as one
ONNX file checked against PyTorch (``onnx``, ``export --onnx``)."""
