"""``python -m easyocr_ko``: the easyocr-ko command line."""
from easyocr_ko.cli.main import main

if __name__ == "__main__":
    main()
