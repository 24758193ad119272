"""Ingest: landing-folder files into the raw schema, with lineage and a ledger per load."""
