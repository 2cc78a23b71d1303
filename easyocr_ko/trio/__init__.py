"""EasyOCR's custom-model contract: export and check of the NAME.py / NAME.yaml / NAME.pth trio, and reading photos with a Reader."""
