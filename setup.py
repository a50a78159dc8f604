"""Build turbojwt's extensions: the C core (csrc/) with its Cython binding
(turbojwt._core), and the core's benchmark loops and test hooks (turbojwt._testing,
which links its own copy of the core).

The core links to one crypto library (csrc/backend.h), chosen by
  TURBOJWT_CRYPTO=openssl  (default) the system's OpenSSL libcrypto 3.0 or newer,
                           found with pkg-config, linked dynamically;
  TURBOJWT_CRYPTO=aws-lc   a static aws-lc, its symbols hidden in the extension:
                           from TURBOJWT_AWSLC_PREFIX (include/ and lib/libcrypto.a)
                           or else built once and cached by tools/build_awslc.sh.
Environment switches:
  TURBOJWT_OPENSSL_PC  pkg-config module to use for OpenSSL (default: libcrypto)
  TURBOJWT_SANITIZE=1  build with -fsanitize=address,undefined, in build/sanitize/
                       (tools/test_sanitized.sh runs the tests against it, with
                       LD_PRELOAD=$(gcc -print-file-name=libasan.so) and
                       PYTHONMALLOC=malloc)
  TURBOJWT_WERROR=1    turn compiler warnings into errors (CI does)
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from glob import glob

from setuptools import Extension, setup

MISSING_OPENSSL = """
turbojwt needs the OpenSSL 3 development files (headers and libcrypto), found
with pkg-config. Install them and try again:
  Debian/Ubuntu:  apt-get install libssl-dev pkg-config
  Fedora/RHEL:    dnf install openssl-devel pkgconf-pkg-config
  macOS:          brew install openssl@3 pkg-config
                  export PKG_CONFIG_PATH="$(brew --prefix openssl@3)/lib/pkgconfig"
"""


def pkg_config(module: str) -> tuple[list[str], list[str], list[str], list[str]]:
    """Include dirs, library dirs, libraries and the version of `module`."""
    if shutil.which("pkg-config") is None:
        sys.exit("error: pkg-config was not found.\n" + MISSING_OPENSSL)

    def query(*args: str) -> list[str]:
        try:
            out = subprocess.run(
                ["pkg-config", *args, module], check=True, capture_output=True, text=True
            ).stdout
        except subprocess.CalledProcessError:
            sys.exit(f"error: pkg-config cannot find {module!r}.\n" + MISSING_OPENSSL)
        return out.split()

    version = query("--modversion")
    incs = [f[2:] for f in query("--cflags-only-I")]
    libdirs = [f[2:] for f in query("--libs-only-L")]
    libs = [f[2:] for f in query("--libs-only-l")]
    major = int(version[0].split(".")[0]) if version else 0
    if major < 3:
        sys.exit(f"error: {module} {version[0]} is too old; turbojwt needs OpenSSL 3.0 or newer.\n"
                 + MISSING_OPENSSL)
    return incs, libdirs, libs, version


@functools.lru_cache(maxsize=None)  # one answer for both extensions
def awslc_prefix() -> str:
    """The aws-lc install prefix: TURBOJWT_AWSLC_PREFIX, or tools/build_awslc.sh's (cached) build."""
    prefix = os.environ.get("TURBOJWT_AWSLC_PREFIX")
    if not prefix:
        script = os.path.join("tools", "build_awslc.sh")
        if not os.path.exists(script):
            sys.exit("error: TURBOJWT_CRYPTO=aws-lc needs TURBOJWT_AWSLC_PREFIX (an aws-lc install prefix)\n"
                     "or tools/build_awslc.sh (in the source tree) to build one.")
        prefix = subprocess.run(["bash", script], check=True, stdout=subprocess.PIPE,
                                text=True).stdout.strip().splitlines()[-1]
    lib = os.path.join(prefix, "lib", "libcrypto.a")
    if not os.path.exists(lib):
        sys.exit(f"error: {lib} not found: TURBOJWT_AWSLC_PREFIX must be an aws-lc install prefix")
    return prefix


