"""Packaged data of the Work Profiler: the default questionnaire and the illustrative model (JSON)."""
