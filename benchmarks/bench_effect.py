"""Registers the effect coverage study (:mod:`effect_coverage`) with ``benchmarks/run.py``."""

from __future__ import annotations

from effect_coverage import BENCHMARKS

__all__ = ["BENCHMARKS"]
