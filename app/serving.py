"""REST serving of a champion through MLflow's scoring server.

``mlflow models serve`` loads ``models:/<name>@champion`` (the pyfunc of
:class:`models.risk_model.RiskModel`), validates each request against the model signature
(missing or mistyped feature columns → HTTP 400 with MLflow's message) and returns risk,
interval and flag per row. It runs in this environment (``--env-manager local``): no
downloads at run time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from models.store import prepare_store


def serve_command(name: str, port: int, host: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable,
        "-m",
        "mlflow",
        "models",
        "serve",
        "-m",
        f"models:/{name}@champion",
        "--env-manager",
        "local",
        "-h",
        host,
        "-p",
        str(port),
        "--workers",
        "1",
    ]


def serve_env() -> dict[str, str]:
    env = dict(os.environ)
    env["MLFLOW_TRACKING_URI"] = env["MLFLOW_REGISTRY_URI"] = prepare_store()  # a copied store re-rooted
    # the server starts uvicorn through a shell: make this environment's scripts findable
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def start_server(name: str, port: int, timeout: float = 120.0) -> subprocess.Popen:
    """Start the scoring server and wait until ``/ping`` answers (for tests and scripts)."""
    # its own process group (POSIX) or console process group (Windows), so stopping it stops
    # its workers too
    group = (
        {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP}
        if sys.platform == "win32"
        else {"start_new_session": True}
    )
    proc = subprocess.Popen(
        serve_command(name, port), env=serve_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **group
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            raise RuntimeError(f"scoring server exited with {proc.returncode}:\n{out[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ping", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.5)
    stop_server(proc)
    raise TimeoutError(f"scoring server did not answer on port {port} within {timeout:.0f} s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop the server and its worker processes.

    POSIX: the server runs in its own process group, which gets SIGTERM, then SIGKILL.
    Windows has no process groups to signal: ``taskkill /T`` ends the process tree.
    """
    if proc.poll() is not None:
        return
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/T", "/F", "/PID", str(proc.pid)], capture_output=True, check=False)
        proc.wait(timeout=15)
    else:
        import signal

        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
