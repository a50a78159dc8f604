"""What a benchmark ran on: CPU, cores, Python, the OpenSSL builds in play, every library's version."""

from __future__ import annotations

import ctypes
import datetime
import importlib.metadata
import json
import os
import platform
import shutil
import ssl
import subprocess
from pathlib import Path
from types import ModuleType

# The peers, by distribution name (what `pip install` takes) -> the name the reports use.
PEER_DISTRIBUTIONS = {"PyJWT": "PyJWT", "ryjwt": "ryjwt", "joserfc": "joserfc", "python-jose": "python-jose",
                      "jwcrypto": "jwcrypto"}


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def linked_libcrypto(extension_file: str) -> str:
    """The libcrypto that an extension module loads, with its version (ldd + OpenSSL_version)."""
    if shutil.which("ldd"):
        out = subprocess.run(["ldd", extension_file], capture_output=True, text=True).stdout
        for line in out.splitlines():
            if "libcrypto" in line and "=>" in line:
                path = line.split("=>")[1].split("(")[0].strip()
                try:
                    fn = ctypes.CDLL(path).OpenSSL_version
                    fn.restype, fn.argtypes = ctypes.c_char_p, [ctypes.c_int]
                    return f"{fn(0).decode()} ({path})"
                except (OSError, AttributeError):
                    return path
    if shutil.which("pkg-config"):
        out = subprocess.run(["pkg-config", "--modversion", "libcrypto"], capture_output=True, text=True)
        if out.returncode == 0:
            return f"OpenSSL {out.stdout.strip()} (pkg-config libcrypto; not read from the extension)"
    return "unknown"


def backend_libcrypto(core: ModuleType) -> str:
    """turbojwt's crypto library: "aws-lc 5.12.0 (linked in statically)" or the OpenSSL it loads."""
    backend = core.backend_version() if hasattr(core, "backend_version") else ""
    if backend.startswith("aws-lc"):
        return f"{backend} (linked in statically)"
    return linked_libcrypto(core.__file__)


def version_of(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cryptography_info() -> str:
    """cryptography's version and the OpenSSL it carries: PyJWT, joserfc, jwcrypto and python-jose's
    cryptography backend verify and sign RS/PS/ES/EdDSA with it."""
    try:
        import cryptography
        from cryptography.hazmat.backends.openssl import backend
        return f"{cryptography.__version__} ({backend.openssl_version_text()})"
    except ImportError:
        return "not installed"
    except Exception:  # noqa: BLE001 - an older or newer layout: the version alone still says something
        return version_of("cryptography")


def checkout_commit(root: Path) -> str:
    """`git describe --always --dirty` of the checkout (read-only), or "unknown"."""
    if not shutil.which("git"):
        return "unknown"
    out = subprocess.run(["git", "-C", str(root), "describe", "--always", "--dirty"],
                         capture_output=True, text=True)
    return out.stdout.strip() if out.returncode == 0 else "unknown"


def turbojwt_source(turbojwt: ModuleType, root: Path) -> str:
    """Where the turbojwt under test was built from: this checkout's src/ (with its commit), or the URL
    pip recorded for the installed package (direct_url.json), or "installed"."""
    package = Path(turbojwt.__file__).resolve().parent
    if package.is_relative_to(root):
        return f"in-place build in {root}, checkout {checkout_commit(root)}"
    try:
        url = json.loads(importlib.metadata.distribution("turbojwt").read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        url = {}
    commit = url.get("vcs_info", {}).get("commit_id")
    return f"installed from {url['url']}{' @ ' + commit if commit else ''}" if url.get("url") else "installed"


def machine_info(turbojwt: ModuleType, root: Path) -> dict:
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from turbojwt import _core
    info = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cpu": cpu_model(), "cores": os.cpu_count(), "usable_cores": usable,
        "platform": platform.platform(),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "python_ssl": ssl.OPENSSL_VERSION,
        # the backend the core was built against (turbojwt.backend_version()): a static
        # aws-lc shows in no ldd output; the OpenSSL build's names its shared library too
        "turbojwt_backend": _core.backend_version() if hasattr(_core, "backend_version") else "OpenSSL",
        "turbojwt_libcrypto": backend_libcrypto(_core),
        "turbojwt": f"{turbojwt.__version__} ({Path(turbojwt.__file__).parent})",
        "turbojwt_source": turbojwt_source(turbojwt, root),
        "checkout": checkout_commit(root),
    }
    info.update({name: version_of(dist) for name, dist in PEER_DISTRIBUTIONS.items()})
    info["cryptography"] = cryptography_info()
    return info


def version_lines(info: dict) -> list[str]:
    """One Markdown bullet per library, for a report's header."""
    peers = ", ".join(f"{name} {info.get(name, 'not recorded')}" for name in PEER_DISTRIBUTIONS)
    return [
        f"- turbojwt {info['turbojwt']}, {info.get('turbojwt_source', 'source not recorded')}; benchmark "
        f"scripts from checkout {info.get('checkout', 'unknown')}",
        f"- peers: {peers}",
        f"- cryptography {info['cryptography']}: makes the public-key test keys and tokens; PyJWT, joserfc, "
        "jwcrypto and python-jose (cryptography backend) verify and sign with it",
    ]
