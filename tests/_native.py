"""What the tests that build and run native programs (C tests, fuzz targets) share.

- native_env(): the environment to run a compiler or a native program in;
- find_cc() and all_compilers(): the C compilers on this machine;
- run(): a command in that environment, its output captured as text;
- sanitizers_work(): whether a compiler's sanitizer flags build a program that runs;
- pkg_config_crypto() and crypto_flags(): libcrypto's compile and link flags.

tools/test_sanitized.sh runs pytest with gcc's ASan runtime in LD_PRELOAD, which
every child process inherits. The Python children need it (they import the
sanitizer build of the extension), but a native program carries its own
sanitizer runtime, or none: clang links its ASan runtime statically, and a
program that gets gcc's preloaded as well dies at start ("linked against
incompatible ASan runtimes"). So native programs run without the sanitizer
runtimes in LD_PRELOAD; everything else in the environment is kept.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

SANITIZED = os.environ.get("TURBOJWT_SANITIZED") == "1"


def native_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ (plus `extra`) with the sanitizer runtimes taken out of LD_PRELOAD."""
    env = {**os.environ, **(extra or {})}
    preload = [p for p in env.get("LD_PRELOAD", "").replace(":", " ").split()
               if not os.path.basename(p).startswith(("libasan", "libubsan"))]
    if preload:
        env["LD_PRELOAD"] = " ".join(preload)
    else:
        env.pop("LD_PRELOAD", None)
    return env


def find_cc() -> list[str] | None:
    """The C compiler to build test programs with: $CC (it may carry flags), else cc, gcc or clang."""
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        if name and shutil.which(name.split()[0]):
            return name.split()
    return None


def all_compilers() -> list[list[str]]:
    """$CC, cc, gcc and clang, each once (by real path: cc is often gcc under another name)."""
    seen, found = set(), []
    for name in (os.environ.get("CC"), "cc", "gcc", "clang"):
        path = name and shutil.which(name.split()[0])
        if path and os.path.realpath(path) not in seen:
            seen.add(os.path.realpath(path))
            found.append(name.split())
    return found


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    """subprocess.run with output captured as text, in native_env() unless ``env`` is given."""
    kwargs.setdefault("env", native_env())
    return subprocess.run(cmd, capture_output=True, text=True, **kwargs)


TRIVIAL_PROBE = "int main(void) { return 0; }\n"


def sanitizers_work(cc: list[str], tmp: Path, flags: list[str], env: dict[str, str],
                    probe: str = TRIVIAL_PROBE) -> bool:
    """Whether ``cc`` with ``flags`` builds ``probe`` into a program that runs (exit 0) under ``env``.

    A compiler may accept -fsanitize=... while the runtime library is missing,
    or the runtime may refuse to start here: running the probe is the test.
    """
    src, exe = tmp / "sanitizer_probe.c", tmp / "sanitizer_probe"
    src.write_text(probe)
    try:
        if run([*cc, *flags, str(src), "-o", str(exe)]).returncode != 0:
            return False
        return run([str(exe)], env=native_env(env), timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def pkg_config_crypto(module: str = "libcrypto") -> tuple[list[str], list[str]] | None:
    """(compile flags, link flags) of ``module`` from pkg-config; None without pkg-config or the module."""
    if shutil.which("pkg-config") is None:
        return None
    r = run(["pkg-config", "--cflags", "--libs", module])
    if r.returncode != 0:
        return None
    out = r.stdout.split()
    return [f for f in out if not f.startswith(("-l", "-L"))], [f for f in out if f.startswith(("-l", "-L"))]


def crypto_flags() -> tuple[list[str], list[str]]:
    """(compile flags, link flags) for libcrypto from pkg-config, or just -lcrypto without it."""
    return pkg_config_crypto() or ([], ["-lcrypto"])
