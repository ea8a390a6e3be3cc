"""Loading and checking the dialogue corpus: typed errors naming the file and the dialogue."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicebot.qa.dialogue_corpus import CORPUS_DIR, CallerLine, CorpusError, load_corpus, load_file

DATA = Path(__file__).parent / "data" / "dialogues"
GOOD = """lang: zh-CN
split: dev
dialogues:
  - id: a-1
    persona: elderly gibberish
    say: [喂 我要投诉, "dtmf:0"]
    answers:
      category: 噪音
      callback_phone: [幺三八, {text: 呃呃, gibberish: true}]
    expect:
      outcome: complaint
      emergency: null
      ticket: {category: noise, callback_phone: "138", confidential: false, description: [吵]}
"""


def _write(tmp_path: Path, text: str, name: str = "dev.yaml") -> Path:
    path = tmp_path / "zh-CN" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_loads_into_frozen_dialogues(tmp_path: Path) -> None:
    [dialogue] = load_file(_write(tmp_path, GOOD))
    assert dialogue.id == "a-1" and dialogue.lang == "zh-CN" and dialogue.split == "dev"
    assert dialogue.persona == ("elderly", "gibberish")
    assert dialogue.say == (CallerLine("喂 我要投诉"), CallerLine(dtmf="0"))
    assert dialogue.answers["complaint_category"] == (CallerLine("噪音"),)  # category is the form's complaint_category
    assert dialogue.answers["callback_phone"][1] == CallerLine("呃呃", gibberish=True)
    assert dialogue.expect.outcome == "complaint" and dialogue.expect.emergency is None
    assert dialogue.expect.ticket["description"] == ["吵"]
    with pytest.raises(AttributeError):
        dialogue.id = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("      category: 噪音\n", "      colour: 噪音\n", "corpus-unknown-answer-field"),
        ("    expect:\n      outcome: complaint\n      emergency: null\n      ticket: {category: noise, "
         "callback_phone: \"138\", confidential: false, description: [吵]}\n", "", "corpus-missing-expect"),
        ("outcome: complaint", "outcome: resolved", "corpus-bad-outcome"),
        ("emergency: null", "emergency: flood", "corpus-bad-emergency"),
        ("category: noise,", "category: loud,", "corpus-bad-expected-value"),
        ("confidential: false", "confidential: maybe", "corpus-bad-expected-value"),
        ("ticket: {", "ticket: {colour: red, ", "corpus-unknown-ticket-field"),
        ('"dtmf:0"', '"dtmf:9x"', "corpus-bad-dtmf"),
        ("lang: zh-CN", "lang: fr-FR", "corpus-bad-lang"),
        ("split: dev", "split: test", "corpus-bad-split"),
        ("    say: [喂 我要投诉, \"dtmf:0\"]\n", "", "corpus-missing-say"),
        ("  - id: a-1\n", "  - persona: x\n", "corpus-missing-id"),
    ],
)
def test_bad_input_is_a_typed_error_naming_file_and_dialogue(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(CorpusError) as caught:
        load_file(path)
    assert caught.value.code == code
    assert str(path) in caught.value.message
    if code not in ("corpus-bad-lang", "corpus-bad-split", "corpus-missing-id"):
        assert "a-1" in caught.value.message


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    _write(tmp_path, GOOD.replace("split: dev", "split: heldout"), "heldout.yaml")
    with pytest.raises(CorpusError) as caught:
        load_corpus([tmp_path])
    assert caught.value.code == "corpus-duplicate-id" and "a-1" in caught.value.message


def test_not_yaml_and_missing_files_are_typed_errors(tmp_path: Path) -> None:
    with pytest.raises(CorpusError) as bad:
        load_file(_write(tmp_path, "lang: [unclosed"))
    assert bad.value.code == "corpus-bad-yaml"
    with pytest.raises(CorpusError) as missing:
        load_file(tmp_path / "nope.yaml")
    assert missing.value.code == "corpus-missing"


def test_selection_by_language_and_split() -> None:
    corpus = load_corpus([DATA])
    assert {d.id for d in corpus.select(["zh-CN"], "dev").dialogues} == {"t-zh-001", "t-zh-002"}
    assert {d.id for d in corpus.select(["zh-CN"], "heldout").dialogues} == {"t-zh-h01"}
    assert {d.id for d in corpus.select([], "dev").dialogues} == {"t-zh-001", "t-zh-002", "t-en-001"}


def test_the_shipped_corpus_loads_once_it_exists() -> None:
    files = sorted(CORPUS_DIR.glob("*/*.yaml"))
    assert files, "corpus/<lang>/*.yaml is missing"
    corpus = load_corpus([CORPUS_DIR])
    assert len(corpus.dialogues) >= len(files)
    assert {d.lang for d in corpus.dialogues} <= {"zh-CN", "en-US"}
