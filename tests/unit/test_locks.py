"""The dependency locks: every release pinned and hash-checked, in step with pyproject.toml.

scripts/lock writes requirements/*.txt; scripts/_venv.sh installs them with
--require-hashes (docs/dependencies.md). A dependency added to pyproject.toml
without running scripts/lock fails here before it fails on a fresh machine.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support.locks import REQUIREMENTS, pinned_here, pyproject, read_lock

SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
LOCKS = ["runtime.txt", "test.txt", "uv.txt"]


def asked_for(lock: str) -> list[Requirement]:
    """What pyproject.toml asks of a lock: its build backend, dependencies and test extra."""
    project = pyproject()
    wanted = [*project["build-system"]["requires"], *project["project"]["dependencies"]]
    if lock == "test.txt":
        wanted += project["project"]["optional-dependencies"]["test"]
    return [Requirement(text) for text in wanted]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_entry_is_one_exact_release_with_sha256_hashes(lock: str) -> None:
    pins = read_lock(REQUIREMENTS / lock)
    assert pins
    for pin in pins:
        assert re.fullmatch(r"==[^=*,<>!~]+", pin.specifier), pin
        assert pin.hashes, f"{pin.name} has no hash"
        assert all(SHA256.fullmatch(h) for h in pin.hashes), pin.name


@pytest.mark.parametrize("lock", ["runtime.txt", "test.txt"])
def test_each_lock_holds_what_pyproject_asks_for_within_its_range(lock: str) -> None:
    here = pinned_here(read_lock(REQUIREMENTS / lock))
    missing: list[str] = []
    outside: list[str] = []
    for requirement in asked_for(lock):
        pin = here.get(canonicalize_name(requirement.name))
        if pin is None:
            missing.append(requirement.name)
        elif not requirement.specifier.contains(pin.version, prereleases=True):
            outside.append(f"{requirement} (locked {pin.version})")
    assert (missing, outside) == ([], []), "pyproject.toml changed: run scripts/lock"


@pytest.mark.parametrize("lock", ["runtime.txt", "test.txt"])
def test_the_extras_pyproject_asks_of_a_dependency_are_locked_too(lock: str) -> None:
    here = pinned_here(read_lock(REQUIREMENTS / lock))
    missing: list[str] = []
    for requirement in asked_for(lock):
        for extra in requirement.extras:
            for needed in map(Requirement, metadata.requires(requirement.name) or []):
                wanted = needed.marker is not None and needed.marker.evaluate({"extra": extra})
                if wanted and canonicalize_name(needed.name) not in here:
                    missing.append(f"{requirement.name}[{extra}] -> {needed.name}")
    assert missing == [], "run scripts/lock"


def test_the_runtime_lock_pins_the_releases_the_suite_runs_on() -> None:
    test_pins = {(p.name, str(p.marker)): p for p in read_lock(REQUIREMENTS / "test.txt")}
    for pin in read_lock(REQUIREMENTS / "runtime.txt"):
        assert test_pins[(pin.name, str(pin.marker))] == pin


def test_the_suite_runs_on_the_locked_releases() -> None:
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version for dist in metadata.distributions()
    }
    differ = {
        name: (pin.version, installed.get(name))
        for name, pin in pinned_here(read_lock(REQUIREMENTS / "test.txt")).items()
        if installed.get(name) != pin.version
    }
    assert differ == {}, "(locked, installed): scripts/test installs the lock"
