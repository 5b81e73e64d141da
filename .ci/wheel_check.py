"""CI step (issue 24): kansenradar as a user installs it — from a wheel, in a fresh environment,
in an empty working folder — writes only under that folder.

1. ``pip wheel --no-deps`` builds the wheel from this checkout; its size is printed.
2. A fresh virtual environment outside the repository gets the wheel, with its dependencies
   pinned to the versions of this checkout's ``.venv`` (``pip freeze`` as constraints), so the
   same resolution is installed (served from pip's cache / the configured indexes).
3. In an empty temporary working folder given as ``--home``, with ``HOME``, ``TMPDIR`` and the
   XDG folders pointed inside it (library caches land there too), and from *another* empty
   folder as the current directory: ``generate``, ``validate``, a small ``run --only``,
   ``score``, then ``app`` until its health check answers, and every page of the installed
   app rendered by Streamlit's AppTest (the Overview with its ranked list of places).
4. Nothing may be written outside the working folder: the current folder stays empty, the
   installed environment (the package in ``site-packages`` included) has the same files with
   the same sizes and times before and after, and — where ``strace`` is available — every file
   the commands and their child processes create, open for writing, rename or remove lies in
   the working folder (``/dev`` and ``/proc`` aside).

Exit status 0 when all holds; 1 with the reasons otherwise. ``make wheel-check`` runs it;
``.ci/run`` runs it after the test suite.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPERIMENT = "under_advice_gemeente"  # small (342 places) and what the app opens on
TARGET, LEVEL = "under_advice", "gemeente"
RENDER_PAGES = """
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

import app

root = Path(app.__file__).parent
for page in [root / "kansenradar.py", *sorted((root / "pages").glob("*.py"))]:
    at = AppTest.from_file(str(page), default_timeout=300).run()
    if at.exception:
        sys.exit(f"{page.name}: {[e.value for e in at.exception]}")
    if page.name == "0_Overzicht.py" and not (len(at.dataframe) and len(at.dataframe[0].value)):
        sys.exit("the Overview shows no ranked list of places")
    print(page.name, "rendered")
