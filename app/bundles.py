"""The app's way to the champion's bundle: which experiment, which version the registry names.

Reading and writing bundles belongs to :mod:`models.bundle`; this module only joins it with the
experiment specs (``experiments/``) and the output location, for the pages, the CLI and serving.
"""

from __future__ import annotations

from experiments.config import load_configs, spec_for
from features.paths import output_root
from models.bundle import Bundle, BundleMeta, bundle_versions, find_bundle, latest_refusal, newest_bundle


def available_levels(target: str) -> list[str]:
    return [c.level for c in load_configs() if c.target == target]


def registered_name(target: str, level: str) -> str:
    return spec_for(target, level).registered_name


def champion_from_registry(name: str) -> str | None:
    """Ask MLflow which version is champion (None when the registry is unavailable)."""
    try:
        from models.registry import champion_version

        return champion_version(name)
    except Exception:  # registry missing or unreadable: fall back to bundle metadata
        return None


def champion_bundle(target: str, level: str, champion: str | None = None) -> Bundle | None:
    """The bundle of the given champion version, else of the newest promoted version."""
    return find_bundle(output_root(), registered_name(target, level), champion)


def newest(target: str, level: str) -> Bundle | None:
    """The newest version's bundle whatever the gate said — for its *data* only."""
    return newest_bundle(output_root(), registered_name(target, level))


def refusal(target: str, level: str) -> BundleMeta | None:
    """Meta of the newest version if the gate refused it (to explain a missing champion)."""
    return latest_refusal(output_root(), registered_name(target, level))


def versions(target: str, level: str) -> list:
    return bundle_versions(output_root(), registered_name(target, level))
