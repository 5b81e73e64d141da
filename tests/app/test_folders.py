"""The app's folder validator reads only inside its data root and echoes no file contents."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.folders as folders
from app.folders import FolderRefused, check_folder, inside_root

GOOD_ADVICE = (
    "INSTELLINGSCODE;VESTIGINGSCODE;TYPE_PO;PEILJAAR;ADVIES;AANTAL_LEERLINGEN\n00AP;00;BO;2022;HAVO;12\n"
)


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    r = tmp_path / "root"
    (r / "mine").mkdir(parents=True)
    return r


@pytest.mark.parametrize("text", ["/", "/etc", "~", "..", "mine/../..", "../outside", ""])
def test_paths_outside_the_root_are_refused(root: Path, text: str) -> None:
    (root.parent / "outside").mkdir(exist_ok=True)
    with pytest.raises(FolderRefused):
        inside_root(text, root)


def test_a_folder_inside_the_root_is_checked(root: Path) -> None:
    (root / "mine" / "brin6_advies.csv").write_text(GOOD_ADVICE, encoding="utf-8")
    checks = {c.file: c for c in check_folder("mine", root)}
    assert checks["brin6_advies.csv"].ok and checks["brin6_advies.csv"].rows == 1
    assert inside_root(str(root / "mine"), root) == (root / "mine").resolve()  # absolute inside: fine


def test_symlinks_out_of_the_root_are_refused_not_followed(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "brin6_advies.csv").write_text("root:x:0:0:TOPSECRET\n", encoding="utf-8")
    (root / "link").symlink_to(secret, target_is_directory=True)
    with pytest.raises(FolderRefused):
        check_folder("link", root)
    (root / "mine" / "brin6_advies.csv").symlink_to(secret / "brin6_advies.csv")
    checks = check_folder("mine", root)
    bad = [c for c in checks if c.file == "brin6_advies.csv"]
    assert bad and not bad[0].ok and "outside the data root" in bad[0].message
    assert all("TOPSECRET" not in c.message for c in checks)


def test_messages_echo_no_file_contents(root: Path) -> None:
    (root / "mine" / "brin6_advies.csv").write_text("root:x:0:0:TOPSECRET;a\n1;2\n", encoding="utf-8")
    (root / "mine" / "brin6_eindscores.csv").write_text(
        GOOD_ADVICE.replace("12", "SECRETVALUE"), encoding="utf-8"
    )
    checks = check_folder("mine", root)
    text = " ".join(c.message for c in checks)
    assert "TOPSECRET" not in text and "SECRETVALUE" not in text and "root:x" not in text
    assert any(not c.ok for c in checks if c.file == "brin6_advies.csv")


def test_size_limits(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / "mine" / "brin6_advies.csv").write_text(GOOD_ADVICE, encoding="utf-8")
    monkeypatch.setattr(folders, "MAX_FILE_BYTES", 10)
    checks = [c for c in check_folder("mine", root) if c.file == "brin6_advies.csv"]
    assert not checks[0].ok and "larger than" in checks[0].message
    monkeypatch.setattr(folders, "MAX_FILE_BYTES", 10**9)
    monkeypatch.setattr(folders, "MAX_TOTAL_BYTES", 10)
    with pytest.raises(FolderRefused, match="exceed"):
        check_folder("mine", root)
