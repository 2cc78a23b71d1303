"""easyocr_ko.evaluation.results: the plain result types (speed of a reading loop)."""
from __future__ import annotations

import math

from easyocr_ko.evaluation.results import Predictions
from easyocr_ko.recognizer.predict import Reading


def test_lines_per_s_counts_readings_per_second_of_the_loop():
    readings = [Reading("가", 0.5), Reading("나", 0.25)]
    assert Predictions(readings, 0.5, "mode").lines_per_s == 4.0
    assert Predictions(readings, 0.0, "mode").lines_per_s == math.inf  # too fast to time
