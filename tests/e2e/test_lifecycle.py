"""CLI, start-up validation and signals: SIGTERM drains, SIGHUP swaps certificates."""
import hashlib
import os
import signal
import socket
import ssl
import stat
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BINARY, free_port, run_cli, start_server, write_config


def test_version():
    out = run_cli("version")
    assert out.stdout.startswith("strongroom ")


def test_init_creates_private_files(tmp_path):
    d = tmp_path / "d"
    run_cli("init", "--data", str(d))
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(d / "root.key").st_mode) == 0o600
    assert os.path.getsize(d / "root.key") == 32
    assert stat.S_IMODE(os.stat(d / "tls" / "key.pem").st_mode) == 0o600
    text = (d / "strongroom.toml").read_text()
    assert "#" in text and "min_version" in text
    again = run_cli("init", "--data", str(d), check=False)
    assert again.returncode != 0 and "already" in again.stderr


def serve_fails(data_dir, expect):
    out = subprocess.run([BINARY, "serve", "--config", str(data_dir / "strongroom.toml")],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode != 0
    line = out.stderr.strip()
    assert "\n" not in line, line
    assert expect in line, line
    return line


def test_bad_configuration_stops_startup_with_one_line(data_dir):
    port = free_port()
    write_config(data_dir, port, extra_server="lisen = 1\n")
    serve_fails(data_dir, "server.lisen")
    write_config(data_dir, port, extra_server='max_connections = "many"\n')
    serve_fails(data_dir, "server.max_connections")
    write_config(data_dir, port, tls_min="1.1")
    serve_fails(data_dir, "tls.min_version")


def test_exposed_root_key_stops_startup(data_dir):
    write_config(data_dir, free_port())
    os.chmod(data_dir / "root.key", 0o644)
    serve_fails(data_dir, "root.key")
    os.chmod(data_dir / "root.key", 0o600)


def test_missing_certificate_stops_startup(data_dir):
    write_config(data_dir, free_port())
    os.remove(data_dir / "tls" / "cert.pem")
    serve_fails(data_dir, "cert.pem")


def test_port_in_use_stops_startup(data_dir):
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        write_config(data_dir, blocker.getsockname()[1])
        serve_fails(data_dir, "cannot listen")


def test_listen_flag_overrides_config(data_dir):
    write_config(data_dir, free_port())
    port = free_port()
    proc = subprocess.Popen([BINARY, "serve", "--config", str(data_dir / "strongroom.toml"),
                             "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("server did not listen on the --listen port")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_sigterm_drains_an_in_flight_request(server):
    body = b'{"drained": true}'
    s = server.tls_socket()
    s.sendall(b"POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:5])
    time.sleep(0.3)
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    # No new connections are accepted while draining...
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    # ...but the request already started completes.
    s.sendall(body[5:])
    s.settimeout(10)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    assert data.startswith(b"HTTP/1.1 200"), data[:200]
    assert b'{"received":{"drained":true}}' in data
    assert b"Connection: close" in data or b"connection: close" in data.lower()
    assert server.proc.wait(timeout=15) == 0


def test_sigterm_closes_idle_connections_promptly(server):
    s = server.tls_socket()
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    s.recv(65536)
    start = time.time()
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=15) == 0
    assert time.time() - start < 5  # grace is 8 s: the idle one did not hold us
    s.close()


def cert_fingerprint(sock):
    return hashlib.sha256(sock.getpeercert(binary_form=True)).hexdigest()


def served_fingerprint(port):
    """The certificate a new connection gets, without trusting it."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as s:
            return cert_fingerprint(s)


def test_sighup_swaps_the_certificate_and_keeps_open_connections(server, tmp_path):
    old = server.tls_socket()
    old_fp = cert_fingerprint(old)
    new_cert, new_key = tmp_path / "new.pem", tmp_path / "new.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", str(new_key), "-out",
                    str(new_cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    tls = Path(server.data_dir) / "tls"
    os.replace(new_key, tls / "key.pem")
    os.replace(new_cert, tls / "cert.pem")
    server.proc.send_signal(signal.SIGHUP)
    deadline = time.time() + 10
    while served_fingerprint(server.port) == old_fp:
        assert time.time() < deadline, "new certificate never served"
        time.sleep(0.1)
    # The connection opened before the reload still works.
    old.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert old.recv(65536).startswith(b"HTTP/1.1 200")
    old.close()
    assert server.get("/healthz").status_code == 200


def test_sighup_with_a_broken_certificate_keeps_the_old_one(server):
    before = server.tls_socket()
    fp = cert_fingerprint(before)
    before.close()
    (Path(server.data_dir) / "tls" / "cert.pem").write_text("not a certificate")
    server.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)
    assert server.proc.poll() is None
    assert served_fingerprint(server.port) == fp
    assert any(l.get("msg", "").startswith("tls reload failed") for l in server.log_lines())


def test_world_readable_tls_key_stops_startup(data_dir):
    write_config(data_dir, free_port())
    os.chmod(data_dir / "tls" / "key.pem", 0o644)
    serve_fails(data_dir, "key.pem")


def test_second_sigterm_stops_without_waiting_for_the_grace(server):
    s = server.tls_socket()
    s.sendall(b"POST /v1/echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
              b"Content-Length: 10\r\n\r\n{")  # stays in flight: the grace is 8 s
    time.sleep(0.3)
    start = time.time()
    server.proc.send_signal(signal.SIGTERM)
    time.sleep(0.3)
    assert server.proc.poll() is None  # still draining the in-flight request
    server.proc.send_signal(signal.SIGTERM)
    server.proc.wait(timeout=5)
    assert time.time() - start < 4
    s.close()


def test_listen_accepts_a_host_name(data_dir):
    port = free_port()
    write_config(data_dir, port)
    text = (data_dir / "strongroom.toml").read_text().replace("127.0.0.1", "localhost")
    (data_dir / "strongroom.toml").write_text(text)
    srv = start_server(data_dir, port)
    try:
        assert srv.get("/healthz").status_code == 200
    finally:
        srv.stop()
