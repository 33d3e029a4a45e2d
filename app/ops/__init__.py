"""Operations: health and readiness probes, the database-outage page, structured logs, backup and restore."""
