"""Fixtures that drive the partnerapi-mock binary as a test suite in any
language would: start it, read the lines it prints, talk HTTP to it.

The binary is $PARTNERAPI_MOCK, or else built here with `go build` (never
`go run`: a killed `go run` leaves its child listening).
"""
import http.server
import os
import re
import subprocess
import threading

import pytest
import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))

PARTNER_LINE = re.compile(r"^partner org=(\S+) id=(\S+) key=(\S+) keys_key=(\S+)$")
WEBHOOK_LINE = re.compile(r"^webhook org=(\S+) url=(\S+) key=(\S+)$")


@pytest.fixture(scope="session")
def binary(tmp_path_factory):
    path = os.environ.get("PARTNERAPI_MOCK")
    if path:
        return path
    path = str(tmp_path_factory.mktemp("bin") / "partnerapi-mock")
    subprocess.run(["go", "build", "-o", path, "./cmd/partnerapi-mock"], cwd=REPO, check=True)
    return path


class Mock:
    """One running partnerapi-mock."""

    def __init__(self, binary, args):
        self.args = args
        self.proc = subprocess.Popen(
            [binary, "-addr", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = self.proc.stdout.readline().strip()
        m = re.match(r"^listening on (http://\S+)$", first)
        assert m, f"first line {first!r}; stderr: {self.proc.stderr.read()}"
        self.url = m.group(1)
        self.lines = []
        self.partners = {}
        self.webhooks = {}
        for _ in range(args.count("-partner")):
            line = self.proc.stdout.readline().strip()
            org, pid, key, keys_key = PARTNER_LINE.match(line).groups()
            self.lines.append(line)
            self.partners[org] = {"id": pid, "key": key, "keys_key": keys_key}
        for _ in range(args.count("-webhook")):
            line = self.proc.stdout.readline().strip()
            org, url, key = WEBHOOK_LINE.match(line).groups()
            self.lines.append(line)
            self.webhooks[url] = key

    def control(self, method, path, body=None, expect=None, **kw):
        """A control-plane request; expect checks the status."""
        r = requests.request(method, self.url + "/_mock" + path, json=body, timeout=30, **kw)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.text}"
        return r

    def api(self, method, path, key, body=None, **kw):
        """A Big Interview users API request with the raw key."""
        return requests.request(method, self.url + path, json=body, headers={"Authorization": key},
                                timeout=30, **kw)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            assert self.proc.wait(timeout=30) == 0, self.proc.stderr.read()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def kill(self):
        self.proc.kill()
        self.proc.wait(timeout=30)
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def start(binary):
    """start(*flags) runs the binary with flags; every one started is stopped at the end."""
    started = []

    def _start(*args):
        m = Mock(binary, list(args))
        started.append(m)
        return m

    yield _start
    for m in started:
        if m.proc.poll() is None:
            m.stop()


@pytest.fixture
def mock(start):
    """A seeded fake with partner acme (anonymous users allowed)."""
    return start("-seed", "1", "-partner", "acme:anonymous")


class Receiver:
    """A webhook receiver on loopback: records every delivery and answers
    the statuses given, in turn (the last one from then on)."""

    def __init__(self, statuses):
        self.statuses = list(statuses)
        self.received = []
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.received.append({"headers": dict(self.headers), "body": body})
                status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = []

    def _receiver(*statuses):
        r = Receiver(statuses or (200,))
        made.append(r)
        return r

    yield _receiver
    for r in made:
        r.close()


@pytest.fixture
def state_path(tmp_path):
    return str(tmp_path / "state.json")
