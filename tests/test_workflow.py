"""The CI workflow is valid and calls only the make targets the README documents."""
from __future__ import annotations

import re
import shutil
import subprocess

from tests.corpus import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def test_workflow_passes_actionlint():
    actionlint = shutil.which("actionlint") or str(ROOT / ".venv" / "bin" / "actionlint")
    result = subprocess.run([actionlint, str(WORKFLOW)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_runs_make_targets_named_in_the_readme_or_makefile_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runs = re.findall(r"^\s*(?:- )?run: (.+)$", WORKFLOW.read_text(encoding="utf-8"), flags=re.M)
    targets = {m for line in runs for m in re.findall(r"make(?: -C \S+)? (\w+)", line)}
    assert targets >= {"test", "html", "publish", "diff"}
    for target in targets:
        assert f"make {target}" in readme, target
