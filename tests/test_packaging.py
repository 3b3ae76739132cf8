"""The wheel carries the data folders, and resources finds them inside an installed wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_ships_data_folders(tmp_path):
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(tmp_path), str(REPO)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("eda_copilot-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for needed in ("copilot/_data/adapters/opensta/profile.toml",
                   "copilot/_data/adapters/opensta/demo/setup.tcl",
                   "copilot/_data/adapters/opensta/demo/demo_core_syn.v",
                   "copilot/_data/adapters/tcl_runtime.tcl",
                   "copilot/_data/prompts/script_fewshot.j2",
                   "copilot/_data/grammars/README.md",
                   "copilot/resources.py"):
        assert needed in names, needed
    # Unpacked alone (no source tree beside it), resources reads the wheel's copy.
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    code = ("from copilot import resources; print(resources.demo_setup()); "
            "print(resources.adapter_names())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(target), "PATH": "/usr/bin"})
    assert str(target / "copilot/_data/adapters/opensta/demo/setup.tcl") in out.stdout
    assert "opensta" in out.stdout
