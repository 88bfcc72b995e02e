"""cnamctl's benchmarks (issue #6): ``python -m bench [--quick]`` writes docs/benchmarks.md.

Modules: ``fleet`` (synthetic accounts and manifests), ``served`` (the emulator in
its own process), ``paging`` (the request minimum), ``naive`` (the one-GET-per-
resource baseline), ``invariants`` (convergence and duplicates), ``cli`` (cnamctl
as a child process), ``scenarios/`` (the five measurements), ``report`` (the
markdown), ``profiling`` (py-spy profiles; needs ``pip install py-spy``).
"""
