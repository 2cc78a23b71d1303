"""EasyOCR custom recognizer network used by easyocr-ko: EasyOCR's gen2 (None-VGG-BiLSTM-CTC).

``easyocr.Reader(['ko'], recog_network='custom')`` imports this file as module ``custom`` from its
user_network directory and calls ``Model(num_class=len(character_list) + 1, **network_params)`` with
``network_params = {input_channel: 1, output_channel: 256, hidden_size: 256}`` from ``custom.yaml``.

The class is EasyOCR's own ``easyocr.model.vgg_model.Model``, so the layer names and shapes are exactly
those of ``korean_g2.pth`` / ``english_g2.pth`` (VGG FeatureExtraction, BiLSTM SequenceModeling, Linear
Prediction), and ``forward(input, text)`` returns raw logits (B, T, num_class) with class 0 the CTC blank.
"""
from easyocr.model.vgg_model import Model  # noqa: F401
