"""The app boundaries hold by construction: import-linter contracts in `make lint`, and no
import cycles between modules (issue 13, point 3)."""

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "flywheel",
    "accounts",
    "customers",
    "referrals",
    "ugc",
    "segments",
    "metrics",
    "webhooks",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden", "contract"),
    [
        (
            "ugc/selectors_probe.py",
            "from referrals.models import Referral",
            "never import each other",
        ),
        ("flywheel/core/probe.py", "from accounts.models import ApiKey", "The core depends"),
        ("customers/probe.py", "from segments.models import HealthSummary", "customers depends"),
        ("metrics/probe.py", "from ugc.models import UGCRequest", "metrics reads"),
    ],
)
def test_a_forbidden_import_fails_the_lint(tmp_path, module, forbidden, contract):
    # given a copy of the code with one import across a boundary
    for package in (*PACKAGES, "pyproject.toml"):
        source = ROOT / package
        if source.is_dir():
            shutil.copytree(
                source, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy(source, tmp_path / package)
    (tmp_path / module).write_text(f'"""A probe."""\n\n{forbidden}  # noqa\n')
    # when
    result = _lint_imports(tmp_path)
    # then
    assert result.returncode != 0
    assert contract in result.stdout and "BROKEN" in result.stdout


def test_no_module_imports_one_that_imports_it_back():
    graph = grimp.build_graph(*PACKAGES, exclude_type_checking_imports=True)
    modules = {m for m in graph.modules if ".migrations" not in m}
    cycles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in modules
            for imported in graph.find_modules_directly_imported_by(module)
            if imported in modules
            and imported != module
            and graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert cycles == []
