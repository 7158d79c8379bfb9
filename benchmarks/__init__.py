"""Benchmarks (never timed unit tests): `make bench` or `python -m benchmarks [name ...]`."""
