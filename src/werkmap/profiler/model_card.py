"""Model cards: a markdown description of a scoring model and its evaluation, for people and registers.

:func:`model_card` writes a card from a :class:`~werkmap.profiler.model.ScoringModel` and, when given, its
:class:`~werkmap.profiler.evaluate.EvaluationReport`: intended use and what the model must not be used for,
the data and method (provenance), the coefficients with their uncertainty, the bands, the metrics
(discrimination, calibration, observed against predicted), the routing errors per group at the routing
threshold, the limitations, and the statement that a person can always override the routing. An
*illustrative* model (such as werkmap's packaged default) carries a prominent caveat.

The card is written in English (``language="en"``) or Dutch (``language="nl"``): publish both in an
algorithm register. It is pure text generation: nothing is read from disk or the clock.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

from werkmap.errors import VersionMismatch
from werkmap.profiler.evaluate import BinSummary, EvaluationReport, GroupMetrics
from werkmap.profiler.model import ScoringModel
from werkmap.tables import Table
from werkmap.texts import number, percent

__all__ = ["Language", "is_illustrative", "model_card"]

Language = Literal["en", "nl"]
"""The languages a model card can be written in."""

_T: dict[str, dict[Language, str]] = {
    "title": {"en": "Model card", "nl": "Modelkaart"},
    "summary": {"en": "Summary", "nl": "Samenvatting"},
    "field": {"en": "Field", "nl": "Veld"},
    "value": {"en": "Value", "nl": "Waarde"},
    "model": {"en": "Model", "nl": "Model"},
    "version": {"en": "Version", "nl": "Versie"},
    "valid": {"en": "Valid", "nl": "Geldig"},
    "from": {"en": "from", "nl": "vanaf"},
    "until": {"en": "until", "nl": "tot en met"},
    "open": {"en": "until further notice", "nl": "tot nader order"},
    "questionnaire": {"en": "Questionnaire", "nl": "Vragenlijst"},
    "method": {"en": "Method", "nl": "Methode"},
    "created": {"en": "Created", "nl": "Gemaakt op"},
    "observations": {"en": "Observations fitted on", "nl": "Aantal waarnemingen"},
    "description": {"en": "Description", "nl": "Beschrijving"},
    "illustrative_title": {"en": "Illustrative coefficients", "nl": "Illustratieve coëfficiënten"},
    "illustrative": {
        "en": "The coefficients of this model are **illustrative**. The agency's own item texts and "
        "coefficients are not public, so these numbers were chosen to reproduce published aggregate "
        "figures, not fitted on individual outcomes. Do not use this model to route real people; fit "
        "your own model on your own outcome data (see the guide *Fit and publish your own model*).",
        "nl": "De coëfficiënten van dit model zijn **illustratief**. De eigen vraagteksten en "
        "coëfficiënten van de uitvoerder zijn niet openbaar; deze getallen zijn gekozen om gepubliceerde "
        "totaalcijfers na te bootsen en niet geschat op individuele uitkomsten. Gebruik dit model niet om "
        "echte mensen te routeren; schat een eigen model op eigen uitkomstdata.",
    },
    "intended_use": {"en": "Intended use", "nl": "Beoogd gebruik"},
    "use": {
        "en": "The model estimates the chance that a person on unemployment benefit (WW) resumes work "
        "within one year, from the answers to the Work Profiler questionnaire. The score is put into "
        "bands and is used to *route* the service: a score of at most {threshold} leads to an invitation "
        "to a personal orientation conversation; a higher score leads to the digital service. The "
        "contributions of the answers show which factors hold a person back, as a starting point for the "
        "conversation.",
        "nl": "Het model schat de kans dat iemand met een WW-uitkering binnen een jaar weer aan het werk "
        "is, op basis van de antwoorden op de Werkverkenner. De score wordt in klassen ingedeeld en "
        "bepaalt de *route*: bij een score van hoogstens {threshold} volgt een uitnodiging voor een "
        "werkoriëntatiegesprek; bij een hogere score de digitale dienstverlening. De bijdragen van de "
        "antwoorden laten zien welke factoren iemand belemmeren, als begin van het gesprek.",
    },
    "not_for": {
        "en": "Not for: deciding on benefits, measures (sanctions) or any other decision with legal "
        "effect; judging people who did not fill in the questionnaire (they go to a coach for additional "
        "analysis); populations or periods the model was not fitted or evaluated on.",
        "nl": "Niet voor: besluiten over uitkeringen, maatregelen of andere besluiten met rechtsgevolg; "
        "het beoordelen van mensen die de vragenlijst niet invulden (zij gaan naar een adviseur voor "
        "aanvullende analyse); populaties of perioden waarop het model niet geschat of getoetst is.",
    },
    "oversight_title": {"en": "Human oversight", "nl": "Menselijke tussenkomst"},
    "oversight": {
        "en": "The score is advice, never a decision on its own. A work coach can always override the "
        "routing the score suggests, in either direction, and must do so where the score is wrong; every "
        "override is recorded with its reason. A jobseeker with a high score can always ask for a "
        "conversation. Decisions with legal effect are taken by a person (GDPR article 22).",
        "nl": "De score is een advies en nooit zelf een besluit. Een adviseur werk kan de route die de "
        "score voorstelt altijd en in beide richtingen wijzigen, en moet dat doen als de score niet klopt; "
        "elke afwijking wordt met de reden vastgelegd. Iemand met een hoge score kan altijd om een gesprek "
        "vragen. Besluiten met rechtsgevolg neemt een mens (AVG artikel 22).",
    },
    "data_title": {"en": "Data and method", "nl": "Data en methode"},
    "data": {"en": "Data", "nl": "Data"},
    "notice": {"en": "Notice", "nl": "Let op"},
    "references": {"en": "References", "nl": "Bronnen"},
    "none": {"en": "not recorded", "nl": "niet vastgelegd"},
    "coefficients_title": {"en": "Features and coefficients", "nl": "Kenmerken en coëfficiënten"},
    "coefficients_intro": {
        "en": "Log-odds coefficients: a positive coefficient raises the chance of work. Intervals are "
        "95 % Wald intervals from the standard errors.",
        "nl": "Coëfficiënten op de log-odds-schaal: een positieve coëfficiënt verhoogt de kans op werk. "
        "Intervallen zijn 95 %-Wald-intervallen op basis van de standaardfouten.",
    },
    "parameter": {"en": "Parameter", "nl": "Parameter"},
    "coefficient": {"en": "Coefficient", "nl": "Coëfficiënt"},
    "se": {"en": "Std. error", "nl": "Standaardfout"},
    "ci": {"en": "95 % interval", "nl": "95 %-interval"},
    "odds_ratio": {"en": "Odds ratio", "nl": "Odds ratio"},
    "item": {"en": "Item (encoding)", "nl": "Vraag (codering)"},
    "bands_title": {"en": "Bands", "nl": "Klassen"},
    "bands": {
        "en": "Bands are half-open on the left, (a, b]: a score of exactly {cut} belongs to the lower "
        "band.",
        "nl": "Klassen zijn links open, (a, b]: een score van precies {cut} hoort bij de lagere klasse.",
    },
    "band": {"en": "Band", "nl": "Klasse"},
    "range": {"en": "Chance of work", "nl": "Kans op werk"},
    "metrics_title": {"en": "Metrics", "nl": "Prestaties"},
    "no_report": {
        "en": "No evaluation report was given, so the model's accuracy is unknown. Evaluate it on "
        "outcome data (`werkmap fit ... --report`) before publishing or using it.",
        "nl": "Er is geen evaluatierapport meegegeven: de prestaties van het model zijn onbekend. "
        "Evalueer het op uitkomstdata voordat u het publiceert of gebruikt.",
    },
    "evaluated_on": {"en": "Evaluated on", "nl": "Geëvalueerd op"},
    "people": {"en": "people", "nl": "personen"},
    "found_work": {"en": "found work within a year", "nl": "vond binnen een jaar werk"},
    "auc": {
        "en": "AUC (chance that someone who found work scored higher than someone who did not)",
        "nl": "AUC (kans dat iemand die werk vond hoger scoorde dan iemand die geen werk vond)",
    },
    "brier": {"en": "Brier score (lower is better)", "nl": "Brier-score (lager is beter)"},
    "cal_intercept": {
        "en": "Calibration intercept (ideal 0)",
        "nl": "Kalibratie-intercept (ideaal 0)",
    },
    "cal_slope": {"en": "Calibration slope (ideal 1)", "nl": "Kalibratiehelling (ideaal 1)"},
    "citl": {
        "en": "Calibration-in-the-large (ideal 0)",
        "nl": "Kalibratie in het groot (ideaal 0)",
    },
    "metric": {"en": "Metric", "nl": "Maat"},
    "by_band": {
        "en": "Observed against predicted, by band",
        "nl": "Waargenomen en voorspeld, per klasse",
    },
    "by_decile": {
        "en": "Observed against predicted, by decile of the score",
        "nl": "Waargenomen en voorspeld, per tiendeel van de score",
    },
    "n": {"en": "n", "nl": "n"},
    "predicted": {"en": "Mean predicted", "nl": "Gemiddeld voorspeld"},
    "observed": {"en": "Observed", "nl": "Waargenomen"},
    "decile": {"en": "Decile", "nl": "Tiendeel"},
    "routing_title": {"en": "Routing errors", "nl": "Fouten in de route"},
    "routing": {
        "en": "At the routing threshold {threshold}: a *positive* prediction is a score ≤ {threshold} "
        "(invited to a conversation, predicted not to find work); an *actual positive* is a person who "
        "did not find work within a year. The false-negative rate is the share of those without work who "
        "were left to the digital service; the false-positive rate is the share of those who found work "
        "who were invited anyway.",
        "nl": "Bij de drempel {threshold}: een *positieve* voorspelling is een score ≤ {threshold} "
        "(uitgenodigd voor een gesprek, voorspeld geen werk te vinden); een *werkelijk positieve* is "
        "iemand die binnen een jaar geen werk vond. Het fout-negatieve percentage is het deel van wie geen "
        "werk vond dat alleen digitale dienstverlening kreeg; het fout-positieve percentage is het deel van "
        "wie wel werk vond dat toch werd uitgenodigd.",
    },
    "group": {"en": "Group", "nl": "Groep"},
    "all": {"en": "all", "nl": "allen"},
    "positive_rate": {"en": "Invited", "nl": "Uitgenodigd"},
    "fnr": {"en": "False-negative rate", "nl": "Fout-negatief"},
    "fpr": {"en": "False-positive rate", "nl": "Fout-positief"},
    "slope": {"en": "Cal. slope", "nl": "Kal.helling"},
    "groups_title": {"en": "Per group", "nl": "Per groep"},
    "gap": {
        "en": "Largest difference between groups: false-negative rate {fnr}, false-positive rate {fpr}. "
        "Differences can come from different base rates as well as from the model; discuss them before "
        "use.",
        "nl": "Grootste verschil tussen groepen: fout-negatief {fnr}, fout-positief {fpr}. Verschillen "
        "kunnen komen door verschillende basiskansen en door het model; bespreek ze vóór gebruik.",
    },
    "limitations_title": {"en": "Limitations", "nl": "Beperkingen"},
}

_LIMITATIONS: dict[Language, tuple[str, ...]] = {
    "en": (
        "The model predicts from past outcomes; a changed labour market or population makes it "
        "less accurate. Evaluate it again at least yearly and refit when calibration drifts.",
        "It describes association, not cause: a factor's coefficient is not the effect of changing it.",
        "Answers are self-reported; people who did not fill in the questionnaire (about 30 %) are not "
        "scored and must be seen by a coach.",
        "Metrics computed on the data the model was fitted on are optimistic; prefer a separate "
        "evaluation period.",
        "Per-group metrics of small groups are uncertain.",
    ),
    "nl": (
        "Het model voorspelt op basis van uitkomsten uit het verleden; een veranderde arbeidsmarkt of "
        "populatie maakt het minder nauwkeurig. Evalueer het minstens jaarlijks opnieuw en schat het "
        "opnieuw als de kalibratie afwijkt.",
        "Het beschrijft samenhang, geen oorzaak: de coëfficiënt van een factor is niet het effect van "
        "het veranderen ervan.",
        "Antwoorden zijn zelfrapportage; wie de vragenlijst niet invult (ongeveer 30 %) krijgt geen "
        "score en moet door een adviseur worden gezien.",
        "Prestaties gemeten op de data waarop het model geschat is, zijn te rooskleurig; toets bij "
        "voorkeur op een aparte periode.",
        "Prestaties van kleine groepen zijn onzeker.",
    ),
}


def _t(key: str, language: Language) -> str:
    return _T[key][language]


def is_illustrative(model: ScoringModel) -> bool:
    """Return whether ``model`` says its coefficients are illustrative (method, notice or description)."""
    text = " ".join([model.provenance.method, model.provenance.notice, model.description]).lower()
    return "illustrative" in text or "illustratief" in text


def _num(value: float | None, digits: int = 3, *, language: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return number(value, language, digits=digits)


def _pct(value: float | None, *, language: str) -> str:
    if value is None:
        return "–"
    return percent(value, language)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return Table(header=header, rows=rows).to_markdown().splitlines()


def _encoding_text(model: ScoringModel, feature: str) -> str:
    for enc in model.encoding:
        if feature in enc.feature_names():
            return f"{enc.link_id} ({enc.kind})"
    return ""


def _coefficient_rows(model: ScoringModel, language: str) -> list[list[str]]:
    names = model.parameter_names
    estimates = (model.intercept, *model.coefficients)
    from statistics import NormalDist  # lazy: statistics is slow to import

    z = NormalDist().inv_cdf(0.975)
    rows = []
    for i, (name, est) in enumerate(zip(names, estimates, strict=True)):
        se = model.standard_errors[i] if model.standard_errors is not None else None
        ci = (
            "–"
            if se is None
            else f"{_num(est - z * se, language=language)} … {_num(est + z * se, language=language)}"
        )
        item = "" if i == 0 else _encoding_text(model, name)
        odds = "–" if i == 0 else _num(math.exp(est), language=language)
        rows.append(
            [name, item, _num(est, language=language), _num(se, language=language), ci, odds]
        )
    return rows


def _bin_rows(bins: Sequence[BinSummary], language: str) -> list[list[str]]:
    return [
        [
            b.label,
            str(b.n),
            _pct(b.mean_predicted, language=language),
            _pct(b.observed_rate, language=language),
        ]
        for b in bins
    ]


def _group_row(g: GroupMetrics, label: str, language: str) -> list[str]:
    slope = g.calibration.slope if g.calibration is not None else None
    return [
        label,
        str(g.n),
        _pct(g.observed_rate, language=language),
        _pct(g.mean_predicted, language=language),
        _pct(g.positive_rate, language=language),
        _pct(g.false_negative_rate, language=language),
        _pct(g.false_positive_rate, language=language),
        _num(g.auc, language=language),
        _num(slope, language=language),
    ]


def _spread(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    return max(present) - min(present)


def model_card(
    model: ScoringModel,
    report: EvaluationReport | None = None,
    *,
    language: Language = "en",
) -> str:
    """Return the model card of ``model`` (and its evaluation ``report``) as markdown.

    Args:
        model: the scoring model.
        report: its evaluation on outcome data (see :func:`~werkmap.profiler.evaluate.evaluate`); without
            it, the card says plainly that the model's accuracy is unknown.
        language: ``"en"`` (English) or ``"nl"`` (Dutch).

    Returns:
        The markdown text.

    Raises:
        VersionMismatch: the report names another model id or version than ``model``.
        ValueError: an unknown language.
    """
    if language not in ("en", "nl"):
        raise ValueError(f"language must be 'en' or 'nl', got {language!r}")
    if report is not None and (
        (report.model_id and report.model_id != model.id)
        or (report.model_version and report.model_version != model.version)
    ):
        raise VersionMismatch(
            f"the report evaluates model {report.model_id}|{report.model_version}, not {model.ref}"
        )

    def t(key: str) -> str:
        return _t(key, language)

    threshold = report.threshold if report is not None else 0.5
    prov = model.provenance
    out: list[str] = [f"# {t('title')}: {model.id} {model.version}", ""]
    if is_illustrative(model):
        out += [f"> **{t('illustrative_title')}.** {t('illustrative')}", ""]
    valid = f"{t('from')} {model.valid_from.isoformat()}, " + (
        f"{t('until')} {model.valid_until.isoformat()}" if model.valid_until else t("open")
    )
    out += [f"## {t('summary')}", ""]
    summary = [
        [t("model"), f"`{model.ref}`"],
        [t("valid"), valid],
        [t("questionnaire"), f"`{model.questionnaire}`"],
        [t("method"), prov.method],
        [t("created"), prov.created.isoformat() if prov.created else t("none")],
        [
            t("observations"),
            str(prov.n_observations) if prov.n_observations is not None else t("none"),
        ],
    ]
    if model.description:
        summary.append([t("description"), model.description])
    out += _table([t("field"), t("value")], summary)
    out += [
        "",
        f"## {t('intended_use')}",
        "",
        t("use").format(threshold=_pct(threshold, language=language)),
        "",
    ]
    out += [t("not_for"), ""]
    out += [f"## {t('oversight_title')}", "", t("oversight"), ""]
    out += [f"## {t('data_title')}", ""]
    out += [f"- **{t('data')}**: {prov.data or t('none')}", f"- **{t('method')}**: {prov.method}"]
    if prov.notice:
        out.append(f"- **{t('notice')}**: {prov.notice}")
    if prov.references:
        out.append(f"- **{t('references')}**:")
        out += [f"    - {r}" for r in prov.references]
    out += ["", f"## {t('coefficients_title')}", "", t("coefficients_intro"), ""]
    out += _table(
        [t("parameter"), t("item"), t("coefficient"), t("se"), t("ci"), t("odds_ratio")],
        _coefficient_rows(model, language),
    )
    out += ["", f"## {t('bands_title')}", ""]
    edges = [0.0, *model.cut_points, 1.0]
    out += _table(
        [t("band"), t("range")],
        [
            [
                name,
                f"({_pct(a, language=language)}, {_pct(b, language=language)}]"
                if a > 0
                else f"[{_pct(a, language=language)}, {_pct(b, language=language)}]",
            ]
            for name, a, b in zip(model.bands, edges, edges[1:], strict=False)
        ],
    )
    middle = model.cut_points[len(model.cut_points) // 2]
    out += ["", t("bands").format(cut=_pct(middle, language=language)), ""]
    out += [f"## {t('metrics_title')}", ""]
    if report is None:
        out += [f"> {t('no_report')}", ""]
    else:
        evaluated = (
            f"{t('evaluated_on')}: {report.n} {t('people')}, {_pct(report.prevalence, language=language)} "
            f"{t('found_work')}."
        )
        if report.data_description:
            evaluated += f" ({report.data_description})"
        out += [evaluated, ""]
        cal = report.calibration
        out += _table(
            [t("metric"), t("value")],
            [
                [t("auc"), _num(report.auc, language=language)],
                [t("brier"), _num(report.brier, 4, language=language)],
                [t("cal_intercept"), _num(cal.intercept if cal else None, language=language)],
                [t("cal_slope"), _num(cal.slope if cal else None, language=language)],
                [t("citl"), _num(cal.in_the_large if cal else None, language=language)],
            ],
        )
        out += ["", f"### {t('by_band')}", ""]
        out += _table(
            [t("band"), t("n"), t("predicted"), t("observed")], _bin_rows(report.bands, language)
        )
        out += ["", f"### {t('by_decile')}", ""]
        out += _table(
            [t("decile"), t("n"), t("predicted"), t("observed")],
            _bin_rows(report.deciles, language),
        )
        out += [
            "",
            f"### {t('routing_title')}",
            "",
            t("routing").format(threshold=_pct(threshold, language=language)),
        ]
        header = [
            t("group"),
            t("n"),
            t("observed"),
            t("predicted"),
            t("positive_rate"),
            t("fnr"),
            t("fpr"),
            "AUC",
            t("slope"),
        ]
        rows = [_group_row(report.overall, t("all"), language)]
        out += [""]
        if report.groups:
            out += [f"#### {t('groups_title')}: {report.group_column}", ""]
            rows += [_group_row(g, g.group, language) for g in report.groups]
        out += _table(header, rows)
        if len(report.groups) > 1:
            fnr = _spread([g.false_negative_rate for g in report.groups])
            fpr = _spread([g.false_positive_rate for g in report.groups])
            out += [
                "",
                t("gap").format(fnr=_pct(fnr, language=language), fpr=_pct(fpr, language=language)),
            ]
        out += [""]
    out += [f"## {t('limitations_title')}", ""]
    out += [f"- {item}" for item in _LIMITATIONS[language]]
    return "\n".join(out) + "\n"
