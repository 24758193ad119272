"""The report server: the published site behind a login, by role, every read audited."""
