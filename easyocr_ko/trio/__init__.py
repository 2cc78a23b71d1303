"""EasyOCR's custom-model contract: the NAME.py / NAME.yaml / NAME.pth trio's one check and loader (``check``),
its export and installation (``export``), and reading photos with a Reader (``reader``)."""
