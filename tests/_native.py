"""What the tests that build and run native programs (C tests, fuzz targets) share.

- native_env(): the environment to run a compiler or a native program in;
- find_cc() and all_compilers(): the C compilers on this machine;
- run(): a command in that environment, its output captured as text;
- sanitizers_work(): whether a compiler's sanitizer flags build a program that runs;
- pkg_config_crypto(), awslc_prefix(), backend_crypto_flags() and crypto_flags(): the compile and
  link flags of the system OpenSSL or, in the aws-lc pass (TURBOJWT_CRYPTO=aws-lc), of aws-lc.

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


def awslc_prefix() -> str | None:
    """The aws-lc install prefix when this run tests the aws-lc build (TURBOJWT_CRYPTO=aws-lc), else None.

    tools/test.sh exports TURBOJWT_AWSLC_PREFIX (tools/build_awslc.sh's cached build)
    for that run; the C-level tests then compile csrc/ against the same aws-lc as
    the extension, so they test the backend that is installed.
    """
    if os.environ.get("TURBOJWT_CRYPTO") != "aws-lc":
        return None
    prefix = os.environ.get("TURBOJWT_AWSLC_PREFIX")
    if not prefix:  # e.g. cibuildwheel's test step: the build's cached aws-lc
        script = Path(__file__).resolve().parent.parent / "tools" / "build_awslc.sh"
        prefix = subprocess.run(["bash", str(script)], check=True, capture_output=True, text=True).stdout.strip()
        os.environ["TURBOJWT_AWSLC_PREFIX"] = prefix
    return prefix


def backend_crypto_flags() -> tuple[list[str], list[str]] | None:
    """(compile flags, link flags) of the crypto backend under test: aws-lc's static
    library in the aws-lc pass (awslc_prefix), else pkg_config_crypto()."""
    prefix = awslc_prefix()
    if prefix is not None:
        return [f"-I{prefix}/include"], [f"{prefix}/lib/libcrypto.a", "-pthread"]
    return pkg_config_crypto()


def crypto_flags(system_openssl: bool = False) -> tuple[list[str], list[str]]:
    """(compile flags, link flags) for the libcrypto under test (backend_crypto_flags), or with
    system_openssl for the system OpenSSL; just -lcrypto without pkg-config."""
    found = pkg_config_crypto() if system_openssl else backend_crypto_flags()
    return found or ([], ["-lcrypto"])
