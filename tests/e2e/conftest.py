"""End-to-end fixtures: a real strongroom binary on free loopback ports.

Each test gets its own data directory (via `strongroom init`), a config written
for the test, and a server process that is stopped with SIGTERM afterwards.
"""
import json
import os
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.environ.get("STRONGROOM_BIN", str(ROOT / "build" / "strongroom"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_cli(*args, check=True, timeout=30):
    return subprocess.run([BINARY, *args], capture_output=True, text=True, check=check,
                          timeout=timeout)


class Server:
    """A running `strongroom serve` with helpers to reach it."""

    def __init__(self, data_dir, port, redirect_port, proc, log_path):
        self.data_dir = Path(data_dir)
        self.port = port
        self.redirect_port = redirect_port
        self.proc = proc
        self.log_path = log_path
        self.url = f"https://localhost:{port}"
        self.cert = str(self.data_dir / "tls" / "cert.pem")

    def get(self, path, **kw):
        return requests.get(self.url + path, verify=self.cert, timeout=10, **kw)

    def post(self, path, **kw):
        return requests.post(self.url + path, verify=self.cert, timeout=10, **kw)

    def request(self, method, path, **kw):
        kw.setdefault("timeout", 10)
        return requests.request(method, self.url + path, verify=self.cert, **kw)

    def tls_socket(self, min_version=ssl.TLSVersion.TLSv1_3):
        """A raw TLS connection, for speaking HTTP/1.1 byte by byte."""
        ctx = ssl.create_default_context(cafile=self.cert)
        ctx.minimum_version = min_version
        raw = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return ctx.wrap_socket(raw, server_hostname="localhost")

    def log_lines(self):
        lines = []
        for line in Path(self.log_path).read_text(errors="replace").splitlines():
            line = line.strip()
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines

    def stop(self, sig=signal.SIGTERM, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def write_config(data_dir, port, redirect_port=None, extra_server="", tls_min="1.3",
                 echo=True, extra=""):
    server = [f'listen = "127.0.0.1:{port}"', f'public_url = "https://localhost:{port}"',
              "workers = 2", "shutdown_grace_seconds = 8"]
    if redirect_port:
        server.append(f'redirect_listen = "127.0.0.1:{redirect_port}"')
    text = "[server]\n" + "\n".join(server) + "\n" + extra_server + "\n"
    text += f'[tls]\nmin_version = "{tls_min}"\n'
    text += f"[diagnostics]\necho = {'true' if echo else 'false'}\n"
    text += extra
    (Path(data_dir) / "strongroom.toml").write_text(text)


def start_server(data_dir, port, redirect_port=None, wait=True):
    log_path = Path(data_dir).parent / f"server-{port}.log"
    log = open(log_path, "w")
    proc = subprocess.Popen([BINARY, "serve", "--config", str(Path(data_dir) / "strongroom.toml")],
                            stdout=log, stderr=subprocess.STDOUT)
    server = Server(data_dir, port, redirect_port, proc, log_path)
    if wait:
        deadline = time.time() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError("server exited: " + Path(log_path).read_text())
            try:
                if server.get("/healthz").status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                server.stop()
                raise RuntimeError("server did not start: " + Path(log_path).read_text())
            time.sleep(0.05)
    return server


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    run_cli("init", "--data", str(d))
    return d


@pytest.fixture
def make_server(data_dir):
    """Factory: make_server(**write_config kwargs) -> running Server."""
    started = []

    def factory(**kw):
        port = free_port()
        redirect_port = free_port() if kw.pop("redirect", False) else None
        write_config(data_dir, port, redirect_port, **kw)
        s = start_server(data_dir, port, redirect_port)
        started.append(s)
        return s

    yield factory
    for s in started:
        s.stop()


@pytest.fixture
def server(make_server):
    return make_server(redirect=True,
                       extra_server="body_limit_bytes = 4096\nheader_timeout_seconds = 2\n")
