"""The Work Profiler (*Werkverkenner*): questionnaire, answer validation, scoring model and scorer.

Load the packaged questionnaire and the illustrative model, validate a person's answers, and score
them to a :class:`Profile` (probability of work resumption within a year, band, confidence interval,
the contribution of every item and construct, and the constructs that hold the person back); score a
whole population at once with :func:`score_batch`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkmap.profiler.model import (
    BANDS,
    CUT_POINTS,
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
    model_from_data,
    model_to_data,
    parse_model,
    save_model,
)
from werkmap.profiler.questionnaire import (
    AnswerOption,
    AnswerValue,
    ConstructLabel,
    EnableWhen,
    Item,
    Questionnaire,
    Text,
    check_versions,
    default_questionnaire,
    dump_questionnaire,
    enabled_items,
    lint_questionnaire,
    load_questionnaire,
    parse_questionnaire,
    questionnaire_from_data,
    questionnaire_to_data,
    select_version,
    validate_answers,
)
from werkmap.profiler.scoring import (
    BatchScores,
    Profile,
    ScoringCore,
    check_compatible,
    score,
    score_batch,
    scoring_core,
)

__all__ = [
    "BANDS",
    "CUT_POINTS",
    "EXTENSION_BASE",
    "TRANSLATION",
    "AnswerOption",
    "AnswerValue",
    "BatchScores",
    "BinSummary",
    "Calibration",
    "CoefficientRow",
    "ConstructLabel",
    "EnableWhen",
    "Encoder",
    "EvaluationReport",
    "FeatureEncoding",
    "FitResult",
    "FitSummary",
    "FittedModel",
    "GroupMetrics",
    "Item",
    "OutcomeTable",
    "Profile",
    "Provenance",
    "Questionnaire",
    "ScoringCore",
    "ScoringModel",
    "SyntheticCohort",
    "Text",
    "answers_from_response",
    "auc",
    "band_labels",
    "band_of",
    "brier_score",
    "build_model",
    "calibration",
    "check_compatible",
    "check_versions",
    "default_encoding",
    "default_model",
    "default_questionnaire",
    "dump_model",
    "dump_questionnaire",
    "enabled_items",
    "encode_columns",
    "fit_model",
    "from_fhir",
    "is_illustrative",
    "is_questionnaire_response",
    "lint_model",
    "lint_questionnaire",
    "load_model",
    "load_questionnaire",
    "model_card",
    "model_from_data",
    "model_to_data",
    "parse_model",
    "parse_outcome_csv",
    "parse_questionnaire",
    "questionnaire_from_data",
    "questionnaire_to_data",
    "save_model",
    "score",
    "score_batch",
    "scoring_core",
    "select_version",
    "simulate_outcomes",
    "synthetic_answers",
    "synthetic_cohort",
    "to_fhir",
    "to_questionnaire_response",
    "to_scoring_model",
    "validate_answers",
]

# Fitting, evaluation and model cards load on first use (attrs classes cost import time that scoring
# does not need). ``fit`` and ``evaluate`` themselves are not re-exported: their names are the names of
# their modules; use ``werkmap.profiler.fit.fit`` and ``werkmap.profiler.evaluate.evaluate``.
if TYPE_CHECKING:
    from werkmap.profiler.evaluate import (
        BinSummary,
        Calibration,
        EvaluationReport,
        GroupMetrics,
        auc,
        band_labels,
        brier_score,
        calibration,
    )
    from werkmap.profiler.fhir import (
        EXTENSION_BASE,
        TRANSLATION,
        answers_from_response,
        from_fhir,
        is_questionnaire_response,
        to_fhir,
        to_questionnaire_response,
    )
    from werkmap.profiler.fit import (
        CoefficientRow,
        FitResult,
        FitSummary,
        FittedModel,
        OutcomeTable,
        fit_model,
        parse_outcome_csv,
        to_scoring_model,
    )
    from werkmap.profiler.model_card import (
        is_illustrative,
        model_card,
    )
    from werkmap.profiler.synthetic import (
        SyntheticCohort,
        encode_columns,
        simulate_outcomes,
        synthetic_answers,
        synthetic_cohort,
    )

_LAZY = {
    # loaded on first use so that `import werkmap` stays cheap
    "EXTENSION_BASE": "werkmap.profiler.fhir",
    "from_fhir": "werkmap.profiler.fhir",
    "to_fhir": "werkmap.profiler.fhir",
    "TRANSLATION": "werkmap.profiler.fhir",
    "answers_from_response": "werkmap.profiler.fhir",
    "is_questionnaire_response": "werkmap.profiler.fhir",
    "to_questionnaire_response": "werkmap.profiler.fhir",
    "FitSummary": "werkmap.profiler.fit",
    "SyntheticCohort": "werkmap.profiler.synthetic",
    "encode_columns": "werkmap.profiler.synthetic",
    "simulate_outcomes": "werkmap.profiler.synthetic",
    "synthetic_answers": "werkmap.profiler.synthetic",
    "synthetic_cohort": "werkmap.profiler.synthetic",
    "CoefficientRow": "werkmap.profiler.fit",
    "FitResult": "werkmap.profiler.fit",
    "FittedModel": "werkmap.profiler.fit",
    "OutcomeTable": "werkmap.profiler.fit",
    "fit_model": "werkmap.profiler.fit",
    "parse_outcome_csv": "werkmap.profiler.fit",
    "to_scoring_model": "werkmap.profiler.fit",
    "BinSummary": "werkmap.profiler.evaluate",
    "Calibration": "werkmap.profiler.evaluate",
    "EvaluationReport": "werkmap.profiler.evaluate",
    "GroupMetrics": "werkmap.profiler.evaluate",
    "auc": "werkmap.profiler.evaluate",
    "band_labels": "werkmap.profiler.evaluate",
    "brier_score": "werkmap.profiler.evaluate",
    "calibration": "werkmap.profiler.evaluate",
    "is_illustrative": "werkmap.profiler.model_card",
    "model_card": "werkmap.profiler.model_card",
}


def __getattr__(name: str) -> object:
    """Load the FHIR, synthetic, fitting, evaluation and model-card names on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
