"""Charset: korean_g2's list, KS X 1001, the CTC and attention codecs, and Prediction rows carried over by
character."""
from __future__ import annotations

import pytest
import torch

from easyocr_ko.charset import (
    AttnCodec,
    CTCCodec,
    adapt_prediction,
    build_charset,
    easyocr_characters,
    korean_g2_characters,
    ks_x_1001_hangul,
    outside_charset,
)
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.recognizer.model import build_model


def test_korean_g2_facts():
    chars = korean_g2_characters()
    hangul = [c for c in chars if "가" <= c <= "힣"]
    assert len(chars) == 1008 and len(hangul) == 913
    assert chars[95] == "가" and chars[0] == " "
    for missing in "했었았됐봤왔줬겠났젝귤껌":
        assert missing not in chars


def test_ks_x_1001():
    ksx = ks_x_1001_hangul()
    assert len(ksx) == 2350 and len(set(ksx)) == 2350
    assert set(c for c in korean_g2_characters() if "가" <= c <= "힣") <= set(ksx)
    assert "했" in ksx and "똠" not in ksx and "쀍" not in ksx  # 똠 is the classic non-KS X 1001 syllable


def test_build_charset_keeps_base_order_and_appends_sorted():
    base = korean_g2_characters()
    out = build_charset(base, ["했다", "프로젝트", "가나"], extra="")
    assert out[:1008] == base
    assert out[1008:] == "".join(sorted(set("했다프로젝트") - set(base)))
    assert build_charset(base, [], ks_x_1001_hangul())[:1008] == base
    assert len(build_charset(base, [], ks_x_1001_hangul())) == 95 + 2350
    with pytest.raises(EasyOcrKoError, match="duplicates"):
        build_charset("abca")
    with pytest.raises(EasyOcrKoError, match="control"):
        build_charset("ab", ["a\tb"])


def test_codec_roundtrip_and_unknown():
    codec = CTCCodec("가나다ab")
    targets, lengths = codec.encode(["가나", "b"])
    assert targets.tolist() == [1, 2, 5] and lengths.tolist() == [2, 1]
    assert codec.num_class == 6
    # greedy: 1 1 0 2 2 0 0 1 -> 가나가 ; repeats collapse, blanks separate
    assert codec.decode_greedy(torch.tensor([[1, 1, 0, 2, 2, 0, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0]])) == ["가나가", ""]
    with pytest.raises(EasyOcrKoError, match="'라'"):
        codec.encode(["가라"])
    assert outside_charset(["가라라", "x"], "가나").most_common() == [("라", 2), ("x", 1)]


def test_attn_codec_round_trip_and_one_error_type():
    codec = AttnCodec("abcdefghij")  # [GO] = 0, [s] = 1, 'a' = 2 ... 'j' = 11
    text, length = codec.encode(["abc", "j", ""], batch_max_length=4)
    assert text.dtype == torch.long and text.shape == (3, 6) and length.tolist() == [4, 2, 1]
    assert length.dtype == torch.int32 and codec.num_class == 12
    assert text.tolist() == [[0, 2, 3, 4, 1, 0], [0, 11, 1, 0, 0, 0], [0, 1, 0, 0, 0, 0]]
    assert codec.decode(text[:, 1:]) == ["abc", "j", ""]
    assert codec.decode(torch.tensor([[2, 0, 3, 1, 4]])) == ["ab"]  # [GO] skipped, stop at [s]
    logits = torch.nn.functional.one_hot(text[:, 1:], codec.num_class).float()  # (N, S, C)
    assert codec.decode_logits(logits) == ["abc", "j", ""]
    # the faults CTCCodec reports as EasyOcrKoError are EasyOcrKoError here too
    with pytest.raises(EasyOcrKoError, match="batch_max_length"):
        codec.encode(["abcde"], batch_max_length=4)
    with pytest.raises(EasyOcrKoError, match="not in the character list"):
        codec.encode(["xyz"], batch_max_length=4)
    for codec_type in (AttnCodec, CTCCodec):
        with pytest.raises(EasyOcrKoError, match="empty character list"):
            codec_type("")
        with pytest.raises(EasyOcrKoError, match="duplicates"):
            codec_type("abca")


def test_adapt_prediction_copies_rows_bit_for_bit_by_character():
    old = easyocr_characters("english_g2")  # 96 chars, ASCII in english_g2's own order
    new = build_charset(korean_g2_characters(), ["했다"])  # korean_g2 order + 2 new
    gen = torch.Generator().manual_seed(0)
    weight, bias = torch.randn(len(old) + 1, 16, generator=gen), torch.randn(len(old) + 1, generator=gen)
    new_w, new_b, copied = adapt_prediction(weight, bias, old, new, torch.Generator().manual_seed(1))
    assert new_w.shape == (len(new) + 1, 16) and new_b.shape == (len(new) + 1,)
    assert torch.equal(new_w[0], weight[0]) and torch.equal(new_b[0], bias[0])  # blank
    shared = [c for c in new if c in old]
    assert copied == len(shared) == 95  # every printable ASCII char of english_g2 except none missing
    for c in shared:
        assert torch.equal(new_w[new.index(c) + 1], weight[old.index(c) + 1])
        assert torch.equal(new_b[new.index(c) + 1], bias[old.index(c) + 1])
    fresh = [new.index(c) + 1 for c in new if c not in old]
    assert torch.all(new_b[fresh] == bias.min())
    with pytest.raises(EasyOcrKoError, match="rows"):
        adapt_prediction(weight[:-1], bias[:-1], old, new)


def test_adapted_model_keeps_old_predictions():
    """Old classes keep their logits (up to float summation order of a wider matmul)."""
    old, new = "abc", "xbca"
    torch.manual_seed(0)
    src = build_model(len(old) + 1, output_channel=16, hidden_size=16).eval()
    state = src.state_dict()
    w, b, _ = adapt_prediction(state["Prediction.weight"], state["Prediction.bias"], old, new)
    state["Prediction.weight"], state["Prediction.bias"] = w, b
    dst = build_model(len(new) + 1, output_channel=16, hidden_size=16).eval()
    dst.load_state_dict(state)
    x = torch.randn(2, 1, 32, 64)
    with torch.no_grad():
        a, c = src(x, None), dst(x, None)
    for ch in old:
        torch.testing.assert_close(a[..., old.index(ch) + 1], c[..., new.index(ch) + 1], rtol=0, atol=1e-6)
    torch.testing.assert_close(a[..., 0], c[..., 0], rtol=0, atol=1e-6)
