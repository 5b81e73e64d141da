"""Windows without a Windows machine in CI (issue 24): the code is read, not run.

What a Windows user runs — the four packages and ``kansenradar_main.py`` — must not call
POSIX-only functions outside a branch guarded by ``sys.platform`` / ``os.name``, must not run a
shell, must open text files with an explicit encoding (Windows' default is the ANSI code page,
not UTF-8), and the repository must hold no file name Windows refuses.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHIPPED = ("features", "models", "app", "experiments")

POSIX_ONLY_CALLS = {
    "os.killpg",
    "os.getpgid",
    "os.setpgid",
    "os.setsid",
    "os.setpgrp",
    "os.fork",
    "os.forkpty",
    "os.getuid",
    "os.geteuid",
    "os.getgid",
    "os.getegid",
    "os.chown",
    "os.lchown",
    "os.mkfifo",
    "os.sync",
    "os.wait3",
    "os.wait4",
    "os.getloadavg",
}
POSIX_ONLY_ATTRIBUTES = {"signal.SIGKILL", "signal.SIGHUP", "signal.SIGQUIT", "signal.SIGALRM", "os.WNOHANG"}
POSIX_ONLY_MODULES = {"fcntl", "pwd", "grp", "resource", "termios", "tty", "pty", "posix", "syslog"}
POSIX_ONLY_KEYWORDS = {"start_new_session", "preexec_fn", "process_group", "pass_fds"}
SHELL_PROGRAMS = {"sh", "bash", "rm", "cp", "mv", "ls", "cat", "which", "kill", "pkill", "make", "open"}
TEXT_IO_METHODS = {"read_text", "write_text"}
WINDOWS_REFUSES = re.compile(r'[<>:"\\|?*\x00-\x1f]')
WINDOWS_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def shipped_files() -> list[Path]:
    files = [REPO / "kansenradar_main.py"]
    for package in SHIPPED:
        files += sorted((REPO / package).rglob("*.py"))
    return files


def _dotted(node: ast.AST) -> str:
    """``os.killpg`` for ``os.killpg``; '' for anything that is not a plain dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""


def _is_platform_test(test: ast.AST) -> bool:
    names = {_dotted(n) for n in ast.walk(test)}
    return bool(names & {"sys.platform", "os.name", "platform.system"})


class _Finder(ast.NodeVisitor):
    """Collects findings as ``(line, what)``, skipping whatever sits under a platform guard."""

    def __init__(self) -> None:
        self.posix: list[tuple[int, str]] = []
        self.encoding: list[tuple[int, str]] = []
        self.guarded = 0

    def visit_If(self, node: ast.If) -> None:
        self._guard(node, node.test)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self._guard(node, node.test)

    def _guard(self, node: ast.AST, test: ast.AST) -> None:
        platform = _is_platform_test(test)
        self.guarded += platform
        self.generic_visit(node)
        self.guarded -= platform

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._posix_module(node, alias.name)
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        self._posix_module(node, node.module or "")
        self.generic_visit(node)

    def _posix_module(self, node: ast.AST, name: str) -> None:
        if name.split(".")[0] in POSIX_ONLY_MODULES and not self.guarded:
            self.posix.append((node.lineno, f"import {name}"))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = _dotted(node)
        if name in POSIX_ONLY_ATTRIBUTES and not self.guarded:
            self.posix.append((node.lineno, name))
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key in node.keys:
            if isinstance(key, ast.Constant) and key.value in POSIX_ONLY_KEYWORDS and not self.guarded:
                self.posix.append((node.lineno, f"{key.value}= (in a dict of arguments)"))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _dotted(node.func)
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if not self.guarded:
            if name in POSIX_ONLY_CALLS:
                self.posix.append((node.lineno, name))
            for key in POSIX_ONLY_KEYWORDS & set(keywords):
                self.posix.append((node.lineno, f"{name}({key}=...)"))
            shell = keywords.get("shell")
            if isinstance(shell, ast.Constant) and shell.value is True:
                self.posix.append((node.lineno, f"{name}(shell=True)"))
            if node.args and isinstance(node.args[0], ast.List | ast.Tuple) and node.args[0].elts:
                first = node.args[0].elts[0]
                if isinstance(first, ast.Constant) and first.value in SHELL_PROGRAMS:
                    self.posix.append((node.lineno, f"runs the POSIX program {first.value!r}"))
        self._text_io(node, name, keywords)
        self.generic_visit(node)

    def _text_io(self, node: ast.Call, name: str, keywords: dict[str, ast.AST]) -> None:
        if "encoding" in keywords:
            return
        method = name.rsplit(".", 1)[-1] if name else getattr(node.func, "attr", "")
        if method in TEXT_IO_METHODS:
            self.encoding.append((node.lineno, f"{method}() without encoding="))
        elif method == "open":
            modes = [a.value for a in [*node.args, keywords.get("mode")] if isinstance(a, ast.Constant)]
            modes = [m for m in modes if isinstance(m, str) and m and set(m) <= set("rwxabt+")]
            if not any("b" in m for m in modes) and not _binary_receiver(node):
                self.encoding.append((node.lineno, f"{name or 'open'}() of text without encoding="))


