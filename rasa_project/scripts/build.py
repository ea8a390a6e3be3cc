"""Assemble per-language Rasa training inputs from the shared sources.

Sources: domain/shared.yml + domain/<lang>.yml, data/<lang>/nlu.yml, knowledge/faq.yaml.
Output:  build/<lang>/domain/*.yml and build/<lang>/data/*.yml (FAQ examples, FAQ responses and the
language-neutral rules are generated here). With --holdout, a deterministic split of the hand-written
examples: every 5th example goes to build/<lang>-split/test_nlu.yml and the rest is the training data.
Runs in the Rasa venv (needs only PyYAML).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent.parent
LANGS = ("zh-CN", "en-US")
HOLDOUT_EVERY = 5
FILLERS = {
    "zh-CN": ["嗯", "那个", "就是", "请问", "我想问一下", "嗯那个", "你好我想问下", "就是那个"],
    "en-US": ["um", "uh", "so", "hi", "i want to know", "can you tell me", "hello", "um so"],
}
SUFFIXES = {"zh-CN": ["", "啊", "呢", ""], "en-US": ["", " please", "", " thanks"]}

# Intents that escape from an active form (the form is deactivated first), and the action that answers them.
FORM_EXITS = {
    "request_human": "action_handoff",
    "out_of_scope": "action_handoff",
    "goodbye": "action_goodbye",
}
# An emergency inside a form does not leave it: the form's validation gives the number and the form goes on
# (the bot's own pre-check usually answers real emergencies before Rasa sees them: docs/workorder.md).
# Intents answered inside an active form, which then asks its question again.
FORM_INTERJECTIONS = {
    "faq": "utter_faq",
    "repeat": "action_repeat",
    "silence": "action_silence",
    "nlu_fallback": "action_fallback",
    "greet": "action_repeat",
    "thank": "action_repeat",
    "affirm": "action_repeat",
    "deny": "action_repeat",
    "inform": "action_repeat",
    "file_complaint": "action_repeat",
    "check_ticket_status": "action_repeat",
}
TOP_LEVEL = {
    "greet": "action_greet",
    "thank": "utter_you_are_welcome",
    "faq": "action_faq",
    "request_human": "action_handoff",
    "out_of_scope": "action_handoff",
    "emergency": "action_emergency",
    "goodbye": "action_goodbye",
    "nlu_fallback": "action_fallback",
    "repeat": "action_repeat",
    "silence": "action_silence",
    "affirm": "action_affirm_deny",
    "deny": "action_affirm_deny",
    "inform": "action_fallback",
}
# Responses after which the caller is expected to give a number or a yes/no (custom payload for the bot).
EXPECT = {"utter_ask_callback_phone": "number", "utter_invalid_phone": "number", "utter_ask_ticket_number": "number",
          "utter_ask_confidential": "yes_no"}
FORMS = {"complaint_form": ("file_complaint", "action_submit_complaint"),
         "ticket_status_form": ("check_ticket_status", "action_ticket_status")}


def rules() -> list[dict[str, Any]]:
    """Return the language-neutral rules."""
    out: list[dict[str, Any]] = []
    for intent, action in TOP_LEVEL.items():
        out.append({"rule": f"{intent} -> {action}", "steps": [{"intent": intent}, {"action": action}]})
    for form, (intent, submit) in FORMS.items():
        out.append({"rule": f"start {form}", "steps": [{"intent": intent}, {"action": form}, {"active_loop": form}]})
        out.append({"rule": f"submit {form}", "condition": [{"active_loop": form}],
                    "steps": [{"action": form}, {"active_loop": None}, {"slot_was_set": [{"requested_slot": None}]},
                              {"action": submit}]})
        for exit_intent, action in FORM_EXITS.items():
            out.append({"rule": f"{exit_intent} leaves {form}", "condition": [{"active_loop": form}],
                        "steps": [{"intent": exit_intent}, {"action": "action_deactivate_loop"},
                                  {"active_loop": None}, {"action": action}]})
        for inner_intent, action in FORM_INTERJECTIONS.items():
            out.append({"rule": f"{inner_intent} inside {form}", "condition": [{"active_loop": form}],
                        "steps": [{"intent": inner_intent}, {"action": action}, {"action": form},
                                  {"active_loop": form}]})
    return out


def examples(block: str) -> list[str]:
    """Return the example lines of an ``examples: |`` block."""
    return [line[2:].strip() for line in block.splitlines() if line.startswith("- ")]


def as_block(lines: list[str]) -> str:
    """Format examples as an ``examples: |`` block."""
    return "".join(f"- {line}\n" for line in lines)


def with_fillers(questions: list[str], lang: str) -> list[str]:
    """Return the questions plus one filler variant of each (spoken style)."""
    fillers, suffixes = FILLERS[lang], SUFFIXES[lang]
    sep = "" if lang == "zh-CN" else " "
    variants = [f"{fillers[i % len(fillers)]}{sep}{q}{suffixes[i % len(suffixes)]}" for i, q in enumerate(questions)]
    return questions + variants


def split(items: list[str], holdout: bool) -> tuple[list[str], list[str]]:
    """Split examples deterministically into (train, test); without holdout everything is training data."""
    if not holdout:
        return items, []
    test = [x for i, x in enumerate(items) if i % HOLDOUT_EVERY == 2]
    return [x for i, x in enumerate(items) if i % HOLDOUT_EVERY != 2], test


def dump(path: Path, data: dict[str, Any]) -> None:
    """Write YAML with literal blocks for multi-line strings."""

    class Dumper(yaml.SafeDumper):
        pass

    def str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, str_presenter)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False), encoding="utf-8")


def build(lang: str, holdout: bool = False) -> Path:
    """Assemble build/<lang>[-split]/ and return it."""
    out = HERE / "build" / (f"{lang}-split" if holdout else lang)
    shutil.rmtree(out, ignore_errors=True)
    (out / "domain").mkdir(parents=True)
    shutil.copy(HERE / "domain" / "shared.yml", out / "domain" / "shared.yml")
    lang_domain = yaml.safe_load((HERE / "domain" / f"{lang}.yml").read_text(encoding="utf-8"))
    for name, kind in EXPECT.items():
        for variant in lang_domain["responses"][name]:
            variant["custom"] = {"expect": kind}
    dump(out / "domain" / f"{lang}.yml", lang_domain)
    faq = yaml.safe_load((HERE / "knowledge" / "faq.yaml").read_text(encoding="utf-8"))
    responses = {
        f"utter_faq/{topic}": [{"text": entry[lang]["answer"], "custom": {"faq_topic": f"faq/{topic}"}}]
        for topic, entry in faq["topics"].items()
    }
    dump(out / "domain" / "faq_responses.yml", {"version": "3.1", "responses": responses})

    train_nlu: list[dict[str, Any]] = []
    test_nlu: list[dict[str, Any]] = []
    source = yaml.safe_load((HERE / "data" / lang / "nlu.yml").read_text(encoding="utf-8"))
    for item in source["nlu"]:
        if "intent" not in item:
            train_nlu.append(item)
            continue
        train, test = split(examples(item["examples"]), holdout)
        train_nlu.append({"intent": item["intent"], "examples": as_block(train)})
        if test:
            test_nlu.append({"intent": item["intent"], "examples": as_block(test)})
    for topic, entry in faq["topics"].items():
        train, test = split(list(entry[lang]["questions"]), holdout)
        train_nlu.append({"intent": f"faq/{topic}", "examples": as_block(with_fillers(train, lang))})
        if test:
            test_nlu.append({"intent": f"faq/{topic}", "examples": as_block(test)})
    dump(out / "data" / "nlu.yml", {"version": "3.1", "nlu": train_nlu})
    dump(out / "data" / "rules.yml", {"version": "3.1", "rules": rules()})
    if holdout:
        dump(out / "test_nlu.yml", {"version": "3.1", "nlu": test_nlu})
    return out


def main() -> None:
    """Build the inputs for the given languages."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("langs", nargs="*", default=list(LANGS))
    parser.add_argument("--holdout", action="store_true", help="also write a held-out NLU test split")
    args = parser.parse_args()
    for lang in args.langs:
        print(build(lang, holdout=args.holdout))


if __name__ == "__main__":
    main()