"""
WRITE_CALLS = (
    "open,openat,creat,mkdir,mkdirat,rename,renameat,renameat2,unlink,unlinkat,rmdir,"
    "link,linkat,symlink,symlinkat,truncate,chdir"
)
WRITE_FLAGS = ("O_WRONLY", "O_RDWR", "O_CREAT", "O_TRUNC", "O_APPEND")
ALLOWED_ELSEWHERE = ("/dev/", "/proc/")


def say(message: str, t0: float) -> None:
    print(f"[{time.perf_counter() - t0:6.1f} s] {message}", flush=True)


def run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace", **kwargs)
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}"
        )
    return done


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    files = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            stat = path.lstat()
            files[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return files


def changed(before: dict, after: dict) -> list[str]:
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    modified = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    return [
        *(f"added {k}" for k in added),
        *(f"removed {k}" for k in removed),
        *(f"changed {k}" for k in modified),
    ]


_LINE = re.compile(r"^(\w+)\((.*)\)\s+=\s+")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_FDPATH = re.compile(r"AT_FDCWD<([^>]*)>|^\d+<([^>]*)>")


def written_paths(trace: Path, cwd: Path) -> set[str]:
    """The paths one traced process (one ``strace -ff`` file) created, wrote, renamed or removed.

    Relative names are resolved against the process's directory: the one it changed to, else
    the command's (a child inherits its parent's; the commands' children are started either in
    it or with an explicit ``cwd``, which shows as a ``chdir`` here).
    """
    here = str(cwd)
    found: set[str] = set()
    for line in trace.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(line)
        if not match:
            continue
        call, args = match.groups()
        names = _QUOTED.findall(args)
        if call == "chdir":
            if names:
                here = os.path.normpath(os.path.join(here, names[0]))
            continue
        if call in ("open", "openat"):
            if not any(flag in args for flag in WRITE_FLAGS):
                continue
            opened = re.match(r"^\d+<([^>]*)>", line.rsplit(") = ", 1)[-1])  # -y: the descriptor's path
            if opened:
                found.add(opened.group(1))
                continue
        base = _FDPATH.search(args)
        base_dir = (base.group(1) or base.group(2)) if base else here
        for name in names:
            found.add(os.path.normpath(os.path.join(base_dir, name)))
    return found


def outside(paths: set[str], home: Path, also_allowed: tuple[Path, ...]) -> list[str]:
    allowed = (str(home), *(str(p) for p in also_allowed))
    return sorted(
        p
        for p in paths
        if not p.startswith(ALLOWED_ELSEWHERE)
        and not any(p == a or p.startswith(a + os.sep) for a in allowed)
        and not p.startswith(("pipe:", "socket:", "anon_inode:"))
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_app(kansenradar: Path, home: Path, cwd: Path, env: dict, traced: list[str]) -> None:
    """``kansenradar app`` serves: wait for Streamlit's health check, fetch the page, stop."""
    port = free_port()
    group = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        if sys.platform == "win32"
        else {"start_new_session": True}
    )
    proc = subprocess.Popen(
        [*traced, str(kansenradar), "--home", str(home), "app", "--port", str(port)],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **group,
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"kansenradar app exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("kansenradar app did not answer within 180 s") from None
                time.sleep(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            if r.status != 200:
                raise SystemExit(f"kansenradar app answered {r.status}")
    finally:
        if sys.platform == "win32":
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True, check=False)
        else:
            import signal

            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=30)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def main() -> int:
    t0 = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="kansenradar-wheel-check-"))
    problems: list[str] = []
    try:
        dist, venv, home, cwd, traces = (scratch / n for n in ("dist", "venv", "home", "cwd", "traces"))
        for folder in (dist, home, cwd, traces):
            folder.mkdir()

        say("building the wheel (pip wheel --no-deps)", t0)
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(REPO)])
        shutil.rmtree(REPO / "build", ignore_errors=True)  # setuptools' scratch folder
        (wheel,) = dist.glob("kansenradar-*.whl")
        size_mb = wheel.stat().st_size / 1e6
        say(f"wheel {wheel.name}: {size_mb:.1f} MB", t0)

        say("installing it into a fresh virtual environment outside the repository", t0)
        constraints = scratch / "constraints.txt"
        frozen = run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"]).stdout
        constraints.write_text(frozen, encoding="utf-8")
        run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv)])
        scripts = venv / ("Scripts" if sys.platform == "win32" else "bin")
        python = scripts / "python"
        run([str(python), "-m", "pip", "install", "--quiet", str(wheel), "-c", str(constraints)])
        kansenradar = scripts / "kansenradar"
        installed = snapshot(venv)
        say(f"installed ({len(installed):,} files in the environment)", t0)

        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("KANSENRADAR_", "MLFLOW_", "VIRTUAL_ENV", "PYTHON"))
        }
        user = {
            "HOME": home / "user",
            "USERPROFILE": home / "user",
            "TMPDIR": home / "tmp",
            "TEMP": home / "tmp",
            "TMP": home / "tmp",
            "XDG_CACHE_HOME": home / "user" / ".cache",
            "XDG_CONFIG_HOME": home / "user" / ".config",
            "XDG_DATA_HOME": home / "user" / ".local" / "share",
            "XDG_STATE_HOME": home / "user" / ".local" / "state",
        }
        for key, folder in user.items():
            folder.mkdir(parents=True, exist_ok=True)
            env[key] = str(folder)
        env["PATH"] = os.pathsep.join([str(scripts), env.get("PATH", "")])
        env["KANSENRADAR_WORKERS"] = "1"  # a shared CI machine; one experiment anyway

        strace = shutil.which("strace") if sys.platform.startswith("linux") else None
        commands = [
            ("generate", ["generate"]),
            ("validate", ["validate"]),
            ("run", ["run", "--only", EXPERIMENT]),
            ("score", ["score", "--target", TARGET, "--level", LEVEL]),
        ]
        for label, argv in commands:
            traced = _traced(strace, traces / label)
            started = time.perf_counter()
            run([*traced, str(kansenradar), "--home", str(home), *argv], cwd=cwd, env=env)
            say(f"kansenradar {' '.join(argv)}: ok in {time.perf_counter() - started:.0f} s", t0)
        check_app(kansenradar, home, cwd, env, _traced(strace, traces / "app"))
        say("kansenradar app: the health check and the page answered", t0)
        pages_env = dict(env, KANSENRADAR_HOME=str(home))  # what `kansenradar --home` gives the app
        run([*_traced(strace, traces / "pages"), str(python), "-c", RENDER_PAGES], cwd=cwd, env=pages_env)
        say("every page of the app renders on the installed package (Streamlit AppTest)", t0)

        scores = home / "outputs" / f"scores_{TARGET}_{LEVEL}_2025.csv"
        for expected in (home / "data" / "generated" / "MANIFEST.json", home / "mlflow.db", scores):
            if not expected.is_file():
                problems.append(f"expected {expected} to be written")
        if any(cwd.iterdir()):
            problems.append(f"written into the current folder: {sorted(p.name for p in cwd.iterdir())}")
        problems += [f"installed environment {c}" for c in changed(installed, snapshot(venv))]
        if strace:
            written: set[str] = set()
            for trace in traces.glob("*/trace.*"):  # one file per process (strace -ff)
                written |= written_paths(trace, cwd)
            stray = outside(written, home, (traces,))
            problems += [f"written outside the working folder: {p}" for p in stray]
            say(f"strace: {len(written):,} paths written, all checked", t0)
        else:
            say("strace not available: checked the current folder and the environment only", t0)
    finally:
        elapsed = time.perf_counter() - t0
    if problems:
        print("WHEEL CHECK FAILED (scratch folder kept: " + str(scratch) + ")", *problems[:200], sep="\n  ")
        return 1
    shutil.rmtree(scratch, ignore_errors=True)
    print(f"wheel check passed: {size_mb:.1f} MB wheel, {elapsed:.0f} s in all")
    return 0


def _traced(strace: str | None, folder: Path) -> list[str]:
    """The strace prefix: every process and thread in a file of its own (no interleaved lines),
    descriptors decoded to paths, only calls that succeeded."""
    if not strace:
        return []
    folder.mkdir()
    options = ["-ff", "-qq", "-y", "--seccomp-bpf", "-e", f"trace={WRITE_CALLS}", "-e", "status=successful"]
    return [strace, *options, "-o", str(folder / "trace")]


if __name__ == "__main__":
    sys.exit(main())
