#!/usr/bin/python3
"""Account helpers for bench/run: sign up, sign in, time sequential sign-ins.

Standard library only. Talks HTTPS (TLS 1.3) to 127.0.0.1:PORT, verifying the
server's certificate against CERT (the self-signed one `strongroom init` made,
which names 127.0.0.1), over one keep-alive connection per command.

  accounts.py signup  PORT CERT EMAIL PASSWORD NAME   -> exit 0 on 201
  accounts.py token   PORT CERT EMAIL PASSWORD        -> prints the session token
  accounts.py latency PORT CERT EMAIL PASSWORD N      -> N sequential sign-ins,
      prints "p50_ms p90_ms min_ms max_ms" (nearest-rank percentiles); every
      sign-in must answer 201, anything else is an error (exit 1).
"""

import http.client
import json
import math
import ssl
import sys
import time


def connect(port, cert):
    ctx = ssl.create_default_context(cafile=cert)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    return http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=60)


def post(conn, path, doc):
    body = json.dumps(doc).encode()
    conn.request("POST", path, body=body,
                 headers={"Content-Type": "application/json", "User-Agent": "strongroom-bench"})
    res = conn.getresponse()
    data = res.read()  # read fully so the connection can be reused
    return res.status, data


def fail(msg):
    print(f"accounts.py: {msg}", file=sys.stderr)
    sys.exit(1)


def percentile(sorted_values, p):
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "signup" and len(args) == 5:
        port, cert, email, password, name = args
        status, data = post(connect(int(port), cert), "/v1/accounts",
                            {"email": email, "password": password, "display_name": name})
        if status != 201:
            fail(f"sign-up of {email} answered {status}: {data[:300]!r}")
    elif cmd == "token" and len(args) == 4:
        port, cert, email, password = args
        status, data = post(connect(int(port), cert), "/v1/sessions",
                            {"email": email, "password": password})
        if status != 201:
            fail(f"sign-in of {email} answered {status}: {data[:300]!r}")
        token = json.loads(data).get("token", "")
        if not token:
            fail(f"sign-in answered 201 without a token: {data[:300]!r}")
        print(token)
    elif cmd == "latency" and len(args) == 5:
        port, cert, email, password, n = args
        n = int(n)
        conn = connect(int(port), cert)
        conn.connect()  # the TLS handshake is not part of any sign-in's time
        times = []
        for i in range(n):
            start = time.perf_counter()
            status, data = post(conn, "/v1/sessions", {"email": email, "password": password})
            elapsed = (time.perf_counter() - start) * 1000
            if status != 201:
                fail(f"sign-in {i + 1}/{n} answered {status}: {data[:300]!r}")
            times.append(elapsed)
        times.sort()
        print(f"{percentile(times, 50):.1f} {percentile(times, 90):.1f} "
              f"{times[0]:.1f} {times[-1]:.1f}")
    else:
        fail(__doc__)


if __name__ == "__main__":
    main(sys.argv)
