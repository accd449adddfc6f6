"""Keeping the model honest after launch: drift, calibration, recalibration, shadow scoring, capacity.

* :func:`monitor` makes the monthly monitoring report (PSI of score and answers against the calibration
  sample, calibration, AUC, routing errors per group, per month of registration);
  :func:`send_alerts` sends its threshold crossings to a named role through the outbox.
* :func:`recalibrate` makes a recalibration-only model version from outcome data;
  :func:`recalibration_card` its model card.
* ``Werkmap(..., shadow_model=candidate)`` stores a candidate's scores beside the live profiles;
  :func:`compare_models` compares the candidate with the live model.
* :func:`capacity` sets the staff hours the policy implies, per month, beside the target.
"""

from __future__ import annotations

from werkmap.monitoring.alerts import (
    ALERT_CHANNEL,
    ALERT_KIND,
    DEFAULT_ROLE,
    alert_notifications,
    send_alerts,
)
from werkmap.monitoring.calibration import GroupRates, OutcomeMetrics, outcome_metrics
from werkmap.monitoring.capacity import CapacityMonth, CapacityReport, capacity, capacity_forecast
from werkmap.monitoring.drift import Reference, psi, reference_sample
from werkmap.monitoring.parameters import (
    MonitoringParameters,
    MonitoringValues,
    default_monitoring_parameters,
    load_monitoring_parameters,
)
from werkmap.monitoring.recalibrate import Recalibration, recalibrate, recalibration_card
from werkmap.monitoring.report import (
    Alert,
    MonitoringReport,
    MonthMonitor,
    monitor,
    plot_monitoring,
)
from werkmap.monitoring.shadow import (
    ModelComparison,
    RouteDifference,
    compare_models,
    shadow_score,
    shadow_step,
)

__all__ = [
    "ALERT_CHANNEL",
    "ALERT_KIND",
    "DEFAULT_ROLE",
    "Alert",
    "CapacityMonth",
    "CapacityReport",
    "GroupRates",
    "ModelComparison",
    "MonitoringParameters",
    "MonitoringReport",
    "MonitoringValues",
    "MonthMonitor",
    "OutcomeMetrics",
    "Recalibration",
    "Reference",
    "RouteDifference",
    "alert_notifications",
    "capacity",
    "capacity_forecast",
    "compare_models",
    "default_monitoring_parameters",
    "load_monitoring_parameters",
    "monitor",
    "outcome_metrics",
    "plot_monitoring",
    "psi",
    "recalibrate",
    "recalibration_card",
    "reference_sample",
    "send_alerts",
    "shadow_score",
    "shadow_step",
]
