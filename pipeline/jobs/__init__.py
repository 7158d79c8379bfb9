"""The nightly job's plumbing: the run of every stage (run.py), its summary and record (summary.py),
one run at a time (lock.py), damaged files moved aside (quarantine.py) and the bundled demo (demo.py)."""
