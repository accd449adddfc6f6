"""The scoring model file: build, lint codes WM-M…, save/load, encoder, bands."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from werkmap.errors import InvalidModel
from werkmap.profiler.model import (
    BANDS,
    Encoder,
    FeatureEncoding,
    Provenance,
    ScoringModel,
    band_of,
    build_model,
    default_encoding,
    default_model,
    dump_model,
    lint_model,
    load_model,
    model_to_data,
    parse_model,
    save_model,
)
from werkmap.profiler.questionnaire import default_questionnaire
from werkmap.profiler.synthetic import encode_columns, synthetic_cohort

Q = default_questionnaire()
M = default_model()


def codes(model: ScoringModel, questionnaire=Q) -> list[str]:
    return [p.code for p in lint_model(model, questionnaire)]


def small_model(**kw):
    encoding = (
        FeatureEncoding(link_id="q01", kind="numeric", center=40, scale=10),
        FeatureEncoding(
            link_id="q02",
            kind="one_hot",
            levels=("basis", "vmbo", "mbo", "havo_vwo", "hbo", "wo"),
            reference="mbo",
        ),
    )
    names = ("q01", "q02=basis", "q02=vmbo", "q02=havo_vwo", "q02=hbo", "q02=wo")
    args = {
        "questionnaire": Q,
        "encoding": encoding,
        "feature_names": names,
        "coefficients": np.arange(6) / 10,
        "intercept": 0.3,
        "standard_errors": np.full(7, 0.1),
        "covariance": np.eye(7) * 0.01,
        "provenance": Provenance(method="test"),
        "id": "m",
        "version": "1",
        "valid_from": dt.date(2020, 1, 1),
    }
    args.update(kw)
    return build_model(**args)


def test_the_packaged_model_is_clean_and_illustrative():
    assert lint_model(M, Q) == []
    assert M.questionnaire == Q.ref
    assert "illustrative" in M.provenance.notice.lower()
    assert "illustrative" in M.provenance.method
    assert M.cut_points == (0.25, 0.5, 0.75)
    assert M.bands == BANDS
    assert len(M.standard_errors) == len(M.feature_names) + 1
    cov = np.array(M.covariance)
    assert np.allclose(np.sqrt(np.diag(cov)), M.standard_errors)
    assert np.all(np.linalg.eigvalsh(cov) > 0)


def test_build_model_stores_tuples_of_floats():
    m = small_model()
    assert m.coefficients == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    assert isinstance(m.covariance[0], tuple)
    assert m.parameter_names[0] == "(intercept)"
    assert m.ref == "m|1"


def test_save_and_load_round_trip(tmp_path):
    path = save_model(M, tmp_path / "m.json")
    assert load_model(path) == M
    assert load_model(path, questionnaire=Q) == M
    assert parse_model(dump_model(M)) == M
    assert model_to_data(M)["schema"] == "werkmap.scoring_model"
    assert load_model() is M


def test_wm_m001_unknown_item_and_unsuitable_type():
    m = small_model()
    bad = attrs.evolve(
        m,
        encoding=(
            FeatureEncoding(link_id="zz", kind="numeric"),
            FeatureEncoding(link_id="q02", kind="numeric"),
        ),
        feature_names=("zz", "q02"),
        coefficients=(0.0, 0.0),
        standard_errors=None,
        covariance=None,
    )
    assert codes(bad) == ["WM-M001", "WM-M001"]


def test_wm_m002_levels_reference_values_scale():
    m = small_model()
    enc = (
        FeatureEncoding(link_id="q01", kind="numeric", scale=0.0),
        FeatureEncoding(link_id="q02", kind="one_hot", levels=("basis", "xx"), reference="zz"),
        FeatureEncoding(link_id="q04", kind="ordinal", levels=("1", "2", "3", "3"), values=(1, 2)),
    )
    names = tuple(n for e in enc for n in e.feature_names())
    bad = attrs.evolve(
        m,
        encoding=enc,
        feature_names=names,
        coefficients=(0.0,) * len(names),
        standard_errors=None,
        covariance=None,
    )
    problems = lint_model(bad, Q)
    assert {p.code for p in problems} == {"WM-M002"}
    paths = [p.path for p in problems]
    assert "$.encoding[0]" in paths  # zero scale
    assert "$.encoding[1].levels" in paths  # not the option codes
    assert "$.encoding[1].reference" in paths
    assert "$.encoding[2].levels" in paths  # duplicates, not covering
    assert "$.encoding[2].values" in paths


def test_wm_m002_an_item_encoded_twice():
    m = small_model()
    enc = (*m.encoding, FeatureEncoding(link_id="q01", kind="numeric"))
    bad = attrs.evolve(m, encoding=enc, feature_names=(*m.feature_names, "q01"))
    assert "WM-M002" in codes(bad)


def test_wm_m003_feature_names():
    with pytest.raises(InvalidModel) as err:
        small_model(feature_names=("q01", "q02=basis", "q02=vmbo", "q02=havo_vwo", "q02=hbo", "x"))
    assert err.value.codes == ("WM-M003",)
    assert "'x'" in str(err.value)


def test_wm_m004_shapes_and_finiteness():
    with pytest.raises(InvalidModel) as err:
        small_model(
            coefficients=[0.0, np.nan, 0, 0, 0],
            standard_errors=[1.0] * 3,
            covariance=np.eye(3),
            feature_means=[1.0],
        )
    assert err.value.codes == ("WM-M004",) * 5


def test_wm_m005_covariance_consistency():
    cov = np.eye(7) * 0.01
    cov[0, 1] = 0.5
    with pytest.raises(InvalidModel) as err:
        small_model(covariance=cov)
    assert err.value.codes == ("WM-M005",)
    with pytest.raises(InvalidModel) as err:
        small_model(standard_errors=np.full(7, 0.2))
    assert err.value.codes == ("WM-M005",)
    neg = np.eye(7) * 0.01
    neg[2, 2] = -1
    with pytest.raises(InvalidModel) as err:
        small_model(covariance=neg, standard_errors=None)
    assert err.value.codes == ("WM-M005",)


def test_wm_m006_cut_points_and_bands():
    with pytest.raises(InvalidModel) as err:
        small_model(cut_points=(0.5, 0.25), bands=("a", "b"))
    assert err.value.codes == ("WM-M006", "WM-M006")
    with pytest.raises(InvalidModel):
        small_model(cut_points=(0.0, 0.5), bands=("a", "b", "c"))


def test_wm_m007_validity():
    with pytest.raises(InvalidModel) as err:
        small_model(valid_until=dt.date(2019, 1, 1))
    assert err.value.codes == ("WM-M007",)


def test_wm_m008_identity():
    with pytest.raises(InvalidModel) as err:
        small_model(id=" ", version="")
    assert err.value.codes == ("WM-M008", "WM-M008")
    bad = attrs.evolve(small_model(), questionnaire="no-bar")
    assert "WM-M008" in codes(bad, None)


def test_wm_m009_another_questionnaire_version():
    other = attrs.evolve(Q, version="2099.1")
    problems = lint_model(M, other)
    assert [p.code for p in problems] == ["WM-M009"]


def test_a_corrupt_model_file_names_the_file_and_the_field(tmp_path):
    data = model_to_data(M)
    data["data"]["intercept"] = "high"
    data["data"]["encoding"][0]["kind"] = "spline"
    path = tmp_path / "corrupt.model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InvalidModel) as err:
        load_model(path)
    assert str(path) in str(err.value)
    paths = [p.path for p in err.value.problems]
    assert "$.intercept" in paths
    assert any(p.startswith("$.encoding[0].kind") for p in paths)
    with pytest.raises(InvalidModel) as err:
        parse_model(b"[1,", source="m.json")
    assert "m.json" in str(err.value)


def test_a_model_file_whose_numbers_do_not_fit_is_refused_on_load(tmp_path):
    data = model_to_data(M)
    data["data"]["coefficients"] = data["data"]["coefficients"][:-1]
    with pytest.raises(InvalidModel) as err:
        parse_model(json.dumps(data), source="short.json")
    assert "WM-M004" in err.value.codes


def test_bands_are_half_open_on_the_left():
    assert band_of(0.5) == "25-50"
    assert band_of(0.25) == "0-25"
    assert band_of(0.75) == "50-75"
    assert band_of(np.nextafter(0.5, 1)) == "50-75"
    assert band_of(0.0) == "0-25"
    assert band_of(1.0) == "75-100"
    assert M.band(0.5) == "25-50"


@given(st.floats(min_value=0.0, max_value=1.0))
def test_band_of_agrees_with_the_interval_definition(p):
    expected = "0-25" if p <= 0.25 else "25-50" if p <= 0.5 else "50-75" if p <= 0.75 else "75-100"
    assert band_of(p) == expected


def test_encoder_feature_names_and_encoding():
    enc = Encoder(M.encoding)
    assert enc.feature_names == M.feature_names
    answers = {
        "q01": 54,
        "q02": "hbo",
        "q03": 30,
        "q04": "4",
        **{f"q{i:02d}": "5" for i in (5, 6, 7, 9, 10, 11, 12, 13, 14, 17, 18, 19)},
        "q08": 10,
        "q15": False,
    }
    x = dict(zip(enc.feature_names, enc.encode(answers), strict=True))
    assert x["q01"] == pytest.approx(1.0)  # (54 - 44) / 10
    assert x["q02=hbo"] == 1.0
    assert x["q02=wo"] == 0.0
    assert x["q05"] == 2.0  # 5 - 3
    assert x["q15"] == 0.0
    assert x["q16"] == 0.0  # disabled: the missing value
    assert enc.slices["q02"] == tuple(range(1, 6))
    assert enc.encode_many([]).shape == (0, len(enc.feature_names))


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_vectorised_encoding_equals_the_row_encoder(seed):
    cohort = synthetic_cohort(25, seed=seed)
    enc = Encoder(M.encoding)
    rows = enc.encode_many(cohort.answers())
    np.testing.assert_array_equal(encode_columns(cohort.columns, M.encoding), rows)


def test_default_encoding_follows_the_questionnaire():
    enc = {e.link_id: e for e in default_encoding(Q)}
    assert enc["q01"].kind == "numeric"
    assert enc["q02"].kind == "one_hot"
    assert enc["q02"].reference == "basis"
    assert enc["q05"].kind == "ordinal"
    assert enc["q05"].level_scores() == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert enc["q15"].kind == "numeric"
    assert len(enc) == 19
