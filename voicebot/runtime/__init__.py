"""Plumbing shared by every part: tasks, clocks, logging and the personal-data mask, metrics, small statistics."""
