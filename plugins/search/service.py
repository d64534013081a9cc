"""A client of Pagefind's service (``pagefind --service``) that does not wait.

Pagefind's Python wrapper reads each answer after sleeping 0.1 s, and
sends the next request only then: a case with 2,000 tips, each a page of
its own, took 200 s of sleeping. The service itself handles its requests
one after another, in the order they come (pagefind/src/service/mod.rs),
so this client sends all requests of a bundle at once and then reads the
answers as they arrive: one round trip per bundle, however many records.

The protocol: each message is JSON, base64-encoded, followed by a comma,
on stdin; each answer the same on stdout, with the request's message_id.
The service ends when its stdin closes, even mid-work, so stdin is closed
only after the last answer. A bundle comes back the same way (GetFiles:
each file's bytes base64-encoded inside the answer), so nothing of it is
written to disk before the build knows which files changed (bundles.py).
"""

import base64
import json
import subprocess
import tempfile
import threading


class PagefindError(RuntimeError):
    pass


def executable():
    from pagefind.service import get_executable  # the wrapper finds the binary that ships with it

    path = get_executable()
    if path is None:
        raise PagefindError("Pagefind ist nicht installiert (Paket pagefind_bin fehlt); bitte `make venv` ausführen.")
    return str(path)


class PagefindService:
    """One ``pagefind --service`` process; ``round_trips`` counts the times
    this client waited for answers before it could go on."""

    def __init__(self):
        self.round_trips = 0
        self._next_id = 0
        self._buffer = b""
        self._chunks = []  # read but not yet split: an answer of megabytes comes in many
        # Kept for the message when a bundle comes out incomplete: a pipe
        # nobody reads while the answers are read could fill and stop it.
        self._stderr = tempfile.TemporaryFile()
        self._process = subprocess.Popen(
            [executable(), "--service"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )

    def __enter__(self):
        return self

    def __exit__(self, *_exc):
        self.close()

    def close(self):
        if self._process.poll() is None:
            try:
                self._process.stdin.close()
            except OSError:
                pass
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process.stdout.close()

    def said(self):
        """What the service wrote to its standard error (after close())."""
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace").strip()
        self._stderr.close()
        return text

    def exchange(self, payloads):
        """Send every payload, then read their answers (in order): the
        answers' payloads. A writer thread keeps sending while the answers
        are read, so neither pipe fills up and stops the other side."""
        messages = []
        for payload in payloads:
            self._next_id += 1
            messages.append((self._next_id, payload))
        self.round_trips += 1

        def send():
            try:
                for message_id, payload in messages:
                    encoded = base64.b64encode(json.dumps({"message_id": message_id, "payload": payload}).encode())
                    self._process.stdin.write(encoded + b",")
                self._process.stdin.flush()
            except OSError:
                pass  # the service ended: the reading below says so

        writer = threading.Thread(target=send, name="pagefind-requests", daemon=True)
        writer.start()
        answers = {}
        try:
            while len(answers) < len(messages):
                answer = self._read()
                payload = answer.get("payload") or {}
                if payload.get("type") == "Error":
                    raise PagefindError(f"Pagefind: {payload.get('message')}")
                answers[answer.get("message_id")] = payload
        finally:
            writer.join()
        return [answers[message_id] for message_id, _ in messages]

    def _read(self):
        """The next answer; answers are split at commas (base64 has none)."""
        while b"," not in self._buffer:
            chunk = self._process.stdout.read1(1 << 20)
            if not chunk:
                raise PagefindError("Pagefind hat sich unerwartet beendet, bevor der Suchindex fertig war.")
            if b"," in chunk:
                self._buffer = b"".join([self._buffer, *self._chunks, chunk])
                self._chunks = []
            else:
                self._chunks.append(chunk)
        message, _, self._buffer = self._buffer.partition(b",")
        return json.loads(base64.b64decode(message))

    @staticmethod
    def decode(content):
        """The bytes of a file in a GetFiles answer."""
        return base64.b64decode(content)
