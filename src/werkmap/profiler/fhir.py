"""FHIR R4 ``Questionnaire`` export and import, and ``QuestionnaireResponse`` both ways.

:func:`to_questionnaire_response` writes a person's answers as a QuestionnaireResponse and
:func:`answers_from_response` reads one back (``score`` accepts one directly); scoring the response equals
scoring the answers.

:func:`to_fhir` writes a questionnaire as a FHIR R4 (and R4B) ``Questionnaire`` resource (a JSON-ready
dict); :func:`from_fhir` reads one back, and ``from_fhir(to_fhir(q)) == q``. The Dutch texts are the
resource's own (``language: nl``); fields FHIR has no element for are carried in extensions:

* werkmap's own, under :data:`EXTENSION_BASE`: ``title-en``, ``description-en``, ``text-en`` (an item's
  English text), ``label-en`` (an option's English label) and ``construct`` (the factor an item measures);
* FHIR's core extensions ``minValue``, ``maxValue`` (numeric bounds) and ``ordinalValue`` (an option's
  weight).

Validity is the ``effectivePeriod``; ``valid_until`` is its inclusive end date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from werkmap.errors import InvalidQuestionnaire, Problem
from werkmap.profiler.questionnaire import (
    AnswerOption,
    ConstructLabel,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    lint_questionnaire,
)

__all__ = [
    "EXTENSION_BASE",
    "TRANSLATION",
    "answers_from_response",
    "from_fhir",
    "is_questionnaire_response",
    "to_fhir",
    "to_questionnaire_response",
]

EXTENSION_BASE = "https://werkmap.org/fhir/StructureDefinition/"
"""The base URL of werkmap's FHIR extensions."""

_TITLE_EN = EXTENSION_BASE + "title-en"
_DESCRIPTION_EN = EXTENSION_BASE + "description-en"
_TEXT_EN = EXTENSION_BASE + "text-en"
_LABEL_EN = EXTENSION_BASE + "label-en"
_CONSTRUCT = EXTENSION_BASE + "construct"
_CONSTRUCT_LABEL = EXTENSION_BASE + "construct-label"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
"""HL7's translation extension: the other language of a text travels on the text's element (``_text``)."""
_MIN = "http://hl7.org/fhir/StructureDefinition/minValue"
_MAX = "http://hl7.org/fhir/StructureDefinition/maxValue"
_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
_TYPES = frozenset(
    {"choice", "integer", "decimal", "boolean", "date", "string", "group", "display"}
)
_STATUSES = frozenset({"draft", "active", "retired"})
_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})


def _translated(out: dict[str, Any], key: str, text: Text, language: str) -> None:
    """Set ``out[key]`` to ``text`` in ``language`` and the other language in HL7's translation extension."""
    other = "en" if language == "nl" else "nl"
    primary, second = text.get(language), text.get(other)
    out[key] = primary
    if second:
        out["_" + key] = {
            "extension": [
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": other},
                        {"url": "content", "valueString": second},
                    ],
                }
            ]
        }


def _translation(data: Mapping[str, Any], key: str, language: str) -> str:
    """Return the ``language`` translation of ``data[key]`` from HL7's translation extension, or ``""``."""
    element = data.get("_" + key)
    if not isinstance(element, Mapping):
        return ""
    for ext in element.get("extension", []):
        if not isinstance(ext, Mapping) or ext.get("url") != TRANSLATION:
            continue
        parts = {
            e.get("url"): e.get("valueCode", e.get("valueString"))
            for e in ext.get("extension", [])
            if isinstance(e, Mapping)
        }
        if str(parts.get("lang", "")).split("-")[0].lower() == language:
            return str(parts.get("content") or "")
    return ""


def _text_of(
    data: Mapping[str, Any], key: str, primary: str, language: str, legacy_en: object
) -> Text:
    """Return the :class:`Text` of ``data[key]``: ``primary`` in ``language``, the other from a translation.

    werkmap's older custom English extensions (``text-en`` etc.) are still read.
    """
    other = "en" if language == "nl" else "nl"
    second = _translation(data, key, other)
    if not second and other == "en":
        second = str(legacy_en or "")
    return Text(nl=primary, en=second) if language == "nl" else Text(nl=second, en=primary)


