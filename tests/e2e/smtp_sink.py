#!/usr/bin/python3
"""A real SMTP server for tests: aiosmtpd on a loopback port that keeps every
message it receives, with optional STARTTLS or implicit TLS (a self-signed
certificate for "localhost" made with the openssl CLI) and optional AUTH
PLAIN/LOGIN with a test password.

As a library (pytest e2e tests):

    from smtp_sink import SmtpSink, read_outbox
    with SmtpSink(tls="starttls", auth=("mailer", "test-password")) as sink:
        ...configure strongroom with sink.port and smtp_ca_file = sink.cafile...
        msg = sink.wait_for(lambda m: "reset" in m.subject.lower(), timeout=10)
        token = msg.link_param("token")

As a program (C++ tests spawn it; it runs until SIGTERM):

    /usr/bin/python3 tests/e2e/smtp_sink.py --port 0 --out DIR [--tls starttls]
        [--auth-user U --auth-password-file F]

writes DIR/cert.pem and DIR/key.pem when TLS is on, then DIR/ready holding the
port once it listens, then for the N-th message (from 1) DIR/N.envelope.json
({"mail_from", "rcpt_tos"}) and DIR/N.eml, each renamed into place complete.
`--decode FILE` prints a parsed .eml as JSON (headers decoded, both bodies
decoded from their transfer encoding) and exits.

Needs python3-aiosmtpd (Debian), hence the /usr/bin/python3 shebang.
"""
import argparse
import email
import logging
import email.policy
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

URL_RE = re.compile(r"https?://[^\s\"'<>]+")

# aiosmtpd 1.4 warns about its own deprecated attribute on every AUTH, and
# about AUTH without STARTTLS even on an implicit-TLS listener.
_NOISE = ("login_data is deprecated", "auth_require_tls == False")
logging.getLogger("mail.log").addFilter(
    lambda record: not any(n in str(record.msg) for n in _NOISE))
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")


class ReceivedMessage:
    """One message: its envelope, raw bytes, and the parsed EmailMessage."""

    def __init__(self, raw, mail_from=None, rcpt_tos=()):
        self.raw = bytes(raw)
        self.mail_from = mail_from
        self.rcpt_tos = list(rcpt_tos)
        self.message = email.message_from_bytes(self.raw, policy=email.policy.default)

    def header(self, name):
        value = self.message.get(name)
        return None if value is None else str(value)

    @property
    def subject(self):
        return self.header("Subject") or ""

    @property
    def to(self):
        return self.header("To") or ""

    def _body(self, subtype):
        part = self.message.get_body(preferencelist=(subtype,))
        if part is None or part.get_content_subtype() != subtype:
            return None
        return part.get_content()

    @property
    def text(self):
        """The decoded text/plain body (str), or None."""
        return self._body("plain")

    @property
    def html(self):
        """The decoded text/html body (str), or None."""
        return self._body("html")

    def links(self):
        """Every http(s) URL in the text body, then in the HTML body."""
        found = []
        for body in (self.text or "", self.html or ""):
            for url in URL_RE.findall(body):
                url = url.replace("&amp;", "&")
                if url not in found:
                    found.append(url)
        return found

    def link_param(self, name):
        """The first value of query parameter `name` in any link, or None."""
        for url in self.links():
            values = parse_qs(urlsplit(url).query).get(name)
            if values:
                return values[0]
        return None

    def to_json(self):
        return {
            "mail_from": self.mail_from,
            "rcpt_tos": self.rcpt_tos,
            "headers": {k: str(v) for k, v in self.message.items()},
            "subject": self.subject,
            "content_type": self.message.get_content_type(),
            "text": self.text,
            "html": self.html,
            "defects": [type(d).__name__ for part in self.message.walk() for d in part.defects],
        }

    def __repr__(self):
        return f"ReceivedMessage(subject={self.subject!r}, to={self.to!r})"


def parse_message(raw, mail_from=None, rcpt_tos=()):
    return ReceivedMessage(raw, mail_from, rcpt_tos)


def read_outbox(directory):
    """Every .eml file in an outbox directory, oldest first (names sort by time)."""
    return [ReceivedMessage(p.read_bytes()) for p in sorted(Path(directory).glob("*.eml"))]


def make_self_signed_cert(directory, hostname="localhost"):
    """Writes cert.pem and key.pem (P-256, one day) for `hostname` into `directory`."""
    directory = Path(directory)
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", f"/CN={hostname}", "-addext", f"subjectAltName=DNS:{hostname}"],
        check=True, capture_output=True)
    return cert, key


class _Handler:
    def __init__(self, on_message):
        self._on_message = on_message

    async def handle_DATA(self, server, session, envelope):
        self._on_message(ReceivedMessage(envelope.original_content or envelope.content,
                                         envelope.mail_from, envelope.rcpt_tos))
        return "250 OK"


