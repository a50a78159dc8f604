"""Every C core source compiles without a single warning under gcc and under clang.

Each csrc/*.c is compiled on its own (``-c``) with each of gcc and clang that is
installed, with the flags setup.py gives the extension (``-std=c11 -O3 -Wall
-Wextra -fvisibility=hidden -DOPENSSL_API_COMPAT=30000``, the include flags of
``pkg-config --cflags libcrypto``, or of TURBOJWT_OPENSSL_PC's module as in
setup.py) plus ``-Werror``; any diagnostic fails the test. A compiler that is not
installed is skipped, saying so; with neither there is nothing to check, and the
tests say that too (they never pass without compiling). tools/test.sh installs
clang for the fuzz smoke test, so CI compiles with both. In the aws-lc pass of CI
(TURBOJWT_CRYPTO=aws-lc) the include flags are aws-lc's. Both backend files
(csrc/backend_openssl3.c, backend_awslc.c) are compiled in both passes, each
time one of them to nothing, so each is checked by the pass of its library.

The binding's C headers (src/turbojwt/*.h) are compiled the same way, each in a
unit of its own, with Python's headers as system headers. (The Cython-generated
src/turbojwt/_core.c is compiled by the build itself, with -Werror in CI: a
warning there fails ``pip install``.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from _native import awslc_prefix, native_env

ROOT = Path(__file__).resolve().parents[2]
CSRC = ROOT / "csrc"
SOURCES = sorted(CSRC.glob("*.c"))
COMPILERS = ("gcc", "clang")
PC_MODULE = os.environ.get("TURBOJWT_OPENSSL_PC", "libcrypto")
FLAGS = ["-std=c11", "-O3", "-Wall", "-Wextra", "-Werror", "-fvisibility=hidden", "-pthread",
         "-DOPENSSL_API_COMPAT=30000", f"-I{CSRC}"]


def _crypto_cflags() -> list[str]:
    prefix = awslc_prefix()  # the aws-lc pass: backend_awslc.c is the file that compiles to code
    if prefix is not None:
        return [f"-I{prefix}/include"]
    if shutil.which("pkg-config") is None:
        pytest.skip("pkg-config not found: cannot find the OpenSSL headers the core includes")
    r = subprocess.run(["pkg-config", "--cflags", PC_MODULE], capture_output=True, text=True, env=native_env())
    if r.returncode != 0:
        pytest.skip(f"pkg-config does not know {PC_MODULE!r} (install libssl-dev): {r.stderr.strip()}")
    return r.stdout.split()


def test_sources_found():
    assert len(SOURCES) >= 10, SOURCES


def test_a_compiler_is_installed():
    """Says, as a skip, when neither gcc nor clang is there and so nothing below is compiled."""
    if not any(shutil.which(cc) for cc in COMPILERS):
        pytest.skip("neither gcc nor clang is installed: no C source was compiled, no warning checked")


@pytest.mark.parametrize("src", SOURCES, ids=[p.name for p in SOURCES])
@pytest.mark.parametrize("cc", COMPILERS)
def test_compiles_without_warnings(cc, src, tmp_path):
    _compiles_silently([_compiler(cc), *FLAGS, *_crypto_cflags(),
                        "-c", str(src), "-o", str(tmp_path / (src.stem + ".o"))])


def _compiler(cc: str) -> str:
    path = shutil.which(cc)
    if path is None:
        pytest.skip(f"{cc} not installed")
    return path


def _compiles_silently(cmd: list[str]) -> None:
    r = subprocess.run(cmd, capture_output=True, text=True, env=native_env(), timeout=300)
    output = (r.stdout + r.stderr).strip()
    assert r.returncode == 0 and not output, f"{' '.join(cmd)}\nexit {r.returncode}\n{output}"


# The binding's own C (src/turbojwt/*.h: code on Python objects, so it includes
# Python.h) gets the same flags; Python's headers come in as system headers.
BINDING = ROOT / "src" / "turbojwt"
HEADERS = sorted(BINDING.glob("*.h"))


def _python_include() -> str:
    import sysconfig

    return sysconfig.get_paths()["include"]


def test_binding_headers_found():
    assert {p.name for p in HEADERS} >= {"tape_objects.h", "jsonwrite.h", "dropin_call.h"}, HEADERS


@pytest.mark.parametrize("header", HEADERS, ids=[p.name for p in HEADERS])
@pytest.mark.parametrize("cc", COMPILERS)
def test_binding_header_compiles_without_warnings(cc, header, tmp_path):
    unit = tmp_path / (header.stem + "_check.c")
    unit.write_text(f'#include "{header.name}"\n')
    _compiles_silently([_compiler(cc), *FLAGS, f"-I{BINDING}", "-isystem", _python_include(), *_crypto_cflags(),
                        "-c", str(unit), "-o", str(tmp_path / (header.stem + ".o"))])
