"""Check the contents of turbojwt's sdist and wheel against the source tree.

    python tools/check_dist_contents.py SDIST WHEEL

Fails (exit 1) if the sdist lacks a file the build needs (csrc/*.c, csrc/*.h,
src/turbojwt/*.py, *.pyx, *.pxd, *.pxi, *.pyi, py.typed) or holds a build
product (src/turbojwt/_core.c, *.so, *.o, *.pyc); in a git checkout, also if
it lacks any tracked file but the repository's own CI set-up (.ci/, .github/,
.gitignore): the tests with their vectors and fuzz/ must be there for the
suite to run from the sdist. Fails too if the wheel lacks the compiled
extension, a module, a stub or py.typed.
"""

from __future__ import annotations

import fnmatch
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEEDED_IN_SDIST = ["csrc/*.c", "csrc/*.h", "src/turbojwt/*.py", "src/turbojwt/*.pyx",
                   "src/turbojwt/*.pxd", "src/turbojwt/*.pxi", "src/turbojwt/*.pyi", "src/turbojwt/*.h",
                   "src/turbojwt/py.typed", "setup.py", "pyproject.toml"]
BUILD_PRODUCTS = ["src/turbojwt/_core.c", "src/turbojwt/_testing.c", "*.so", "*.o", "*.pyc", "*.pyd"]
# Tracked files that belong to the repository only, never to a source release.
REPO_ONLY = [".ci/*", ".github/*", ".gitignore"]


def tracked_files() -> list[str] | None:
    """The files git tracks in the checkout, or None outside a git checkout."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return None
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    return sorted(f for f in out.decode("utf-8", "surrogateescape").split("\0") if f)


def source_files(patterns: list[str]) -> list[str]:
    found: set[str] = set()
    for pattern in patterns:
        found.update(p.relative_to(ROOT).as_posix() for p in ROOT.glob(pattern) if p.is_file())
    return sorted(found)


def check_sdist(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        names = [m.name for m in tar.getmembers() if m.isfile()]
    prefix = names[0].split("/", 1)[0] + "/"
    inside = sorted(n[len(prefix):] for n in names if n.startswith(prefix))
    print(f"--- {path.name}: {len(inside)} files")
    for name in inside:
        print(f"    {name}")
    problems = [f"sdist lacks {f}" for f in source_files(NEEDED_IN_SDIST) if f not in inside]
    tracked = tracked_files()
    if tracked is None:
        print("    (not a git checkout: tracked files not compared)")
    else:
        problems += [f"sdist lacks the tracked file {f}" for f in tracked
                     if f not in inside and not any(fnmatch.fnmatch(f, p) for p in REPO_ONLY)
                     and f"sdist lacks {f}" not in problems]
    problems += [f"sdist holds build product {n}" for n in inside
                 if any(fnmatch.fnmatch(n, p) for p in BUILD_PRODUCTS)]
    return problems


def check_wheel(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as whl:
        inside = sorted(whl.namelist())
    pkg = sorted(n for n in inside if n.startswith("turbojwt/"))
    print(f"--- {path.name}: {len(inside)} files")
    for name in pkg:
        print(f"    {name}")
    problems = []
    if not any(fnmatch.fnmatch(n, "turbojwt/_core.*.so") for n in pkg):
        problems.append("wheel lacks the compiled extension turbojwt/_core.*.so")
    for src in source_files(["src/turbojwt/*.py", "src/turbojwt/*.pyi", "src/turbojwt/py.typed"]):
        target = "turbojwt/" + src.rsplit("/", 1)[1]
        if target not in pkg:
            problems.append(f"wheel lacks {target}")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    problems = check_sdist(Path(argv[0])) + check_wheel(Path(argv[1]))
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if not problems:
        print("sdist and wheel contents: OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
