"""A Locust load test of a morning at the counter (bench/bench_load.py drives it; docs/benchmarks.md)."""
