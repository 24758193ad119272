"""Scoring: every case note read once per rubric version and model, findings cited verbatim."""
