"""Cheap packaging checks (nothing is built here).

- MANIFEST.in puts every file the extension is compiled from into the sdist
  (csrc/*.c and *.h, src/turbojwt/*.pyx, *.pxd, *.pxi) with the typing files,
  and keeps build products (the generated _core.c, .so files) out.
- In a git checkout: every tracked file but the repository's own CI set-up
  goes into the sdist (the tests, their vectors and fuzz/ included, so that the
  suite runs from an unpacked sdist as it does here), and each include pattern
  of MANIFEST.in matches a tracked file. Building the sdist for real is
  tools/check_dist.sh's job (tools/check_dist_contents.py).
- The installed package carries py.typed and the _core.pyi stub.
- The C core stays free of Python: no csrc/ file includes Python.h.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import turbojwt

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "MANIFEST.in"
CSRC = ROOT / "csrc"
PKG_SRC = ROOT / "src" / "turbojwt"

needs_sources = pytest.mark.skipif(
    not (MANIFEST.is_file() and CSRC.is_dir() and PKG_SRC.is_dir()),
    reason="needs the source tree (MANIFEST.in, csrc/, src/turbojwt/)",
)


# --- a small MANIFEST.in evaluator --------------------------------------------
# The commands of setuptools' MANIFEST.in with its matching rules: `*` and `?`
# do not cross "/", include/exclude patterns are anchored at the root,
# recursive-* match the end of a path under a directory, global-* match the
# end of any path, graft/prune take whole directories. Later lines win.

def _glob_re(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            j = pattern.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1:j]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def _matcher(action: str, words: list[str]):
    if action in ("include", "exclude"):
        regexes = [re.compile(rf"\A{_glob_re(p)}\Z") for p in words]
        return lambda path: any(r.match(path) for r in regexes)
    if action in ("recursive-include", "recursive-exclude"):
        base, patterns = words[0].rstrip("/"), words[1:]
        regexes = [re.compile(rf"\A{re.escape(base)}/(?:.*/)?{_glob_re(p)}\Z") for p in patterns]
        return lambda path: any(r.match(path) for r in regexes)
    if action in ("global-include", "global-exclude"):
        regexes = [re.compile(rf"(?:\A|/){_glob_re(p)}\Z") for p in words]
        return lambda path: any(r.search(path) for r in regexes)
    if action in ("graft", "prune"):
        bases = [w.rstrip("/") + "/" for w in words]
        return lambda path: any(path.startswith(b) for b in bases)
    raise ValueError(f"MANIFEST.in: unknown command {action!r}")


def _manifest_rules(text: str) -> list[tuple[bool, object]]:
    rules = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        action, *words = line.split()
        keep = action in ("include", "recursive-include", "global-include", "graft")
        rules.append((keep, _matcher(action, words)))
    return rules


def manifest_includes(path: str, rules=None) -> bool:
    """Whether MANIFEST.in's rules put `path` (relative, with "/") in the sdist."""
    if rules is None:
        rules = _manifest_rules(MANIFEST.read_text(encoding="utf-8"))
    included = False
    for keep, match in rules:
        if match(path):
            included = keep
    return included


def _relative(paths) -> list[str]:
    return sorted(p.relative_to(ROOT).as_posix() for p in paths if p.is_file())


def test_manifest_evaluator_follows_setuptools_rules():
    rules = _manifest_rules(
        "recursive-include csrc *.c *.h\n"
        "include setup.py\n"
        "global-exclude *.so\n"
        "exclude src/pkg/gen.c\n"
        "recursive-include src/pkg *.c *.so\n"
        "prune src/pkg/build\n"
    )
    assert manifest_includes("csrc/a.c", rules)
    assert manifest_includes("csrc/sub/b.h", rules)
    assert not manifest_includes("csrc/a.o", rules)
    assert manifest_includes("setup.py", rules)
    assert not manifest_includes("sub/setup.py", rules)
    assert manifest_includes("src/pkg/gen.c", rules)        # a later include wins
    assert manifest_includes("src/pkg/x.so", rules)
    assert not manifest_includes("src/pkg/build/y.c", rules)
    assert not manifest_includes("csrc.c", rules)


