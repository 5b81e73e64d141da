"""The working folder (issue 24): which folder, which variable wins, nothing written elsewhere,
the CLI, the app and serving follow it, and a copied MLflow store still loads its models."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from features import paths
from features.paths import (
    DATA_ROOT_ENV,
    HOME_ENV,
    LOG_ENV,
    OUTPUT_ENV,
    TRACKING_ENV,
    home,
)

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()
ALL_VARIABLES = (HOME_ENV, OUTPUT_ENV, LOG_ENV, DATA_ROOT_ENV, TRACKING_ENV, "MLFLOW_REGISTRY_URI")


@pytest.fixture()
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No location variable set (and restored afterwards, also when the CLI sets one)."""
    for name in ALL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_a_checkout_works_in_its_repository_root(clean_env) -> None:
    assert paths.checkout_root() == REPO
    assert home() == REPO
    assert paths.default_data_dir() == REPO / "data" / "generated"
    assert paths.output_root() == REPO / "outputs"
    assert paths.tracking_uri() == f"sqlite:///{(REPO / 'mlflow.db').as_posix()}"


def test_only_a_pyproject_naming_kansenradar_makes_a_checkout(tmp_path: Path) -> None:
    assert not paths.is_checkout(tmp_path)  # site-packages: no pyproject.toml
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "otherproject"\n', encoding="utf-8")
    assert not paths.is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "kansenradar"\n', encoding="utf-8")
    assert paths.is_checkout(tmp_path)


def test_installed_kansenradar_works_in_the_per_user_data_folder(clean_env, tmp_path: Path) -> None:
    clean_env.setattr(paths, "checkout_root", lambda: None)
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    expected = paths.user_home()
    assert home() == expected
    if sys.platform.startswith("linux"):
        assert expected == tmp_path / "xdg" / "kansenradar"
    assert paths.output_root() == expected / "outputs"
    assert paths.log_dir() == expected / "outputs" / "logs"


def test_kansenradar_home_moves_every_part(clean_env, tmp_path: Path) -> None:
    clean_env.setenv(HOME_ENV, str(tmp_path))
    assert home() == tmp_path.resolve()
    assert paths.default_data_dir() == tmp_path / "data" / "generated"
    assert paths.output_root() == tmp_path / "outputs"
    assert paths.log_dir() == tmp_path / "outputs" / "logs"
    assert paths.data_root() == (tmp_path / "data").resolve()
    assert paths.tracking_uri() == f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}"


def test_each_part_variable_wins_over_the_working_folder_for_its_part_only(clean_env, tmp_path: Path) -> None:
    clean_env.setenv(HOME_ENV, str(tmp_path / "home"))
    clean_env.setenv(OUTPUT_ENV, str(tmp_path / "out"))
    assert paths.output_root() == tmp_path / "out"
    assert paths.log_dir() == tmp_path / "out" / "logs"  # logs follow the outputs
    assert paths.tracking_uri().endswith("home/mlflow.db")  # the others stay in the home
    clean_env.setenv(LOG_ENV, str(tmp_path / "logs"))
    clean_env.setenv(TRACKING_ENV, "sqlite:///elsewhere.db")
    clean_env.setenv(DATA_ROOT_ENV, str(tmp_path / "mine"))
    assert paths.log_dir() == tmp_path / "logs"
    assert paths.tracking_uri() == "sqlite:///elsewhere.db"
    assert paths.data_root() == (tmp_path / "mine").resolve()
    assert paths.default_data_dir() == tmp_path / "home" / "data" / "generated"


def test_the_embedded_skeleton_is_package_data_of_features() -> None:
    import features

    skeleton = paths.SKELETON_DIR
    assert skeleton == Path(features.__file__).resolve().parent / "skeleton"
    assert (paths.SKELETON_DIR / "gemeenten_corop_1981.xlsx").is_file()
    assert not (REPO / "data" / "skeleton").exists()


