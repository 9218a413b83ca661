"""Helpers for the test suite: factories that build rows, and the walk over every route.

Product code never imports from here.
"""
