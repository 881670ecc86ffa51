"""Tests of operating the deployment: backups and restores."""
