"""Transport: TLS 1.3 by default, 1.2 only when configured, AEAD only."""
import ssl
import subprocess

import pytest
import requests


def s_client(port, *flags):
    return subprocess.run(
        ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost",
         *flags],
        input="", capture_output=True, text=True, timeout=20)


def test_tls13_handshake_with_openssl(server):
    out = s_client(server.port, "-tls1_3", "-CAfile", server.cert, "-verify_return_error")
    assert out.returncode == 0, out.stderr
    assert "TLSv1.3" in out.stdout
    assert "Verify return code: 0 (ok)" in out.stdout


def test_tls12_refused_by_default(server):
    out = s_client(server.port, "-tls1_2")
    assert out.returncode != 0
    assert "Cipher is (NONE)" in out.stdout or "alert" in out.stderr


def test_tls12_accepted_when_configured_with_aead_only(make_server):
    srv = make_server(tls_min="1.2")
    out = s_client(srv.port, "-tls1_2", "-CAfile", srv.cert)
    assert out.returncode == 0, out.stderr
    assert "TLSv1.2" in out.stdout
    assert "GCM" in out.stdout or "CHACHA20" in out.stdout
    # A CBC-only client finds nothing in common.
    cbc = s_client(srv.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-SHA384:AES128-SHA")
    assert cbc.returncode != 0


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls11_never_accepted(make_server):
    srv = make_server(tls_min="1.2")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.maximum_version = ssl.TLSVersion.TLSv1_1
    try:
        ctx.minimum_version = ssl.TLSVersion.TLSv1
    except ValueError:
        pytest.skip("this OpenSSL cannot speak TLS 1.1 at all")
    import socket
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            ctx.wrap_socket(raw, server_hostname="localhost")


def test_curl_and_requests_speak_tls13(server):
    out = subprocess.run(["curl", "-sS", "--tlsv1.3", "--cacert", server.cert, "-o", "/dev/null",
                          "-w", "%{http_code} %{http_version}", server.url + "/healthz"],
                         capture_output=True, text=True, timeout=20)
    assert out.stdout == "200 1.1", out.stderr
    with server.tls_socket() as s:
        assert s.version() == "TLSv1.3"
    assert server.get("/healthz").json() == {"status": "ok"}


def test_untrusted_client_fails_verification(server):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(server.url + "/healthz", timeout=5)  # system trust store only
