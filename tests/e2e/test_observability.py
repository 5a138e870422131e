"""Metrics in Prometheus text format; JSON logs that never carry secrets."""
import re

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_prometheus(text):
    """Parses the exposition format strictly; returns {(name, labels): value}."""
    samples, types = {}, {}
    for line in text.splitlines():
        if not line:
            continue
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if line.startswith("#"):
            assert line.startswith("# HELP "), line
            continue
        m = SAMPLE.match(line)
        assert m, f"unparsable metrics line: {line!r}"
        labels = tuple(LABEL.findall(m.group(3) or ""))
        samples[(m.group(1), labels)] = float(m.group(4))
    return samples, types


def test_metrics_parse_and_count_requests(server):
    for _ in range(3):
        server.get("/healthz")
    server.get("/no-such-route")
    samples, types = parse_prometheus(server.get("/metrics").text)
    assert types["http_requests_total"] == "counter"
    assert types["http_request_duration_seconds"] == "histogram"
    assert samples[("http_requests_total",
                    (("route", "/healthz"), ("method", "GET"), ("code", "200")))] >= 3
    assert samples[("http_requests_total",
                    (("route", "unmatched"), ("method", "GET"), ("code", "404")))] >= 1
    buckets = sorted((float(dict(lbl)["le"].replace("+Inf", "inf")), v)
                     for (name, lbl), v in samples.items()
                     if name == "http_request_duration_seconds_bucket"
                     and dict(lbl)["route"] == "/healthz")
    counts = [v for _, v in buckets]
    assert counts == sorted(counts) and counts[-1] >= 3
    assert samples[("http_open_connections", ())] >= 1
    assert ("tls_handshake_failures_total", ()) in samples
    assert samples[("process_cpu_seconds_total", ())] > 0
    assert samples[("process_resident_memory_bytes", ())] > 1e6
    assert any(name == "strongroom_build_info" for name, _ in samples)


def test_failed_handshake_is_counted(server):
    import socket
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        s.sendall(b"GET / HTTP/1.1\r\n\r\n")  # plaintext to a TLS port
        s.recv(100)
    samples, _ = parse_prometheus(server.get("/metrics").text)
    assert samples[("tls_handshake_failures_total", ())] >= 1


def test_logs_are_json_and_never_carry_secrets(server):
    secret = "s3cr3t-Tok3n-value"
    server.get("/healthz?token=" + secret,
               headers={"Authorization": "Bearer " + secret, "Cookie": "sid=" + secret})
    server.post("/v1/echo", json={"password": secret})
    server.post("/v1/echo", data='{"password":"' + secret,
                headers={"Content-Type": "application/json"})
    server.stop()
    raw = open(server.log_path).read()
    assert secret not in raw
    lines = server.log_lines()
    requests_logged = [l for l in lines if l.get("msg") == "request"]
    assert len(requests_logged) >= 3
    for line in requests_logged:
        assert {"ts", "level", "request_id", "route", "method", "status",
                "duration_ms"} <= set(line)
    assert any(l["route"] == "/healthz" and l["status"] == 200 for l in requests_logged)
