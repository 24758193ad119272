"""Identity: every person record resolves to one persistent person_id."""
