"""One function decides the data origin, from the folder's manifest."""

from __future__ import annotations

import json
from pathlib import Path

from features.provenance import data_origin


def test_generated_folder_is_simulated_and_a_users_folder_is_named_not_pathed(tmp_path: Path) -> None:
    sim = tmp_path / "gen"
    sim.mkdir()
    (sim / "MANIFEST.json").write_text(
        json.dumps(
            {"generator": "kansenradar.features.synthetic", "files": {"a.csv": "1", "truth/t.csv": "2"}}
        )
    )
    origin = data_origin(sim)
    assert origin.simulated and origin.label == "simulated" and len(origin.fingerprint) == 12

    user = tmp_path / "mijn DUO downloads"
    user.mkdir()
    (user / "brin6_advies.csv").write_text("x;y\n1;2\n")
    (user / "truth").mkdir()  # a truth folder does not make data simulated
    mine = data_origin(user)
    assert not mine.simulated and mine.label == "mijn DUO downloads" and "/" not in mine.label
    (user / "brin6_advies.csv").write_text("x;y\n1;3\n")
    assert data_origin(user).fingerprint != mine.fingerprint  # other bytes, other fingerprint


def test_a_manifest_from_another_tool_does_not_claim_simulation(tmp_path: Path) -> None:
    (tmp_path / "MANIFEST.json").write_text(json.dumps({"generator": "someone else"}))
    assert not data_origin(tmp_path).simulated
