"""Settings that protect a deployment: the generated secret key's file mode."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from carnivore.settings import local_secret_key


@pytest.fixture
def permissive_umask():
    """A umask that takes nothing away, so that only the mode the code asks for counts."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def test_the_generated_secret_key_is_owner_only_from_the_start(
    tmp_path, permissive_umask, monkeypatch
):
    """var/secret_key is created with mode 0600 by the call that creates it: no chmod after."""

    def no_chmod(*args, **kwargs):
        raise AssertionError("the key file was created with a wider mode and chmod-ed after")

    monkeypatch.setattr(os, "chmod", no_chmod)
    monkeypatch.setattr(Path, "chmod", no_chmod)
    key_file = tmp_path / "var" / "secret_key"

    key = local_secret_key(key_file)

    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert local_secret_key(key_file) == key  # kept, not regenerated
