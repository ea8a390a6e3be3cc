"""Decoder settings: the tuned view of a model directory, the decode worker count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asr.decoder_config import DecoderConfig, rewrite_conf, tuned_model_dir
from benchmarks.decoder_tuning import agreement, edit_distance
from voicebot.engines import decode_workers
from voicebot.errors import AsrError, ConfigError

CONF = "--min-active=200\n--max-active=3000\n--beam=10.0\n--lattice-beam=2.0\n"


def fake_model(root: Path) -> Path:
    (root / "am").mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"mdl")
    (root / "conf").mkdir()
    (root / "conf" / "model.conf").write_text(CONF)
    (root / "conf" / "mfcc.conf").write_text("--num-ceps=40\n")
    return root


def test_rewrite_replaces_the_overridden_options_and_keeps_the_rest() -> None:
    out = rewrite_conf(CONF, DecoderConfig(beam=8.0, max_active=1500))
    assert out.splitlines() == ["--min-active=200", "--max-active=1500", "--beam=8", "--lattice-beam=2.0"]
    assert rewrite_conf("--beam=10.0\n", DecoderConfig(max_active=700)).splitlines() == ["--beam=10.0",
                                                                                        "--max-active=700"]


def test_the_default_config_is_the_model_itself(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    assert tuned_model_dir(model, DecoderConfig(), tmp_path / "cache") == model
    assert not (tmp_path / "cache").exists()


def test_a_tuned_view_links_the_model_and_has_its_own_conf(tmp_path: Path) -> None:
    model = fake_model(tmp_path / "m")
    view = tuned_model_dir(model, DecoderConfig(beam=9.0), tmp_path / "cache")
    assert view != model and (view / "am").is_symlink() and (view / "am" / "final.mdl").read_bytes() == b"mdl"
    assert (view / "conf" / "mfcc.conf").read_text() == "--num-ceps=40\n"
    assert "--beam=9" in (view / "conf" / "model.conf").read_text().splitlines()
    assert (model / "conf" / "model.conf").read_text() == CONF  # the original is untouched
    again = tuned_model_dir(model, DecoderConfig(beam=9.0), tmp_path / "cache")
    assert again == view and os.listdir(tmp_path / "cache") == [view.name]
    other = tuned_model_dir(model, DecoderConfig(beam=8.0), tmp_path / "cache")
    assert other != view


def test_a_nested_model_directory_is_found_and_bad_values_refused(tmp_path: Path) -> None:
    fake_model(tmp_path / "pkg" / "model")
    view = tuned_model_dir(tmp_path / "pkg", DecoderConfig(max_active=2000), tmp_path / "cache")
    assert "--max-active=2000" in (view / "conf" / "model.conf").read_text()
    with pytest.raises(AsrError) as err:
        tuned_model_dir(tmp_path / "pkg", DecoderConfig(beam=0.1), tmp_path / "cache")
    assert err.value.code == "asr-bad-config"
    with pytest.raises(AsrError):
        tuned_model_dir(tmp_path / "empty", DecoderConfig(beam=9.0), tmp_path / "cache")


def test_decode_workers_default_to_the_cores() -> None:
    assert decode_workers(0) == (os.cpu_count() or 1)
    assert decode_workers(3) == 3
    with pytest.raises(ConfigError):
        decode_workers(-1)


def test_word_agreement() -> None:
    assert edit_distance("a b c".split(), "a x c d".split()) == 2
    assert agreement([["a", "b"], ["c", "d"]], [["a", "b"], ["c"]]) == 0.75
    assert agreement([[]], [[]]) == 1.0
