"""Backup and restore: one versioned archive of every table (services/export.py), restored into
an empty database (services/restore.py). What is in it is decided in services/tables.py."""