def _ext_string(url: str, value: str) -> list[dict[str, Any]]:
    return [{"url": url, "valueString": value}] if value else []


def _bound(url: str, value: float | None, item_type: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if item_type == "integer":
        return [{"url": url, "valueInteger": int(value)}]
    return [{"url": url, "valueDecimal": float(value)}]


def to_fhir(questionnaire: Questionnaire, *, language: str = "nl") -> dict[str, Any]:
    """Return ``questionnaire`` as a FHIR R4 ``Questionnaire`` resource (JSON-ready).

    Args:
        questionnaire: the questionnaire.
        language: ``"nl"`` or ``"en"``: the resource's ``language`` and that of its texts; the other
            language travels in HL7's translation extension on each text (``_text``, ``_title``,
            ``valueCoding._display``).
    """
    if language not in ("nl", "en"):
        raise ValueError(f"expected language 'nl' or 'en', got {language!r}")
    q = questionnaire
    types = {it.link_id: it.type for it in q.iter_items()}
    out: dict[str, Any] = {
        "resourceType": "Questionnaire",
        "language": language,
        "url": q.url,
        "version": q.version,
        "status": q.status,
    }
    _translated(out, "title", q.title, language)
    if q.description.nl or q.description.en:
        _translated(out, "description", q.description, language)
    if q.constructs:
        out["extension"] = [_construct_to_fhir(c) for c in q.constructs]
    period = {"start": q.valid_from.isoformat()}
    if q.valid_until is not None:
        period["end"] = q.valid_until.isoformat()
    out["effectivePeriod"] = period
    out["item"] = [_item_to_fhir(it, types, language) for it in q.items]
    return out


def _construct_to_fhir(c: ConstructLabel) -> dict[str, Any]:
    parts = [("construct", c.construct), ("nl", c.label.nl), ("en", c.label.en)]
    return {
        "url": _CONSTRUCT_LABEL,
        "extension": [{"url": k, "valueString": v} for k, v in parts if v],
    }


def _constructs_from_fhir(
    r: _Reader, resource: Mapping[str, Any]
) -> tuple[dict[str, Any], tuple[ConstructLabel, ...]]:
    """Split the construct names off the resource's extensions (they are nested, not one value)."""
    raw = resource.get("extension", [])
    if not isinstance(raw, list):
        return dict(resource), ()
    labels = []
    rest = []
    for i, ext in enumerate(raw):
        if not (isinstance(ext, Mapping) and ext.get("url") == _CONSTRUCT_LABEL):
            rest.append(ext)
            continue
        parts = ext.get("extension", [])
        found = {
            p.get("url"): p.get("valueString")
            for p in (parts if isinstance(parts, list) else [])
            if isinstance(p, Mapping)
        }
        construct, nl = found.get("construct"), found.get("nl")
        if not isinstance(construct, str) or not isinstance(nl, str):
            r.bad(f"$.extension[{i}]", "a construct-label needs a construct and a Dutch name (nl)")
            continue
        en = found.get("en")
        labels.append(
            ConstructLabel(
                construct=construct, label=Text(nl=nl, en=en if isinstance(en, str) else "")
            )
        )
    return {**resource, "extension": rest}, tuple(labels)


def _item_to_fhir(it: Item, types: Mapping[str, str], language: str) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": it.link_id}
    ext = (
        _ext_string(_CONSTRUCT, it.construct)
        + _bound(_MIN, it.min_value, it.type)
        + _bound(_MAX, it.max_value, it.type)
    )
    if ext:
        out["extension"] = ext
    _translated(out, "text", it.text, language)
    out["type"] = it.type
    if it.enable_when:
        out["enableWhen"] = [
            _condition_to_fhir(c, types.get(c.question, "")) for c in it.enable_when
        ]
        out["enableBehavior"] = it.enable_behavior
    if it.type != "display":
        out["required"] = it.required
    if it.options:
        out["answerOption"] = [_option_to_fhir(o, language) for o in it.options]
    if it.items:
        out["item"] = [_item_to_fhir(child, types, language) for child in it.items]
    return out


def _option_to_fhir(o: AnswerOption, language: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if o.ordinal is not None:
        out["extension"] = [{"url": _ORDINAL, "valueDecimal": float(o.ordinal)}]
    coding: dict[str, Any] = {"code": o.code}
    _translated(coding, "display", o.label, language)
    out["valueCoding"] = coding
    return out


def _condition_to_fhir(c: EnableWhen, target_type: str) -> dict[str, Any]:
    out: dict[str, Any] = {"question": c.question, "operator": c.operator}
    a = c.answer
    if c.operator == "exists" or isinstance(a, bool):
        out["answerBoolean"] = bool(a)
    elif target_type == "choice":
        out["answerCoding"] = {"code": str(a)}
    elif target_type == "date":
        out["answerDate"] = str(a)
    elif target_type == "integer" and isinstance(a, int):
        out["answerInteger"] = a
    elif isinstance(a, int | float):
        out["answerDecimal"] = float(a)
    else:
        out["answerString"] = str(a)
    return out


# ------------------------------------------------------------------------------------------- import


class _Reader:
    """Collects problems while reading a FHIR resource."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.language = "nl"
        self.copy = False

    def fill(self, text: Text) -> Text:
        """Return ``text``, with a missing language copied from the other when asked to."""
        if not self.copy or bool(text.nl) == bool(text.en):
            return text
        return Text(nl=text.nl or text.en, en=text.en or text.nl)

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(path=path, message=message))

    def string(self, data: Mapping[str, Any], key: str, path: str, *, required: bool) -> str:
        value = data.get(key)
        if value is None:
            if required:
                self.bad(f"{path}.{key}", "missing")
            return ""
        if not isinstance(value, str):
            self.bad(f"{path}.{key}", f"expected a string, got {type(value).__name__}")
            return ""
        return value

    def date(self, value: object, path: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.bad(path, f"expected an ISO date, got {value!r}")
            return None

    def extensions(self, data: Mapping[str, Any], path: str) -> dict[str, Any]:
        found: dict[str, Any] = {}
        raw = data.get("extension", [])
        if not isinstance(raw, list):
            self.bad(f"{path}.extension", "expected a list")
            return found
        for i, ext in enumerate(raw):
            if not isinstance(ext, Mapping) or not isinstance(ext.get("url"), str):
                self.bad(f"{path}.extension[{i}]", "expected an object with a url")
                continue
            values = [v for k, v in ext.items() if k.startswith("value")]
            if len(values) != 1:
                self.bad(f"{path}.extension[{i}]", "expected exactly one value[x]")
                continue
            found[ext["url"]] = values[0]
        return found


def from_fhir(
    resource: Mapping[str, Any],
    *,
    source: str = "",
    missing_translations: Literal["refuse", "copy"] = "refuse",
) -> Questionnaire:
    """Read a FHIR R4 ``Questionnaire`` resource (as written by :func:`to_fhir`) and lint it.

    The texts are in the resource's ``language`` (``nl`` when absent); the other language is read from HL7's
    translation extension (and, for English, from werkmap's older custom extensions).

    Args:
        resource: the Questionnaire resource (a JSON-ready dict).
        source: where it came from, for error messages.
        missing_translations: a single-language questionnaire has no translations: ``"refuse"`` (the
            default) lists every missing one (``WM-Q005``); ``"copy"`` accepts it, copying each text into the
            missing language. To add real translations, export it again with :func:`to_fhir`, fill in the
            translation extensions it writes, and read it back.

    Raises:
        InvalidQuestionnaire: the resource is malformed, uses what werkmap does not support (such as
            other item types), or fails the lint; every problem is listed with its path.
    """
    r = _Reader()
    lang = str(resource.get("language") or "nl").split("-")[0].lower()
    if lang not in ("nl", "en"):
        r.bad("$.language", f"expected nl or en, got {resource.get('language')!r}")
        lang = "nl"
    r.language = lang
    r.copy = missing_translations == "copy"
    if resource.get("resourceType") != "Questionnaire":
        r.bad("$.resourceType", f"expected 'Questionnaire', got {resource.get('resourceType')!r}")
        raise InvalidQuestionnaire(r.problems, source=source)
    resource, constructs = _constructs_from_fhir(r, resource)
    ext = r.extensions(resource, "$")
    status = r.string(resource, "status", "$", required=True)
    if status and status not in _STATUSES:
        r.bad("$.status", f"expected one of {sorted(_STATUSES)}, got {status!r}")
    period = resource.get("effectivePeriod")
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    if not isinstance(period, Mapping) or "start" not in period:
        r.bad("$.effectivePeriod.start", "missing (werkmap needs the first valid date)")
    else:
        valid_from = r.date(period["start"], "$.effectivePeriod.start")
        if "end" in period:
            valid_until = r.date(period["end"], "$.effectivePeriod.end")
    raw_items = resource.get("item", [])
    items: tuple[Item, ...] = ()
    if not isinstance(raw_items, list):
        r.bad("$.item", "expected a list")
    else:
        items = _items_from_fhir(r, raw_items, "$.item")
    title = r.string(resource, "title", "$", required=True)
    description = r.string(resource, "description", "$", required=False)
    url = r.string(resource, "url", "$", required=True)
    version = r.string(resource, "version", "$", required=True)
    if r.problems or valid_from is None:
        raise InvalidQuestionnaire(r.problems, source=source)
    q = Questionnaire(
        url=url,
        version=version,
        status=status,  # type: ignore[arg-type]
        valid_from=valid_from,
        valid_until=valid_until,
        title=r.fill(_text_of(resource, "title", title, lang, ext.get(_TITLE_EN))),
        description=r.fill(
            _text_of(resource, "description", description, lang, ext.get(_DESCRIPTION_EN))
        ),
        items=items,
        constructs=constructs,
    )
    problems = lint_questionnaire(q)
    if problems:
        if any(p.code == "WM-Q005" for p in problems):
            problems = [
                *problems,
                Problem(
                    path="$",
                    message="texts or translations are missing: add them in HL7's translation extension "
                    f"({TRANSLATION}), or read with missing_translations='copy' to copy each text into "
                    "the missing language",
                    code="WM-Q005",
                ),
            ]
        raise InvalidQuestionnaire(problems, source=source)
    return q


def _items_from_fhir(r: _Reader, raw: Sequence[Any], path: str) -> tuple[Item, ...]:
    out = []
    for i, data in enumerate(raw):
        ipath = f"{path}[{i}]"
        if not isinstance(data, Mapping):
            r.bad(ipath, "expected an object")
            continue
        item = _item_from_fhir(r, data, ipath)
        if item is not None:
            out.append(item)
    return tuple(out)


def _item_from_fhir(r: _Reader, data: Mapping[str, Any], path: str) -> Item | None:
    ext = r.extensions(data, path)
    link_id = r.string(data, "linkId", path, required=True)
    item_type = r.string(data, "type", path, required=True)
    if item_type and item_type not in _TYPES:
        r.bad(f"{path}.type", f"werkmap does not support item type {item_type!r}")
    text = r.string(data, "text", path, required=False)
    required = data.get("required", False)
    if not isinstance(required, bool):
        r.bad(f"{path}.required", "expected true or false")
        required = False
    behavior = data.get("enableBehavior", "all")
    if behavior not in ("all", "any"):
        r.bad(f"{path}.enableBehavior", f"expected 'all' or 'any', got {behavior!r}")
    options = []
    for j, opt in enumerate(data.get("answerOption", [])):
        opath = f"{path}.answerOption[{j}]"
        coding = opt.get("valueCoding") if isinstance(opt, Mapping) else None
        if not isinstance(coding, Mapping):
            r.bad(f"{opath}.valueCoding", "werkmap reads coded options (valueCoding) only")
            continue
        oext = r.extensions(opt, opath)
        ordinal = oext.get(_ORDINAL)
        options.append(
            AnswerOption(
                code=str(coding.get("code", "")),
                label=r.fill(
                    _text_of(
                        coding,
                        "display",
                        str(coding.get("display", "")),
                        r.language,
                        oext.get(_LABEL_EN),
                    )
                ),
                ordinal=None if ordinal is None else float(ordinal),
            )
        )
    conditions = []
    for k, cond in enumerate(data.get("enableWhen", [])):
        cpath = f"{path}.enableWhen[{k}]"
        if not isinstance(cond, Mapping):
            r.bad(cpath, "expected an object")
            continue
        operator = cond.get("operator")
        if operator not in _OPERATORS:
            r.bad(f"{cpath}.operator", f"expected one of {sorted(_OPERATORS)}, got {operator!r}")
            continue
        answers = [(key, v) for key, v in cond.items() if key.startswith("answer")]
        if len(answers) != 1:
            r.bad(cpath, "expected exactly one answer[x]")
            continue
        key, value = answers[0]
        if key == "answerCoding":
            value = value.get("code", "") if isinstance(value, Mapping) else ""
        elif key not in (
            "answerBoolean",
            "answerInteger",
            "answerDecimal",
            "answerDate",
            "answerString",
        ):
            r.bad(f"{cpath}.{key}", "werkmap does not support this answer type")
            continue
        conditions.append(
            EnableWhen(question=str(cond.get("question", "")), operator=operator, answer=value)
        )
    children = data.get("item", [])
    if not isinstance(children, list):
        r.bad(f"{path}.item", "expected a list")
        children = []
    nested = _items_from_fhir(r, children, f"{path}.item")
    if item_type not in _TYPES:
        return None
    return Item(
        link_id=link_id,
        type=item_type,  # type: ignore[arg-type]
        text=r.fill(_text_of(data, "text", text, r.language, ext.get(_TEXT_EN))),
        construct=str(ext.get(_CONSTRUCT, "")),
        required=required,
        options=tuple(options),
        min_value=ext.get(_MIN),
        max_value=ext.get(_MAX),
        enable_when=tuple(conditions),
        enable_behavior=behavior if behavior in ("all", "any") else "all",
        items=nested,
    )


# ---- QuestionnaireResponse: a person's answers, both ways ---------------------------------------------

_VALUE_KEYS = (
    "valueCoding",
    "valueString",
    "valueInteger",
    "valueDecimal",
    "valueBoolean",
    "valueDate",
)


def is_questionnaire_response(obj: object) -> bool:
    """Return whether ``obj`` is a FHIR QuestionnaireResponse (a mapping with that ``resourceType``).

    Examples:
        >>> is_questionnaire_response({"resourceType": "QuestionnaireResponse", "status": "completed"})
        True
        >>> is_questionnaire_response({"q01": "1"})
        False
    """
    return isinstance(obj, Mapping) and obj.get("resourceType") == "QuestionnaireResponse"


def answers_from_response(
    resource: Mapping[str, Any], questionnaire: Questionnaire | None = None
) -> dict[str, object]:
    """Return the answers of a FHIR QuestionnaireResponse as ``{link_id: answer}``.

    Items nested in groups (or under an answer) are flattened by ``linkId``; a choice answer is its
    ``valueCoding.code``, a date its ISO string; the answers are validated when they are scored.

    Args:
        resource: the QuestionnaireResponse (a JSON-ready dict).
        questionnaire: when given, the response's ``questionnaire`` canonical (``url|version``, or ``url``)
            must name it.

    Returns:
        The answers by ``link_id``.

    Raises:
        InvalidAnswers: not a QuestionnaireResponse, for another questionnaire, or a malformed item (every
            problem listed).
    """
    from werkmap.errors import InvalidAnswers

    problems: list[Problem] = []
    if not is_questionnaire_response(resource):
        raise InvalidAnswers(
            [Problem(path="$.resourceType", message="expected a QuestionnaireResponse")]
        )
    canonical = resource.get("questionnaire")
    if questionnaire is not None and canonical is not None:
        url, _, version = str(canonical).partition("|")
        if url != questionnaire.url or (version and version != questionnaire.version):
            problems.append(
                Problem(
                    path="$.questionnaire",
                    message=f"the response answers {canonical}, not {questionnaire.ref}",
                )
            )
    out: dict[str, object] = {}

    def visit(items: object, path: str) -> None:
        if not isinstance(items, list):
            problems.append(Problem(path=path, message="expected a list of items"))
            return
        for i, item in enumerate(items):
            ipath = f"{path}[{i}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("linkId"), str):
                problems.append(Problem(path=ipath, message="expected an item with a linkId"))
                continue
            link_id = item["linkId"]
            answers = item.get("answer", [])
            if not isinstance(answers, list) or len(answers) > 1:
                problems.append(
                    Problem(path=f"{ipath}.answer", message="expected at most one answer")
                )
                continue
            for answer in answers:
                values = [k for k in _VALUE_KEYS if isinstance(answer, Mapping) and k in answer]
                if len(values) != 1:
                    problems.append(
                        Problem(path=f"{ipath}.answer[0]", message="expected exactly one value[x]")
                    )
                    continue
                value = answer[values[0]]
                if values[0] == "valueCoding":
                    value = value.get("code") if isinstance(value, Mapping) else None
                if link_id in out:
                    problems.append(Problem(path=ipath, message=f"{link_id} is answered twice"))
                out[link_id] = value
                if "item" in answer:
                    visit(answer["item"], f"{ipath}.answer[0].item")
            if "item" in item:
                visit(item["item"], f"{ipath}.item")

    visit(resource.get("item", []), "$.item")
    if problems:
        raise InvalidAnswers(problems, source=str(canonical or ""))
    return out


def to_questionnaire_response(
    answers: Mapping[str, object],
    questionnaire: Questionnaire,
    *,
    language: str = "nl",
    status: str = "completed",
    authored: dt.date | None = None,
    subject: str | None = None,
) -> dict[str, Any]:
    """Write a person's answers as a FHIR R4 QuestionnaireResponse (a JSON-ready dict).

    The answers are validated first; the items follow the questionnaire's groups; a choice answer is a
    ``valueCoding`` with the option's label in ``language`` as its ``display``.

    Args:
        answers: ``link_id -> answer`` (as for :func:`~werkmap.profiler.questionnaire.validate_answers`).
        questionnaire: the questionnaire answered.
        language: ``"nl"`` or ``"en"``: the language of the item texts and option displays.
        status: the response status (``completed`` by default).
        authored: the date the answers were given, if known.
        subject: a reference to the person (e.g. ``"Patient/…"`` or a pseudonym), if wanted.

    Returns:
        The QuestionnaireResponse resource.

    Raises:
        InvalidAnswers: the answers do not fit the questionnaire (every problem listed).
    """
    from werkmap.profiler.questionnaire import validate_answers

    if language not in ("nl", "en"):
        raise ValueError(f"expected language 'nl' or 'en', got {language!r}")
    valid = validate_answers(answers, questionnaire)

    def text(t: Text) -> str:
        return (t.en or t.nl) if language == "en" else t.nl

    def value(it: Item, v: object) -> dict[str, Any]:
        if it.type == "choice":
            option = next(o for o in it.options if o.code == v)
            return {"valueCoding": {"code": option.code, "display": text(option.label)}}
        if it.type == "boolean":
            return {"valueBoolean": v}
        if it.type == "integer":
            return {"valueInteger": v}
        if it.type == "decimal":
            return {"valueDecimal": v}
        if it.type == "date":
            return {"valueDate": v.isoformat() if isinstance(v, dt.date) else str(v)}
        return {"valueString": str(v)}

    def build(items: Sequence[Item]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for it in items:
            if it.link_id in valid:
                out.append(
                    {
                        "linkId": it.link_id,
                        "text": text(it.text),
                        "answer": [value(it, valid[it.link_id])],
                    }
                )
            elif it.items:
                children = build(it.items)
                if children:
                    out.append({"linkId": it.link_id, "text": text(it.text), "item": children})
        return out

    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "language": language,
        "questionnaire": questionnaire.ref,
        "status": status,
    }
    if authored is not None:
        resource["authored"] = authored.isoformat()
    if subject is not None:
        resource["subject"] = {"reference": subject}
    resource["item"] = build(questionnaire.items)
    return resource