class _Authenticator:
    def __init__(self, user, password):
        self._user = user.encode()
        self._password = password.encode()
        self.failures = 0

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self._user
              and auth_data.password == self._password)
        if not ok:
            self.failures += 1
        # handled=False: aiosmtpd itself answers 535 to a failure.
        return AuthResult(success=ok, handled=False)


class SmtpSink:
    """aiosmtpd on 127.0.0.1 (a free port unless `port` is given).

    tls: "none", "starttls" (STARTTLS offered and required) or "tls" (implicit).
    auth: None, or (user, password) — then AUTH is required before MAIL.
    """

    def __init__(self, *, host="127.0.0.1", port=0, tls="none", auth=None, cert_dir=None,
                 on_message=None):
        if tls not in ("none", "starttls", "tls"):
            raise ValueError(f"tls must be none, starttls or tls, not {tls!r}")
        self.host = host
        self.port = port
        self.tls = tls
        self.auth = auth
        self.cafile = None
        self._cert_dir = cert_dir
        self._tmp = None
        self._on_message = on_message
        self._messages = []
        self._cond = threading.Condition()
        self._controller = None
        self.authenticator = None

    def _received(self, message):
        with self._cond:
            self._messages.append(message)
            self._cond.notify_all()
        if self._on_message is not None:
            self._on_message(message)

    @property
    def messages(self):
        """A snapshot of the messages received so far, in arrival order."""
        with self._cond:
            return list(self._messages)

    def wait_for(self, predicate=lambda m: True, timeout=10.0):
        """The first received message matching `predicate`; TimeoutError after `timeout` s."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for m in self._messages:
                    if predicate(m):
                        return m
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"no matching message within {timeout} s "
                                       f"({len(self._messages)} received)")
                self._cond.wait(left)

    def clear(self):
        with self._cond:
            self._messages.clear()

    def start(self):
        import ssl
        from aiosmtpd.controller import Controller

        class _AnyPortController(Controller):
            # Controller pokes the server at self.port after binding; with port
            # 0 that must be the port the kernel chose.
            def _trigger_server(self):
                self.port = self.server.sockets[0].getsockname()[1]
                super()._trigger_server()

        kwargs = {}
        if self.tls != "none":
            cert_dir = self._cert_dir
            if cert_dir is None:
                self._tmp = tempfile.TemporaryDirectory(prefix="smtp-sink-")
                cert_dir = self._tmp.name
            cert, key = make_self_signed_cert(cert_dir)
            self.cafile = str(cert)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(cert), str(key))
            if self.tls == "tls":
                kwargs["ssl_context"] = context
                # aiosmtpd only counts STARTTLS as TLS; this connection is TLS throughout.
                kwargs["auth_require_tls"] = False
            else:
                kwargs["tls_context"] = context
                kwargs["require_starttls"] = True
        if self.auth is not None:
            self.authenticator = _Authenticator(*self.auth)
            kwargs["authenticator"] = self.authenticator
            kwargs["auth_required"] = True
        controller = _AnyPortController(_Handler(self._received), hostname=self.host,
                                        port=self.port, server_hostname="localhost", **kwargs)
        try:
            controller.start()
        except BaseException:
            self.stop()
            raise
        self._controller = controller
        self.port = controller.port
        return self

    def stop(self):
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _write_atomically(path, data):
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--out", help="directory for received messages")
    parser.add_argument("--tls", choices=("none", "starttls", "tls"), default="none")
    parser.add_argument("--auth-user")
    parser.add_argument("--auth-password-file")
    parser.add_argument("--decode", metavar="FILE", help="print FILE (.eml) parsed as JSON")
    args = parser.parse_args(argv)

    if args.decode:
        json.dump(ReceivedMessage(Path(args.decode).read_bytes()).to_json(), sys.stdout)
        return 0
    if not args.out:
        parser.error("--out is required")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    auth = None
    if args.auth_user:
        password = Path(args.auth_password_file).read_text().rstrip("\r\n")
        auth = (args.auth_user, password)

    counter = iter(range(1, 1 << 30))
    lock = threading.Lock()

    def save(message):
        with lock:
            n = next(counter)
        envelope = {"mail_from": message.mail_from, "rcpt_tos": message.rcpt_tos}
        _write_atomically(out / f"{n}.envelope.json", json.dumps(envelope).encode())
        _write_atomically(out / f"{n}.eml", message.raw)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    sink = SmtpSink(host=args.host, port=args.port, tls=args.tls, auth=auth, cert_dir=out,
                    on_message=save)
    sink.start()
    try:
        _write_atomically(out / "ready", str(sink.port).encode())
        while not stop.wait(0.2):
            pass
    finally:
        sink.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
