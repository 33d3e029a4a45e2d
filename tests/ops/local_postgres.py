"""A throw-away PostgreSQL server of our own on loopback (initdb + pg_ctl in a temporary folder), for the
tests that restart the database. Never the machine's shared server."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin")


def pg_bin(name):
    for folder in BIN_CANDIDATES:
        path = Path(folder) / name
        if path.exists():
            return str(path)
    return shutil.which(name)


def available():
    return bool(pg_bin("initdb") and pg_bin("pg_ctl"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalPostgres:
    """``with LocalPostgres() as pg: pg.url; pg.restart()`` — data in a temporary folder, removed after."""

    def __init__(self):
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="jishi_ops_pg_"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        # PostgreSQL refuses to run as root: run it as the postgres account then.
        self.user = "postgres" if os.geteuid() == 0 else None

    @property
    def url(self):
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args, check=True):
        command = list(args)
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def __enter__(self):
        if self.user:
            pw = pwd.getpwnam(self.user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run(pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8")
        self.start()
        return self

    def _options(self):
        return (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                "-c max_connections=60")

    def start(self):
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", self._options(), "-w",
                  "-t", "60", "start")

    def stop(self, mode="fast"):
        self._run(pg_bin("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop", check=False)

    def restart(self):
        self.stop()
        self.start()

    def __exit__(self, *exc):
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
