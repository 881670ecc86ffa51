"""Tests that run against a database shaped like a Supabase project (see `tests.supabase.shape`)."""
