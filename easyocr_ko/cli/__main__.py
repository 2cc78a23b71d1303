"""``python -m easyocr_ko.cli``: the easyocr-ko command line (what torchrun and --nproc launch)."""
from easyocr_ko.cli.main import main

if __name__ == "__main__":
    main()