def _cli(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[object, list[dict]]:
    """Run the CLI with the subprocess it would start recorded instead of started."""
    from app.cli import app

    started: list[dict] = []

    def record(cmd, cwd=None, env=None):
        started.append({"cmd": cmd, "cwd": cwd, "env": env})
        return 0

    monkeypatch.setattr(subprocess, "call", record)
    return runner.invoke(app, argv), started


def test_the_app_is_started_on_the_home_given_on_the_command_line(clean_env, tmp_path: Path) -> None:
    result, started = _cli(["--home", str(tmp_path / "h"), "app"], clean_env)
    assert result.exit_code == 0, result.output
    (call,) = started
    assert call["env"][HOME_ENV] == str((tmp_path / "h").resolve())  # the Streamlit process follows
    assert Path(call["cwd"]) == (tmp_path / "h").resolve()


def test_serving_and_the_mlflow_ui_use_the_homes_store_on_localhost(clean_env, tmp_path: Path) -> None:
    uri = f"sqlite:///{(tmp_path / 'mlflow.db').as_posix()}"
    result, started = _cli(
        ["--home", str(tmp_path), "serve", "--target", "dropout", "--level", "rmc"], clean_env
    )
    assert result.exit_code == 0, result.output
    assert started[0]["env"]["MLFLOW_TRACKING_URI"] == uri
    result, started = _cli(["--home", str(tmp_path), "ui", "--port", "5055"], clean_env)
    assert result.exit_code == 0, result.output
    cmd = started[0]["cmd"]
    assert cmd[1:4] == ["-m", "mlflow", "ui"]
    assert cmd[cmd.index("--backend-store-uri") + 1] == uri
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--default-artifact-root") + 1] == (tmp_path / "mlartifacts").as_uri()


def test_run_only_refuses_an_unknown_experiment_before_reading_data(clean_env, tmp_path: Path) -> None:
    result, _ = _cli(["--home", str(tmp_path), "run", "--only", "dropout_rmc,nonsense"], clean_env)
    assert result.exit_code == 1
    assert "nonsense" in result.output
    assert not any(tmp_path.iterdir())  # nothing generated for a typo


def test_a_small_command_writes_only_under_its_home(tmp_path: Path) -> None:
    """``generate`` from another folder, with HOME, TMPDIR and XDG inside the working folder: the
    current folder stays empty and the checkout gains nothing (the installed wheel is checked
    with every command, and strace, by ``.ci/wheel_check.py``)."""
    work, elsewhere = tmp_path / "home", tmp_path / "cwd"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ALL_VARIABLES}
    env.update(
        HOME=str(work / "user"),
        TMPDIR=str(work / "tmp"),
        XDG_CACHE_HOME=str(work / "cache"),
        XDG_CONFIG_HOME=str(work / "config"),
        XDG_DATA_HOME=str(work / "share"),
    )
    for key in ("HOME", "TMPDIR", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        Path(env[key]).mkdir(parents=True)
    before = _untracked_and_changed(REPO)
    script = [sys.executable, "-c", "import kansenradar_main; kansenradar_main.main()", "--home", str(work)]
    done = subprocess.run(
        [*script, "generate", "--scale", "0.2"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (work / "data" / "generated" / "MANIFEST.json").is_file()
    assert list(elsewhere.iterdir()) == []
    assert _untracked_and_changed(REPO) == before


def _untracked_and_changed(repo: Path) -> set[tuple[str, float]]:
    """Files git would report (ignored ones too) with their modification times."""
    done = subprocess.run(
        ["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    found = set()
    for line in done.stdout.splitlines():
        name = line[3:].split(" -> ")[-1]
        if (
            name.startswith((".venv/", ".pytest_cache/", ".ruff_cache/", ".hypothesis/"))
            or "__pycache__" in name
        ):
            continue
        path = repo / name
        found.add((name, path.stat().st_mtime if path.exists() else -1.0))
    return found


def _tiny_store(root: Path) -> None:
    """A store made the way ``run`` makes one (``models.registry.setup``), with one registered model."""
    import mlflow
    import pandas as pd

    from models.registry import setup

    class Doubler(mlflow.pyfunc.PythonModel):  # pickled by value (cloudpickle)
        def predict(self, context, model_input, params=None):
            return model_input["x"] * 2

    os.environ[TRACKING_ENV] = f"sqlite:///{(root / 'mlflow.db').as_posix()}"
    setup("kansenradar-tiny")
    with mlflow.start_run():
        mlflow.pyfunc.log_model(
            name="model",
            python_model=Doubler(),
            registered_model_name="tiny",
            input_example=pd.DataFrame({"x": [1.0]}),
            pip_requirements=["mlflow"],
        )


def test_a_copied_store_loads_its_registered_model_where_it_lands(clean_env, tmp_path: Path) -> None:
    import mlflow
    import pandas as pd

    from models.registry import client

    made, landed = tmp_path / "made", tmp_path / "landed"
    made.mkdir()
    clean_env.setenv(TRACKING_ENV, "placeholder")  # restored afterwards
    _tiny_store(made)
    shutil.copytree(made, landed)
    shutil.rmtree(made)  # the folder it was made in is gone (another machine)
    clean_env.setenv(HOME_ENV, str(landed))
    clean_env.delenv(TRACKING_ENV, raising=False)
    mlflow_client = client()
    version = mlflow_client.get_model_version("tiny", "1")
    assert str(landed) in mlflow_client.get_run(version.run_id).info.artifact_uri
    model = mlflow.pyfunc.load_model("models:/tiny/1")
    assert model.predict(pd.DataFrame({"x": [2.0]})).tolist() == [4.0]


def test_a_copied_pipeline_store_loads_the_champion(pipeline_run, clean_env, tmp_path: Path) -> None:
    """The real store of a run (SQLite + artifacts), copied elsewhere: the champion loads from the
    copy's own artifacts, and every location the copy records points inside it."""
    import sqlite3

    from models.registry import load_champion

    source = pipeline_run["root"]
    for part in ("mlflow.db", "mlartifacts"):
        (shutil.copytree if (source / part).is_dir() else shutil.copy2)(source / part, tmp_path / part)
    clean_env.setenv(HOME_ENV, str(tmp_path))
    name = pipeline_run["outcomes"][0].config.registered_name
    model, facts = load_champion(name)
    assert facts["version"] and model.target == pipeline_run["outcomes"][0].config.target
    with sqlite3.connect(tmp_path / "mlflow.db") as db:
        locations = [row[0] for row in db.execute("SELECT artifact_location FROM experiments")]
        sources = [row[0] for row in db.execute("SELECT storage_location FROM model_versions")]
    assert locations and all(str(source) not in loc for loc in locations + sources)
    assert all(str(tmp_path) in loc for loc in locations if loc.startswith("file:"))


def _probe(code: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    """``python -c code`` in ``cwd`` (which comes first on ``sys.path``, before site-packages)."""
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_a_foreign_package_of_the_same_name_is_named_with_how_to_install(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("# someone else's models\n", encoding="utf-8")
    done = _probe(
        "import sys; sys.argv = ['kansenradar', '--help']; import kansenradar_main; kansenradar_main.main()",
        tmp_path,
    )
    assert done.returncode == 1
    assert "'models' comes from" in done.stderr and str(tmp_path) in done.stderr
    assert "pipx install" in done.stderr and "venv" in done.stderr
    assert "Usage" not in done.stdout  # stopped before the CLI


def test_the_entry_point_checks_and_still_imports_no_heavy_library_for_help() -> None:
    code = (
        "import sys\nsys.argv = ['kansenradar', '--help']\nimport kansenradar_main\n"
        "try:\n    kansenradar_main.main()\nexcept SystemExit as exc:\n    print('EXIT', exc.code)\n"
        "print('HEAVY', sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'sklearn', 'mlflow', 'lightgbm', 'fairlearn', 'streamlit', 'pyarrow'}))\n"
    )
    done = _probe(code)
    assert "EXIT 0" in done.stdout, done.stderr
    assert "HEAVY []" in done.stdout
    assert "--home" in done.stdout