def crypto_link() -> tuple[list[str], dict[str, list[str]]]:
    """Include dirs and the Extension arguments that link the chosen crypto library."""
    crypto = os.environ.get("TURBOJWT_CRYPTO", "openssl")
    if crypto == "aws-lc":
        prefix = awslc_prefix()
        # why static with hidden symbols: the extension then calls its own aws-lc
        # and exports none of it, so it shares a process with the system OpenSSL
        # (Python's ssl, hashlib) and with cryptography's libcrypto.
        hide = ["-Wl,--exclude-libs,ALL"] if sys.platform.startswith("linux") else []
        return [os.path.join(prefix, "include")], {
            "extra_objects": [os.path.join(prefix, "lib", "libcrypto.a")], "extra_link_args": hide}
    if crypto != "openssl":
        sys.exit(f"error: TURBOJWT_CRYPTO={crypto!r}: expected 'openssl' or 'aws-lc'")
    incs, libdirs, libs, _ = pkg_config(os.environ.get("TURBOJWT_OPENSSL_PC", "libcrypto"))
    return incs, {
        "library_dirs": libdirs,
        "libraries": libs,
        "runtime_library_dirs": [d for d in libdirs if sys.platform.startswith("linux")],
        "extra_link_args": [],
    }


def extension(name: str, pyx: str) -> Extension:
    incs, link = crypto_link()
    # -pthread: csrc/batch.c starts worker threads of its own. -O3 and, on ELF
    # platforms, -fno-plt (libcrypto's functions called through the GOT, not a
    # PLT stub): together about 2% of an HS256 decode.
    cflags = ["-std=c11", "-O3", "-Wall", "-Wextra", "-fvisibility=hidden", "-pthread"]
    if sys.platform.startswith("linux"):
        cflags.append("-fno-plt")
    ldflags: list[str] = ["-pthread", *link.pop("extra_link_args")]
    if os.environ.get("TURBOJWT_WERROR") == "1":
        cflags.append("-Werror")
    if os.environ.get("TURBOJWT_SANITIZE") == "1":
        san = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer", "-fno-sanitize-recover=undefined"]
        # Python's own CFLAGS carry -fwrapv, which makes signed overflow defined
        # and so hides it from UBSan; the core must not rely on it.
        cflags += san + ["-O1", "-g", "-fno-wrapv"]
        ldflags += san
    return Extension(
        name,
        sources=[pyx, *sorted(glob("csrc/*.c"))],
        # every core header: a change to one rebuilds the extension
        depends=sorted(glob("csrc/*.h") + glob("src/turbojwt/*.h")),
        include_dirs=["csrc", "src/turbojwt", *incs],
        **link,
        extra_compile_args=cflags,
        extra_link_args=ldflags,
        define_macros=[("OPENSSL_API_COMPAT", "30000")],
    )


def cythonized() -> list[Extension]:
    from Cython.Build import cythonize

    return cythonize(
        [extension("turbojwt._core", "src/turbojwt/_core.pyx"),
         extension("turbojwt._testing", "src/turbojwt/_testing.pyx")],
        compiler_directives={
            "language_level": 3,
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "embedsignature": True,
            "freethreading_compatible": True,
        },
    )


# A sanitizer build, and a build against aws-lc, get a build directory of their
# own, so that their objects and extension never end up in a regular wheel built
# from the same tree (or the other way round): setuptools skips an extension
# that is newer than its sources, whatever it was linked against.
def build_base() -> str | None:
    parts = [part for part, on in (("aws-lc", os.environ.get("TURBOJWT_CRYPTO") == "aws-lc"),
                                   ("sanitize", os.environ.get("TURBOJWT_SANITIZE") == "1")) if on]
    return os.path.join("build", "-".join(parts)) if parts else None


setup(ext_modules=cythonized(),
      options={"build": {"build_base": build_base()}} if build_base() else {})
