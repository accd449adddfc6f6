"""Tests of werkmap.plan."""
