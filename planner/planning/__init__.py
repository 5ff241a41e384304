"""The use cases of mi50plan, between the pure maths (planner.core, planner.engines) and the outside
world (planner.sources): fit, predict, recommend, compare, validate, calibrate, probe.

Each module turns the caller's options into core calls and returns a typed result (planner.results).
No flags, no printing: the CLI (planner.cli) and the Python API (planner.api) both call these.
"""
