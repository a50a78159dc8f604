# The crypto backend the C core was built against (csrc/backend.h).


def backend_version():
    """The crypto library turbojwt's C core uses, with its version.

    ``"aws-lc 5.12.0"`` for a build against aws-lc (what the wheels carry),
    ``"OpenSSL 3.0.19 27 Jan 2026"`` (as the loaded libcrypto reports it) for a
    source build against the system OpenSSL.
    """
    return tj_backend_version().decode("ascii")
