"""Hold every compiled module of the installed turbojwt to its .pyi stub (mypy's stubtest).

    python tools/check_stubs.py        (run by tools/lint.sh, from tools/test.sh)

Finds each extension module in the installed package (turbojwt/*.so or any
other of this interpreter's extension suffixes), so that a new compiled module
is covered the day it is added, and runs ``python -m mypy.stubtest`` on all of
them, with tools/stubtest_allowlist.txt for what Cython adds on its own. Fails
(exit 1) when a module has no stub beside it, when a stub names something the
module lacks or gives it another signature, or when the module has a public
name the stub does not declare. Runs from the root directory so that the
installed copy is imported, never src/.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ALLOWLIST = Path(__file__).resolve().parent / "stubtest_allowlist.txt"


def compiled_modules(package: str = "turbojwt") -> tuple[Path, list[str]]:
    """The installed package's directory and the dotted names of its extension modules."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"check_stubs: {package} is not installed in {sys.prefix}")
    where = Path(next(iter(spec.submodule_search_locations)))
    names = set()
    for path in where.iterdir():
        # Most specific first (.cpython-311-x86_64-linux-gnu.so, .abi3.so, .so): the first that fits.
        suffix = next((s for s in importlib.machinery.EXTENSION_SUFFIXES if path.name.endswith(s)), None)
        if suffix is not None:
            names.add(f"{package}.{path.name[:-len(suffix)]}")
    return where, sorted(names)


def main() -> int:
    os.chdir("/")  # the installed copy, not a src/ tree on sys.path by way of the cwd
    where, modules = compiled_modules()
    if not modules:
        print(f"check_stubs: no compiled module in {where}: is this a build of turbojwt?", file=sys.stderr)
        return 1
    missing = [m for m in modules if not (where / (m.rsplit(".", 1)[1] + ".pyi")).is_file()]
    if missing:
        print(f"check_stubs: no .pyi stub for {', '.join(missing)} in {where}", file=sys.stderr)
        return 1
    cmd = [sys.executable, "-m", "mypy.stubtest", "--concise", "--allowlist", str(ALLOWLIST), *modules]
    result = subprocess.run(cmd, check=False)
    if result.returncode == 0:
        print(f"check_stubs: stubs match for {', '.join(modules)}")
    return 1 if result.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
