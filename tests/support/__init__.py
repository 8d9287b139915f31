"""Helpers the tests and `make bench` share: Debian's Chromium, a gunicorn server, simulated
visitors and learners. bench/ imports these; tests never import bench/."""