@needs_sources
def test_manifest_ships_every_build_input():
    needed = _relative(
        [*CSRC.glob("*.c"), *CSRC.glob("*.h")]
        + [p for ext in ("*.pyx", "*.pxd", "*.pxi", "*.pyi", "*.h") for p in PKG_SRC.glob(ext)]
        + [PKG_SRC / "py.typed"]
    )
    assert any(p.endswith(".pyx") for p in needed)
    assert any(p.startswith("csrc/") and p.endswith(".c") for p in needed)
    missing = [p for p in needed if not manifest_includes(p)]
    assert not missing, f"MANIFEST.in leaves these build inputs out of the sdist: {missing}"


# Tracked files that belong to the repository only, never to a source release.
REPO_ONLY = re.compile(r"\A(?:\.ci/|\.github/|\.gitignore\Z)")
# What setuptools puts in every sdist without MANIFEST.in naming it.
SETUPTOOLS_ADDS = [re.compile(rf"\A{_glob_re(p)}\Z") for p in ("MANIFEST.in", "src/turbojwt/*.py")]


def _tracked_files() -> list[str]:
    """The files git tracks in this checkout; a skip outside one (an unpacked sdist has no .git)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: the tracked files to compare MANIFEST.in with are unknown")
    out = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True).stdout
    files = sorted(f for f in out.decode("utf-8", "surrogateescape").split("\0") if f)
    assert len(files) > 50, files
    return files


@needs_sources
def test_manifest_ships_every_tracked_file():
    """tests/, their vectors (the fuzz regression inputs) and fuzz/ too: the suite must run from the sdist."""
    missing = [f for f in _tracked_files()
               if not REPO_ONLY.match(f) and not any(r.match(f) for r in SETUPTOOLS_ADDS)
               and not manifest_includes(f)]
    assert not missing, f"MANIFEST.in leaves these tracked files out of the sdist: {missing}"


@needs_sources
def test_manifest_names_only_files_that_exist():
    """Each include pattern matches a tracked file (setuptools would only warn: 'no files found matching')."""
    tracked = _tracked_files()
    unused = []
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        action, *words = line.split("#", 1)[0].split() or [""]
        if action in ("include", "global-include"):
            patterns = [(action, [w]) for w in words]
        elif action == "recursive-include":
            patterns = [(action, [words[0], w]) for w in words[1:]]
        elif action == "graft":
            patterns = [(action, [w]) for w in words]
        else:
            continue
        for kind, pattern in patterns:
            match = _matcher(kind, pattern)
            if not any(match(f) for f in tracked):
                unused.append(f"{kind} {' '.join(pattern)}")
    assert not unused, f"MANIFEST.in patterns that match no file: {unused}"


@needs_sources
@pytest.mark.parametrize("product", [
    "src/turbojwt/_core.c",
    "src/turbojwt/_testing.c",
    "src/turbojwt/_core.cpython-312-x86_64-linux-gnu.so",
    "csrc/json.o",
    "src/turbojwt/__pycache__/__init__.cpython-312.pyc",
])
def test_manifest_keeps_build_products_out(product):
    assert not manifest_includes(product), f"MANIFEST.in would ship the build product {product}"


def test_installed_package_is_typed():
    here = Path(turbojwt.__file__).resolve().parent
    assert (here / "py.typed").is_file(), f"py.typed is missing beside {here}"
    assert (here / "_core.pyi").is_file(), f"the _core.pyi stub is missing beside {here}"


@needs_sources
def test_c_core_includes_no_python_header():
    include_python = re.compile(r'^\s*#\s*include\s*[<"](?:Python|pyconfig|structmember)\.h[>"]',
                                re.MULTILINE)
    sources = sorted([*CSRC.rglob("*.c"), *CSRC.rglob("*.h")])
    assert sources
    offenders = [p.relative_to(ROOT).as_posix() for p in sources
                 if include_python.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not offenders, f"the C core must not include Python headers: {offenders}"
