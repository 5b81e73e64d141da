"""The ``kansenradar`` command's entry point: first make sure the packages it imports are its own.

kansenradar's code lives in four top-level packages with generic names — ``features``,
``models``, ``app``, ``experiments`` — as the project's layout requires. Another distribution
installed into the same environment may bring a package of the same name and shadow (or
overwrite) one of them; Python would then import the wrong code and fail somewhere deep with a
confusing error. Each of our packages carries a marker (``__kansenradar__`` = its own name);
:func:`main` checks the four before it imports the CLI and, when one is foreign, says which and
how to install kansenradar in an environment of its own.

Cheap on purpose: the four ``__init__`` modules are empty apart from the marker, so
``kansenradar --help`` still answers at once.
"""

from __future__ import annotations

import importlib
import sys

PACKAGES = ("features", "models", "app", "experiments")
MARKER = "__kansenradar__"
EXIT_FOREIGN = 1


def foreign_packages() -> dict[str, str]:
    """The packages that are not kansenradar's own, with where they come from (empty: all ours)."""
    foreign = {}
    for name in PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            foreign[name] = f"cannot be imported ({exc})"
            continue
        if getattr(module, MARKER, None) != name:
            where = getattr(module, "__file__", None) or ", ".join(getattr(module, "__path__", [])) or "?"
            foreign[name] = f"comes from {where}"
    return foreign


def shadow_message(foreign: dict[str, str]) -> str:
    """What went wrong and what to do, in words a user can act on."""
    lines = [
        "kansenradar cannot start: another package in this Python environment uses the same "
        "top-level name as one of kansenradar's packages (features, models, app, experiments):",
        *(f"  - '{name}' {where}" for name, where in foreign.items()),
        "",
        "Install kansenradar in an environment of its own, for example:",
        "  pipx install kansenradar-<version>-py3-none-any.whl      (or: uv tool install <wheel>)",
        "  Linux/macOS:  python3.11 -m venv ~/kansenradar-venv && ~/kansenradar-venv/bin/pip install <wheel>",
        "  Windows:      py -3.11 -m venv kansenradar-venv; kansenradar-venv\\Scripts\\pip install <wheel>",
        "and run that environment's `kansenradar`. (A folder named like one of these packages in the "
        "current directory or on PYTHONPATH shadows it too.)",
    ]
    return "\n".join(lines)


def main() -> None:
    foreign = foreign_packages()
    if foreign:
        print(shadow_message(foreign), file=sys.stderr)
        sys.exit(EXIT_FOREIGN)
    from app.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main()
