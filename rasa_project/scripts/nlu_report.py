"""Print NLU quality per language on a held-out split of the project's own data.

Deterministic split (build.py --holdout): every 5th hand-written example of each intent and FAQ topic is held
out; the rest (FAQ questions plus their filler variants) trains an NLU-only model with the production config.
Reports intent accuracy and F1, FAQ-topic (response selector) accuracy and F1, and entity (slot) F1.
Run with the Rasa venv: .venv/bin/python scripts/nlu_report.py [LANG...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import build

HERE = build.HERE


def _rasa(*args: str) -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    subprocess.run([str(HERE / ".venv" / "bin" / "rasa"), *args], cwd=HERE, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def evaluate(lang: str) -> dict[str, Any]:
    """Train on the split's training part, test on its held-out part, return the figures."""
    began = time.monotonic()
    split = build.build(lang, holdout=True)
    model_dir = split / "model"
    _rasa("train", "nlu", "--config", str(HERE / "config" / f"{lang}.yml"), "--nlu", str(split / "data" / "nlu.yml"),
          "--domain", str(split / "domain"), "--out", str(model_dir), "--fixed-model-name", "nlu")
    results = split / "results"
    _rasa("test", "nlu", "--nlu", str(split / "test_nlu.yml"), "--model", str(model_dir / "nlu.tar.gz"),
          "--out", str(results), "--no-plot")
    intents = _load(results / "intent_report.json")
    topics = _load(results / "response_selection_report.json")
    entities = _load(results / "DIETClassifier_report.json")
    test_items = sum(len(build.examples(i["examples"])) for i in
                     build.yaml.safe_load((split / "test_nlu.yml").read_text(encoding="utf-8"))["nlu"])
    return {
        "lang": lang,
        "held_out_examples": test_items,
        "intent_accuracy": intents.get("accuracy"),
        "intent_f1_macro": (intents.get("macro avg") or {}).get("f1-score"),
        "intent_f1_weighted": (intents.get("weighted avg") or {}).get("f1-score"),
        "faq_topic_accuracy": topics.get("accuracy"),
        "faq_topic_f1_macro": (topics.get("macro avg") or {}).get("f1-score"),
        "entity_f1_micro": (entities.get("micro avg") or {}).get("f1-score"),
        "entity_f1_weighted": (entities.get("weighted avg") or {}).get("f1-score"),
        "seconds": round(time.monotonic() - began),
        "worst_intents": sorted(
            ((name, round(v["f1-score"], 3)) for name, v in intents.items()
             if isinstance(v, dict) and "f1-score" in v and name not in ("macro avg", "weighted avg", "micro avg")),
            key=lambda item: item[1])[:3],
    }


def _fmt(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def main() -> None:
    """Evaluate the requested languages and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("langs", nargs="*", default=list(build.LANGS))
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rows = [evaluate(lang) for lang in args.langs]
    keys = ["held_out_examples", "intent_accuracy", "intent_f1_macro", "intent_f1_weighted", "faq_topic_accuracy",
            "faq_topic_f1_macro", "entity_f1_micro", "entity_f1_weighted", "seconds"]
    print(f"{'metric':<22}" + "".join(f"{r['lang']:>10}" for r in rows))
    for key in keys:
        print(f"{key:<22}" + "".join(f"{_fmt(r[key]):>10}" for r in rows))
    for r in rows:
        print(f"{r['lang']} weakest intents: {r['worst_intents']}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
