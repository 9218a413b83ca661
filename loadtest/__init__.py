"""The load test of a busy morning (locust): `loadtest/run.py`, `make loadtest`."""
