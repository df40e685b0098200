"""The image installs from a hashed lock file that covers pyproject.toml, and the wheel holds
every template and data file of the packages (the admin frame and emails included)."""

import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "production.txt"
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)", re.MULTILINE)


def pins(path: Path) -> dict[str, str]:
    return {canonicalize_name(n): v for n, v in PIN.findall(path.read_text())}


def test_the_lock_pins_every_dependency_within_its_range():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    locked = pins(LOCK)
    for line in project["dependencies"]:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is missing from {LOCK.name}: run `make lock`"
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"{name}=={locked[name]} is outside {requirement.specifier}: run `make lock`"
        )


def test_every_pin_carries_hashes():
    blocks = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text().split("\n\n", 1)[-1])
    for block in blocks:
        if PIN.match(block):
            assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_image_installs_the_lock_with_hashes():
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "--require-hashes" in dockerfile and "requirements/production.txt" in dockerfile
    assert "requirements/build.txt" in dockerfile


def test_the_wheel_holds_every_package_data_file(tmp_path):
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"
    ]["find"]["include"]
    roots = [p.rstrip("*") for p in packages]
    tracked = subprocess.run(
        ["git", "ls-files", *roots], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    data = {path for path in tracked if not path.endswith(".py")}
    assert any(p.endswith("admin/base_site.html") for p in data)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("flywheel-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert data <= names, f"missing from the wheel: {sorted(data - names)}"
    assert not any(name.endswith((".sqlite3", ".pyc")) for name in names)
