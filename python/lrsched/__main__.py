"""`python -m lrsched ARGS` runs the installed `lrsched` executable with ARGS.

pip puts the executable in the environment's scripts directory (bin/ of a venv); it is found
there through sysconfig, as ruff's `python -m ruff` does, not through PATH.
"""

import os
import sys
import sysconfig


def find_lrsched_bin() -> str:
    """Return the path of the `lrsched` executable installed with this package."""
    exe = "lrsched" + (sysconfig.get_config_var("EXE") or "")
    if sys.version_info >= (3, 10):
        user_scheme = sysconfig.get_preferred_scheme("user")
    elif os.name == "nt":
        user_scheme = "nt_user"
    elif sys.platform == "darwin" and sys._framework:
        user_scheme = "osx_framework_user"
    else:
        user_scheme = "posix_user"
    # `pip install` (venv or system), then `pip install --user`.
    candidates = [
        os.path.join(sysconfig.get_path("scripts"), exe),
        os.path.join(sysconfig.get_path("scripts", scheme=user_scheme), exe),
    ]
    for path in candidates:
        if os.path.isfile(path):
            return path
    sys.exit(
        "python -m lrsched: the lrsched executable is not installed (looked for "
        + " and ".join(candidates)
        + "); reinstall the lrsched package with pip"
    )


def main() -> None:
    lrsched = os.fsdecode(find_lrsched_bin())
    if os.name == "posix":
        # Replace this process, so that stdin, stdout, the exit status and signals are
        # lrsched's own, exactly as when it is run directly.
        os.execv(lrsched, [lrsched, *sys.argv[1:]])
    else:
        import subprocess

        sys.exit(subprocess.run([lrsched, *sys.argv[1:]]).returncode)


if __name__ == "__main__":
    main()
