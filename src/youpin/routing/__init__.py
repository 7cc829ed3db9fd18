"""Route optimisation: solver-independent problem model, PyVRP adapter, distances, checker."""
