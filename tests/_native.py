"""The environment for native programs that tests build and run (C tests, fuzz targets, compilers).

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
import subprocess

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


def crypto_flags() -> tuple[list[str], list[str]]:
    """(compile flags, link flags) for libcrypto from pkg-config, or just -lcrypto without it."""
    try:
        out = subprocess.run(
            ["pkg-config", "--cflags", "--libs", "libcrypto"],
            check=True, capture_output=True, text=True, env=native_env(),
        ).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        return [], ["-lcrypto"]
    return [f for f in out if not f.startswith(("-l", "-L"))], [f for f in out if f.startswith(("-l", "-L"))]
