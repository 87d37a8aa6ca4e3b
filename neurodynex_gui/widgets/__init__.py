"""Reusable views: forms, plots, the run bar."""
