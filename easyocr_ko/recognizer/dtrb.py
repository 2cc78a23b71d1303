"""DTRB's four-stage recognizer (Transformation - FeatureExtraction - SequenceModeling - Prediction).

The stage options, their names and values, the hyperparameters and every submodule and state-dict key follow
clovaai/deep-text-recognition-benchmark (DTRB) ``model.py`` and ``modules/{transformation,feature_extraction,
sequence_modeling,prediction}.py``, so a DTRB checkpoint of the same configuration loads strictly:

==================  ===============  =============================================================
stage               options          state-dict keys
==================  ===============  =============================================================
Transformation      None | TPS       ``Transformation.LocalizationNetwork.conv.{0,1,4,5,8,9,12,13}.*``,
                                     ``...localization_fc1.0.*``, ``...localization_fc2.*``,
                                     buffers ``Transformation.GridGenerator.{inv_delta_C,P_hat}``
FeatureExtraction   VGG | RCNN |     ``FeatureExtraction.ConvNet.*`` (VGG/RCNN: ``nn.Sequential``
                    ResNet           indices; ResNet: ``conv0_1``, ``layer1.0.conv1``, ...)
SequenceModeling    None | BiLSTM    ``SequenceModeling.{0,1}.rnn.*``, ``SequenceModeling.{0,1}.linear.*``
Prediction          CTC | Attn       CTC: ``Prediction.{weight,bias}``; Attn:
                                     ``Prediction.attention_cell.{i2h,h2h,score,rnn}.*``,
                                     ``Prediction.generator.*``
==================  ===============  =============================================================

None-VGG-BiLSTM-CTC with ``output_channel`` 256 is EasyOCR's gen2 network (``easyocr.model.vgg_model.Model``):
its weights (korean_g2.pth, english_g2.pth without the ``module.`` prefix) load strictly and give the same
logits.  The layers that the installed easyocr package already has and that are layer-identical to DTRB's
(``VGG_FeatureExtractor``, ``ResNet_FeatureExtractor``, ``BidirectionalLSTM``) are imported from
``easyocr.model.modules``; TPS, RCNN (GRCL) and the attention decoder, which easyocr lacks, are defined here.

Class conventions: CTC class 0 is the blank and class ``i + 1`` is ``character[i]`` (EasyOCR / DTRB
``CTCLabelConverter``); Attn class 0 is ``[GO]``, class 1 is ``[s]`` (end of sentence) and class ``i + 2`` is
``character[i]`` (DTRB ``AttnLabelConverter``).

This file is also the network file of exported non-gen2 trios: ``easyocr_ko.trio.export`` copies it verbatim as
``NAME.py``, and ``easyocr.Reader(recog_network=NAME)`` calls ``Model(num_class=N, **network_params)`` with
``network_params`` from ``NAME.yaml``.  It therefore holds the network only (the label codecs are in
``easyocr_ko.charset``, the losses in ``easyocr_ko.training.losses``, reading the configuration back from weights
in ``easyocr_ko.recognizer.model``), imports nothing but torch, numpy and easyocr (what an EasyOCR user has), and
raises plain ``ValueError``.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import torch
import torch.nn.functional as nnf
from easyocr.model.modules import BidirectionalLSTM, ResNet_FeatureExtractor, VGG_FeatureExtractor
from torch import nn

__all__ = [
    "TRANSFORMATIONS", "FEATURE_EXTRACTIONS", "SEQUENCE_MODELINGS", "PREDICTIONS", "STAGE_KEYS",
    "default_output_channel", "stage_string", "is_dtrb_params", "Model", "TPS_SpatialTransformerNetwork",
    "LocalizationNetwork", "GridGenerator", "RCNN_FeatureExtractor", "GRCL", "GRCL_unit", "Attention",
    "AttentionCell",
]

TRANSFORMATIONS = ("None", "TPS")
FEATURE_EXTRACTIONS = ("VGG", "RCNN", "ResNet")
SEQUENCE_MODELINGS = ("None", "BiLSTM")
PREDICTIONS = ("CTC", "Attn")
#: The four stage options, in DTRB's order (``--Transformation --FeatureExtraction --SequenceModeling --Prediction``).
STAGE_KEYS = ("Transformation", "FeatureExtraction", "SequenceModeling", "Prediction")
_CHOICES = dict(zip(STAGE_KEYS, (TRANSFORMATIONS, FEATURE_EXTRACTIONS, SEQUENCE_MODELINGS, PREDICTIONS)))


def default_output_channel(feature_extraction: str) -> int:
    """Default ``output_channel``: 256 for VGG (EasyOCR gen2), 512 for RCNN and ResNet (DTRB train.py)."""
    return 256 if feature_extraction == "VGG" else 512


def stage_string(params: Mapping) -> str:
    """``'TPS-ResNet-BiLSTM-CTC'`` for a mapping holding the four stage options (DTRB's experiment name)."""
    return "-".join(str(params[k]) for k in STAGE_KEYS)


def is_dtrb_params(params: Mapping | None) -> bool:
    """True if ``params`` (a checkpoint's or yaml's ``network_params``) names DTRB stage options, i.e. is this
    module's :class:`Model` configuration rather than gen2's ``{input_channel, output_channel, hidden_size}``."""
    return isinstance(params, Mapping) and any(k in params for k in STAGE_KEYS)


# ---------------------------------------------------------------- Transformation: TPS (RARE)

class TPS_SpatialTransformerNetwork(nn.Module):
    """Thin-plate-spline rectification of RARE (Shi et al., CVPR 2016), DTRB ``modules/transformation.py``.

    Args:
        num_fiducial: fiducial points F (DTRB ``--num_fiducial``, default 20), even, >= 4.
        I_size: (height, width) of the input image (kept for DTRB compatibility; any input size works).
        I_r_size: (height, width) of the rectified output image in px: the output size is FIXED, whatever
            the input width.
        I_channel_num: input channels.

    ``forward``: float (N, C, H, W) -> float (N, C, I_r_size[0], I_r_size[1]).
    """

    def __init__(self, num_fiducial: int, I_size: tuple[int, int], I_r_size: tuple[int, int], I_channel_num: int = 1):
        super().__init__()
        if num_fiducial < 4 or num_fiducial % 2:
            raise ValueError(f"num_fiducial must be even and >= 4, got {num_fiducial}")
        self.F = num_fiducial
        self.I_size = (int(I_size[0]), int(I_size[1]))
        self.I_r_size = (int(I_r_size[0]), int(I_r_size[1]))
        self.I_channel_num = I_channel_num
        self.LocalizationNetwork = LocalizationNetwork(num_fiducial, I_channel_num)
        self.GridGenerator = GridGenerator(num_fiducial, self.I_r_size)

    def forward(self, batch_I: torch.Tensor) -> torch.Tensor:
        batch_C_prime = self.LocalizationNetwork(batch_I)  # (N, F, 2)
        P_prime = self.GridGenerator.build_P_prime(batch_C_prime)  # (N, H_r * W_r, 2)
        grid = P_prime.reshape(-1, self.I_r_size[0], self.I_r_size[1], 2)  # (N, H_r, W_r, 2), x then y in [-1, 1]
        return nnf.grid_sample(batch_I, grid, padding_mode="border", align_corners=True)


class LocalizationNetwork(nn.Module):
    """Predicts the F fiducial points C' (N, F, 2) in [-1, 1] from the image (DTRB / RARE).

    ``localization_fc2`` starts with zero weights and the bias of RARE's Fig. 6 (a), so an untrained network
    rectifies with DTRB's initial control points.
    """

    def __init__(self, num_fiducial: int, I_channel_num: int):
        super().__init__()
        self.F = num_fiducial
        self.I_channel_num = I_channel_num

        def block(c_in: int, c_out: int) -> list[nn.Module]:
            return [nn.Conv2d(c_in, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]

        # Indices 0..15 as DTRB: conv.0/4/8/12 are the convolutions, conv.1/5/9/13 their BatchNorms.
        self.conv = nn.Sequential(
            *block(I_channel_num, 64), nn.MaxPool2d(2, 2),  # (N, 64, H/2, W/2)
            *block(64, 128), nn.MaxPool2d(2, 2),  # (N, 128, H/4, W/4)
            *block(128, 256), nn.MaxPool2d(2, 2),  # (N, 256, H/8, W/8)
            *block(256, 512), nn.AdaptiveAvgPool2d(1))  # (N, 512, 1, 1)
        self.localization_fc1 = nn.Sequential(nn.Linear(512, 256), nn.ReLU(True))
        self.localization_fc2 = nn.Linear(256, num_fiducial * 2)
        self.localization_fc2.weight.data.fill_(0)
        half = num_fiducial // 2
        x = np.linspace(-1.0, 1.0, half)
        top = np.stack([x, np.linspace(0.0, -1.0, half)], axis=1)
        bottom = np.stack([x, np.linspace(1.0, 0.0, half)], axis=1)
        self.localization_fc2.bias.data = torch.from_numpy(np.concatenate([top, bottom], axis=0)).float().view(-1)

    def forward(self, batch_I: torch.Tensor) -> torch.Tensor:
        features = self.conv(batch_I).flatten(1)  # (N, 512, 1, 1) -> (N, 512)
        return self.localization_fc2(self.localization_fc1(features)).view(-1, self.F, 2)  # (N, F, 2)


class GridGenerator(nn.Module):
    """Maps C' to the sampling grid P' (DTRB / RARE).  Buffers (saved in the state dict, as DTRB):

    * ``inv_delta_C``: float32 (F + 3, F + 3), the inverse of the TPS system matrix of the base points C;
    * ``P_hat``: float32 (H_r * W_r, F + 3), rows ``[1, x, y, r^2 log r ...]`` of the output pixel centres
      (row-major, ``x`` fastest), ``x = (2j + 1) / W_r - 1``.
    """

    inv_delta_C: torch.Tensor
    P_hat: torch.Tensor

    def __init__(self, num_fiducial: int, I_r_size: tuple[int, int]):
        super().__init__()
        self.eps = 1e-6
        self.I_r_height, self.I_r_width = I_r_size
        self.F = num_fiducial
        C = self._build_C(num_fiducial)  # (F, 2)
        P = self._build_P(self.I_r_width, self.I_r_height)  # (n, 2)
        self.register_buffer("inv_delta_C", torch.tensor(self._build_inv_delta_C(C)).float())
        self.register_buffer("P_hat", torch.tensor(self._build_P_hat(C, P)).float())

    @staticmethod
    def _build_C(num_fiducial: int) -> np.ndarray:
        half = num_fiducial // 2
        x = np.linspace(-1.0, 1.0, half)
        top = np.stack([x, -np.ones(half)], axis=1)
        bottom = np.stack([x, np.ones(half)], axis=1)
        return np.concatenate([top, bottom], axis=0)  # (F, 2)

    @staticmethod
    def _build_inv_delta_C(C: np.ndarray) -> np.ndarray:
        F = C.shape[0]
        hat_C = np.linalg.norm(C[:, None, :] - C[None, :, :], axis=2)  # (F, F) pairwise distances
        np.fill_diagonal(hat_C, 1)
        hat_C = (hat_C ** 2) * np.log(hat_C)
        delta_C = np.concatenate([
            np.concatenate([np.ones((F, 1)), C, hat_C], axis=1),  # (F, F + 3)
            np.concatenate([np.zeros((2, 3)), C.T], axis=1),  # (2, F + 3)
            np.concatenate([np.zeros((1, 3)), np.ones((1, F))], axis=1),  # (1, F + 3)
        ], axis=0)
        return np.linalg.inv(delta_C)  # (F + 3, F + 3)

    @staticmethod
    def _build_P(width: int, height: int) -> np.ndarray:
        grid_x = (np.arange(-width, width, 2) + 1.0) / width
        grid_y = (np.arange(-height, height, 2) + 1.0) / height
        return np.stack(np.meshgrid(grid_x, grid_y), axis=2).reshape([-1, 2])  # (H, W, 2) -> (n, 2)

    def _build_P_hat(self, C: np.ndarray, P: np.ndarray) -> np.ndarray:
        rbf_norm = np.linalg.norm(P[:, None, :] - C[None, :, :], ord=2, axis=2)  # (n, F)
        rbf = np.square(rbf_norm) * np.log(rbf_norm + self.eps)  # (n, F)
        return np.concatenate([np.ones((P.shape[0], 1)), P, rbf], axis=1)  # (n, F + 3)

    def build_P_prime(self, batch_C_prime: torch.Tensor) -> torch.Tensor:
        """Sampling grid (N, n, 2) from the predicted fiducial points ``batch_C_prime`` (N, F, 2)."""
        C_prime = nnf.pad(batch_C_prime, (0, 0, 0, 3))  # (N, F, 2) -> (N, F + 3, 2), zeros appended
        T = torch.matmul(self.inv_delta_C, C_prime)  # (N, F + 3, 2)
        return torch.matmul(self.P_hat, T)  # (N, n, 2)


# ---------------------------------------------------------------- FeatureExtraction: RCNN (gated RCNN)

class RCNN_FeatureExtractor(nn.Module):
    """Gated recurrent CNN feature extractor (Wang & Hu, NIPS 2017), DTRB ``modules/feature_extraction.py``.

    ``forward``: float (N, input_channel, H, W) -> (N, output_channel, H/16 - 1, W/4 + 1) for H divisible by
    16 (imgH 32 -> height 1).
    """

    def __init__(self, input_channel: int, output_channel: int = 512):
        super().__init__()
        c = [output_channel // 8, output_channel // 4, output_channel // 2, output_channel]
        self.output_channel = c
        self.ConvNet = nn.Sequential(
            nn.Conv2d(input_channel, c[0], 3, 1, 1), nn.ReLU(True),
            nn.MaxPool2d(2, 2),  # (N, c0, H/2, W/2)
            GRCL(c[0], c[0], num_iteration=5, kernel_size=3, pad=1),
            nn.MaxPool2d(2, 2),  # (N, c0, H/4, W/4)
            GRCL(c[0], c[1], num_iteration=5, kernel_size=3, pad=1),
            nn.MaxPool2d(2, (2, 1), (0, 1)),  # (N, c1, H/8, W/4 + 1)
            GRCL(c[1], c[2], num_iteration=5, kernel_size=3, pad=1),
            nn.MaxPool2d(2, (2, 1), (0, 1)),  # (N, c2, H/16, W/4 + 2)
            nn.Conv2d(c[2], c[3], 2, 1, 0, bias=False), nn.BatchNorm2d(c[3]),
            nn.ReLU(True))  # (N, c3, H/16 - 1, W/4 + 1)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return self.ConvNet(input)


class GRCL(nn.Module):
    """Gated recurrent convolution layer: ``num_iteration`` :class:`GRCL_unit` steps over a fixed input."""

    def __init__(self, input_channel: int, output_channel: int, num_iteration: int, kernel_size: int, pad: int):
        super().__init__()
        self.wgf_u = nn.Conv2d(input_channel, output_channel, 1, 1, 0, bias=False)
        self.wgr_x = nn.Conv2d(output_channel, output_channel, 1, 1, 0, bias=False)
        self.wf_u = nn.Conv2d(input_channel, output_channel, kernel_size, 1, pad, bias=False)
        self.wr_x = nn.Conv2d(output_channel, output_channel, kernel_size, 1, pad, bias=False)
        self.BN_x_init = nn.BatchNorm2d(output_channel)
        self.num_iteration = num_iteration
        self.GRCL = nn.Sequential(*(GRCL_unit(output_channel) for _ in range(num_iteration)))

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        wgf_u = self.wgf_u(input)  # the feed-forward terms are the same at every iteration
        wf_u = self.wf_u(input)
        x = nnf.relu(self.BN_x_init(wf_u))
        for unit in self.GRCL:
            x = unit(wgf_u, self.wgr_x(x), wf_u, self.wr_x(x))
        return x


class GRCL_unit(nn.Module):
    """One GRCL iteration: ``x = relu(BN(w_f u) + BN(BN(w_r x) * sigmoid(BN(w_gf u) + BN(w_gr x))))``."""

    def __init__(self, output_channel: int):
        super().__init__()
        self.BN_gfu = nn.BatchNorm2d(output_channel)
        self.BN_grx = nn.BatchNorm2d(output_channel)
        self.BN_fu = nn.BatchNorm2d(output_channel)
        self.BN_rx = nn.BatchNorm2d(output_channel)
        self.BN_Gx = nn.BatchNorm2d(output_channel)

    def forward(self, wgf_u, wgr_x, wf_u, wr_x):
        G = torch.sigmoid(self.BN_gfu(wgf_u) + self.BN_grx(wgr_x))
        return nnf.relu(self.BN_fu(wf_u) + self.BN_Gx(self.BN_rx(wr_x) * G))


# ---------------------------------------------------------------- Prediction: attention decoder

class Attention(nn.Module):
    """DTRB's attention decoder (``modules/prediction.py``): an LSTM cell attending over the contextual
    features, one step per output character plus ``[s]``.

    Args:
        input_size: channels of the contextual features.
        hidden_size: LSTM cell size (DTRB ``--hidden_size``).
        num_class: ``len(character) + 2`` ([GO], [s], characters).
    """

    def __init__(self, input_size: int, hidden_size: int, num_class: int):
        super().__init__()
        self.attention_cell = AttentionCell(input_size, hidden_size, num_class)
        self.hidden_size = hidden_size
        self.num_class = num_class
        self.generator = nn.Linear(hidden_size, num_class)

    def forward(self, batch_H: torch.Tensor, text: torch.Tensor | None = None, is_train: bool = True,
                batch_max_length: int = 25) -> torch.Tensor:
        """Logits (N, batch_max_length + 1, num_class).

        Args:
            batch_H: float (N, T, input_size) contextual features.
            text: int64 (N, >= batch_max_length + 1), ``text[:, 0]`` = [GO]: the teacher-forced previous
                characters (DTRB passes ``AttnLabelConverter.encode(...)[0][:, :-1]``); only read when ``is_train``.
            is_train: teacher forcing; else greedy decoding from [GO], each step fed its own argmax.
            batch_max_length: longest label; the decoder runs ``batch_max_length + 1`` steps (+1 for [s]).

        Raises:
            ValueError: ``is_train`` without a ``text`` of at least ``batch_max_length + 1`` columns.
        """
        batch_size = batch_H.size(0)
        num_steps = batch_max_length + 1
        h = batch_H.new_zeros(batch_size, self.hidden_size)
        c = batch_H.new_zeros(batch_size, self.hidden_size)
        batch_H_proj = self.attention_cell.i2h(batch_H)  # (N, T, hidden), the same at every step
        steps = []
        if is_train:
            if text is None or text.dim() != 2 or text.size(1) < num_steps:
                raise ValueError(f"teacher forcing needs text (N, >= {num_steps}) with text[:, 0] = [GO]")
            onehots = nnf.one_hot(text[:, :num_steps].long(), self.num_class).to(batch_H.dtype)  # (N, S, C)
            for i in range(num_steps):
                (h, c), _ = self.attention_cell((h, c), batch_H, onehots[:, i], batch_H_proj)
                steps.append(h)
            return self.generator(torch.stack(steps, dim=1))  # (N, S, hidden) -> (N, S, C)
        targets = torch.zeros(batch_size, dtype=torch.long, device=batch_H.device)  # [GO]
        for _ in range(num_steps):
            onehot = nnf.one_hot(targets, self.num_class).to(batch_H.dtype)
            (h, c), _ = self.attention_cell((h, c), batch_H, onehot, batch_H_proj)
            logits = self.generator(h)  # (N, C)
            steps.append(logits)
            targets = logits.argmax(dim=1)
        return torch.stack(steps, dim=1)  # (N, S, C)


class AttentionCell(nn.Module):
    """Bahdanau-style attention + LSTM cell (DTRB ``AttentionCell``)."""

    def __init__(self, input_size: int, hidden_size: int, num_embeddings: int):
        super().__init__()
        self.i2h = nn.Linear(input_size, hidden_size, bias=False)
        self.h2h = nn.Linear(hidden_size, hidden_size)  # either i2h or h2h has the bias
        self.score = nn.Linear(hidden_size, 1, bias=False)
        self.rnn = nn.LSTMCell(input_size + num_embeddings, hidden_size)
        self.hidden_size = hidden_size

    def forward(self, prev_hidden, batch_H, char_onehots, batch_H_proj=None):
        """One step: ``((h, c), alpha)`` with h, c (N, hidden) and attention weights alpha (N, T, 1).

        ``batch_H_proj`` (N, T, hidden) is ``i2h(batch_H)``; computed here when not given.
        """
        if batch_H_proj is None:
            batch_H_proj = self.i2h(batch_H)
        prev_hidden_proj = self.h2h(prev_hidden[0]).unsqueeze(1)  # (N, 1, hidden)
        emition = self.score(torch.tanh(batch_H_proj + prev_hidden_proj))  # (N, T, 1)
        alpha = nnf.softmax(emition, dim=1)
        context = torch.bmm(alpha.permute(0, 2, 1), batch_H).squeeze(1)  # (N, 1, T) x (N, T, D) -> (N, D)
        concat_context = torch.cat([context, char_onehots], 1)  # (N, D + num_embeddings)
        return self.rnn(concat_context, prev_hidden), alpha


# ---------------------------------------------------------------- the model

class Model(nn.Module):
    """A DTRB recognizer for any stage combination, built from keyword arguments only, so that EasyOCR's
    Reader can call ``Model(num_class=N, **network_params)`` with ``network_params`` from ``NAME.yaml``.

    Args:
        num_class: output classes: CTC ``len(character) + 1`` (0 = blank); Attn ``len(character) + 2``
            (0 = [GO], 1 = [s]).
        Transformation: ``"None"`` | ``"TPS"``.
        FeatureExtraction: ``"VGG"`` | ``"RCNN"`` | ``"ResNet"``.
        SequenceModeling: ``"None"`` | ``"BiLSTM"``.
        Prediction: ``"CTC"`` | ``"Attn"``.
        input_channel: image channels (1 = greyscale, as EasyOCR).
        output_channel: FeatureExtraction channels; ``None``: :func:`default_output_channel` (VGG 256 as
            EasyOCR gen2, RCNN/ResNet 512 as DTRB).  A multiple of 16 for ResNet, of 8 otherwise.
        hidden_size: BiLSTM and attention-cell size (DTRB 256).
        num_fiducial: TPS fiducial points (DTRB 20).
        imgH / imgW: TPS input and rectified output size in px (only TPS uses them; the rectified image is
            always imgH x imgW, whatever the input width).
        batch_max_length: longest label in characters; the Attn decoder runs ``batch_max_length + 1`` steps
            (DTRB 25).

    ``forward(input, text=None, is_train=False)`` maps float32 (N, input_channel, imgH, W) in [-1, 1] to logits
    float32 (N, T, num_class): CTC T = feature width (VGG W/4 - 1, ResNet/RCNN W/4 + 1, with W = imgW under
    TPS); Attn T = ``batch_max_length + 1``.  ``text`` (int64 (N, batch_max_length + 1), ``text[:, 0]`` = [GO])
    is only read by Attn with ``is_train`` (teacher forcing); otherwise Attn decodes greedily (EasyOCR's Reader
    passes a zeros tensor and no ``is_train``).

    Attributes:
        network_params: the resolved keyword arguments except ``num_class`` (what ``NAME.yaml`` and the
            checkpoint's ``network_params`` carry).
        stages: ``{"Trans", "Feat", "Seq", "Pred"}`` as DTRB.

    Raises:
        ValueError: an unknown stage option or a size that does not fit the network.

    >>> m = Model(num_class=11, FeatureExtraction="ResNet", output_channel=32, hidden_size=16)
    >>> m(torch.zeros(2, 1, 32, 100)).shape
    torch.Size([2, 26, 11])
    """

    def __init__(self, *, num_class: int, Transformation: str = "None", FeatureExtraction: str = "VGG",
                 SequenceModeling: str = "BiLSTM", Prediction: str = "CTC", input_channel: int = 1,
                 output_channel: int | None = None, hidden_size: int = 256, num_fiducial: int = 20, imgH: int = 64,
                 imgW: int = 100, batch_max_length: int = 25):
        super().__init__()
        stages = dict(zip(STAGE_KEYS, (Transformation, FeatureExtraction, SequenceModeling, Prediction)))
        for key, value in stages.items():
            if value not in _CHOICES[key]:
                raise ValueError(f"{key} must be one of {'|'.join(_CHOICES[key])}, got {value!r}")
        if output_channel is None:
            output_channel = default_output_channel(FeatureExtraction)
        multiple = 16 if FeatureExtraction == "ResNet" else 8
        if output_channel < multiple or output_channel % multiple:
            raise ValueError(f"output_channel of {FeatureExtraction} must be a positive multiple of {multiple}, "
                             f"got {output_channel}")
        minimum = 2 if Prediction == "CTC" else 3
        if num_class < minimum:
            raise ValueError(f"num_class must be >= {minimum} for {Prediction}, got {num_class}")
        if Transformation == "TPS" and (imgH < 8 or imgW < 8):
            raise ValueError(f"TPS needs imgH and imgW >= 8 px, got {imgH} x {imgW}")
        if batch_max_length < 1:
            raise ValueError(f"batch_max_length must be >= 1, got {batch_max_length}")
        self.network_params = {**stages, "input_channel": int(input_channel), "output_channel": int(output_channel),
                               "hidden_size": int(hidden_size), "num_fiducial": int(num_fiducial),
                               "imgH": int(imgH), "imgW": int(imgW), "batch_max_length": int(batch_max_length)}
        self.stages = {"Trans": Transformation, "Feat": FeatureExtraction, "Seq": SequenceModeling,
                       "Pred": Prediction}
        self.batch_max_length = int(batch_max_length)

        if Transformation == "TPS":
            self.Transformation = TPS_SpatialTransformerNetwork(num_fiducial, (imgH, imgW), (imgH, imgW),
                                                                input_channel)
        extractor = {"VGG": VGG_FeatureExtractor, "RCNN": RCNN_FeatureExtractor,
                     "ResNet": ResNet_FeatureExtractor}[FeatureExtraction]
        self.FeatureExtraction = extractor(input_channel, output_channel)
        self.FeatureExtraction_output = output_channel
        # DTRB's AdaptiveAvgPool2d((None, 1)) (no weights) is the mean over the feature height, computed as
        # such in forward: the ONNX exporter cannot export adaptive pooling of a non-constant size.
        if SequenceModeling == "BiLSTM":
            self.SequenceModeling = nn.Sequential(
                BidirectionalLSTM(output_channel, hidden_size, hidden_size),
                BidirectionalLSTM(hidden_size, hidden_size, hidden_size))
            self.SequenceModeling_output = hidden_size
        else:
            self.SequenceModeling_output = output_channel
        self.Prediction: nn.Module = (nn.Linear(self.SequenceModeling_output, num_class) if Prediction == "CTC"
                                      else Attention(self.SequenceModeling_output, hidden_size, num_class))

    @property
    def num_class(self) -> int:
        """Output classes (rows of the Prediction / generator layer)."""
        layer = self.Prediction if self.stages["Pred"] == "CTC" else self.Prediction.get_submodule("generator")
        return int(layer.get_parameter("weight").shape[0])

    def forward(self, input: torch.Tensor, text: torch.Tensor | None = None, is_train: bool = False) -> torch.Tensor:
        if self.stages["Trans"] == "TPS":
            input = self.Transformation(input)  # (N, C, H, W) -> (N, C, imgH, imgW)
        visual_feature = self.FeatureExtraction(input)  # (N, C_f, h, w)
        visual_feature = visual_feature.mean(dim=2).permute(0, 2, 1)  # (N, C_f, w) -> (N, T = w, C_f)
        if self.stages["Seq"] == "BiLSTM":
            contextual_feature = self.SequenceModeling(visual_feature)  # (N, T, hidden)
        else:
            contextual_feature = visual_feature
        if self.stages["Pred"] == "CTC":
            return self.Prediction(contextual_feature.contiguous())  # (N, T, num_class)
        return self.Prediction(contextual_feature.contiguous(), text, is_train,
                               batch_max_length=self.batch_max_length)  # (N, batch_max_length + 1, num_class)
