"""The easyocr-ko command line: thin click commands, each building a config and calling one library function."""
from easyocr_ko.cli.main import main

__all__ = ["main"]