def _binary_receiver(node: ast.Call) -> bool:
    """``zipfile.ZipFile(...).open(member)`` and ``tarfile`` members are bytes, whatever the mode."""
    receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
    text = ast.unparse(receiver).lower() if receiver is not None else ""
    return any(word in text for word in ("zip", "tar"))


def _findings(kind: str) -> list[str]:
    found = []
    for path in shipped_files():
        finder = _Finder()
        finder.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for line, what in getattr(finder, kind):
            found.append(f"{path.relative_to(REPO).as_posix()}:{line}: {what}")
    return found


def scan_source(source: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(POSIX-only findings, text I/O without encoding) in one piece of source (for the tests)."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return finder.posix, finder.encoding


def test_no_posix_only_call_outside_a_platform_guard() -> None:
    assert _findings("posix") == []


def test_text_files_are_opened_with_an_explicit_encoding() -> None:
    assert _findings("encoding") == []


def test_the_scanner_finds_what_it_looks_for() -> None:
    """Each rule fires on a planted example, and a platform guard silences the POSIX ones."""
    posix, encoding = scan_source(
        "import os, signal, subprocess, fcntl\n"
        "os.killpg(1, signal.SIGKILL)\n"
        "subprocess.Popen(['x'], start_new_session=True)\n"
        "subprocess.run('ls', shell=True)\n"
        "subprocess.run(['rm', '-rf', 'x'])\n"
        "open('a.txt')\n"
        "open('a.txt', 'w')\n"
        "path.read_text()\n"
        "path.write_text('x')\n"
        "path.open('r')\n"
    )
    assert [line for line, _ in posix] == [1, 2, 2, 3, 4, 5]
    assert [line for line, _ in encoding] == [6, 7, 8, 9, 10]
    posix, encoding = scan_source(
        "import os, sys, signal\n"
        "if sys.platform == 'win32':\n    pass\nelse:\n    os.killpg(1, signal.SIGKILL)\n"
        "kw = {} if os.name == 'nt' else {'start_new_session': True}\n"
        "open('a.bin', 'rb'); open('a.txt', encoding='utf-8'); path.read_text(encoding='utf-8')\n"
        "zipfile.ZipFile(f).open('member.csv')\n"
    )
    assert posix == [] and encoding == []


def _repository_files() -> list[str]:
    done = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("not a git checkout")
    return done.stdout.splitlines()


def windows_refuses(name: str) -> bool:
    """A path component Windows cannot create: reserved characters, a device name, a trailing
    dot or space."""
    return (
        bool(WINDOWS_REFUSES.search(name))
        or name.split(".")[0].lower() in WINDOWS_RESERVED
        or name[-1] in ". "
    )


def test_no_file_name_windows_refuses() -> None:
    bad = [f for f in _repository_files() if any(windows_refuses(part) for part in f.split("/"))]
    assert bad == []


def test_windows_refuses_the_names_it_refuses() -> None:
    for name in ("run:1.log", "a?b", "con.txt", "NUL", "trailing.", "x|y", 'q"'):
        assert windows_refuses(name), name
    for name in ("GM0363_Amsterdam.pdf", "kansenradar-error-20261202T001500-42.log", "SES_PC4_2021-2022.csv"):
        assert not windows_refuses(name), name
