"""Start the test provider on a free port of 127.0.0.1; stop it when done.

By hand: `python -m tests.oidc_provider.run http://127.0.0.1:8000/sign-in/oidc/callback/`
serves it (user `ann`, password `provider-pass-1`) until Ctrl+C.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "provider-pass-1"


@dataclass
class Provider:
    url: str
    client_id: str
    client_secret: str

    @property
    def discovery(self) -> str:
        return f"{self.url}/openid/.well-known/openid-configuration"

    def endpoints(self) -> dict:
        return {
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/openid/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/openid/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/openid/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/openid/jwks",
        }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def start_provider(redirect_uris: list[str], users: list[dict]):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="oidc-provider-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
            "OP_DATABASE": str(Path(tmp) / "provider.sqlite3"),
            "OP_SITE_URL": url,
            "PYTHONPATH": str(ROOT),
        }
        spec = {
            "client_id": "plan-performance",
            "client_secret": "provider-client-secret",
            "redirect_uris": redirect_uris,
            "users": [{"password": PASSWORD, **user} for user in users],
        }
        subprocess.run(
            [sys.executable, "-m", "tests.oidc_provider.setup"],
            input=json.dumps(spec),
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        log = open(Path(tmp) / "gunicorn.log", "w")  # noqa: SIM115
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tests.oidc_provider.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "4",
            ],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(f"{url}/openid/.well-known/openid-configuration", server)
            yield Provider(url, spec["client_id"], spec["client_secret"])
        finally:
            server.terminate()
            server.wait(timeout=10)
            log.close()


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the test OpenID provider exited at start")
        with contextlib.suppress(requests.RequestException):
            if requests.get(url, timeout=5).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"the test OpenID provider did not answer at {url}")


def stop(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, stop)  # stop gunicorn too when told to stop
    people = [{"username": "ann", "email": "ann@example.org", "first_name": "Ann"}]
    with start_provider(sys.argv[1:], people) as provider:
        print(f"Provider at {provider.url}; discovery {provider.discovery}")
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)
