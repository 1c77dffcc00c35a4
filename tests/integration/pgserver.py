"""A throwaway PostgreSQL cluster for the integration tests.

initdb refuses to run as root, so the cluster belongs to the `postgres` system
user (Debian's postgresql package makes it): its directory is a fresh
mkdtemp() under /tmp that this user owns. The server listens on 127.0.0.1 on
a free port and on a Unix socket in that directory, with scram-sha-256
password authentication over TCP, and a role with a password so the tests can
log in right and wrong.

Usage:
    pg = PgServer(); pg.start()
    pg.port, pg.user, pg.password, pg.db, pg.url(), pg.psql('SELECT 1')
    pg.stop()
"""
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time

OWNER = 'postgres'


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def pg_bindir():
    """The newest installed server's bin directory (Debian's layout), or None."""
    dirs = sorted(glob.glob('/usr/lib/postgresql/*/bin/initdb'),
                  key=lambda p: int(p.split('/')[4]) if p.split('/')[4].isdigit() else 0)
    return os.path.dirname(dirs[-1]) if dirs else None


class PgServer:
    user = 'vigil_probe'
    password = 'Pg-s3cret:pass word'  # a colon and a space: URL- and conninfo-quoting matter
    db = 'vigil_probe_db'

    def __init__(self):
        self.bindir = pg_bindir()
        if self.bindir is None:
            raise RuntimeError('PostgreSQL is not installed (Debian package postgresql)')
        self.owner = pwd.getpwnam(OWNER)
        self.dir = None
        self.proc = None
        self.port = _free_port()

    def _as_owner(self, *args, **kw):
        return dict(user=self.owner.pw_uid, group=self.owner.pw_gid, extra_groups=[],
                    cwd=self.dir, **kw)

    def _run(self, *args, input=None):
        return subprocess.run(list(args), check=True, capture_output=True, text=True, input=input,
                              timeout=60, **self._as_owner())

    def start(self):
        self.dir = tempfile.mkdtemp(prefix='vigil-pg-')
        os.chown(self.dir, self.owner.pw_uid, self.owner.pw_gid)
        self.data = os.path.join(self.dir, 'data')
        self.log_path = os.path.join(self.dir, 'server.log')
        self._run(os.path.join(self.bindir, 'initdb'), '-D', self.data, '-U', 'postgres',
                  '-A', 'trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync',
                  '--locale=C')
        logf = open(self.log_path, 'ab')
        try:
            self.proc = subprocess.Popen(
                [os.path.join(self.bindir, 'postgres'), '-D', self.data, '-p', str(self.port),
                 '-c', 'listen_addresses=127.0.0.1', '-c', f'unix_socket_directories={self.dir}',
                 '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
                 '-c', 'shared_buffers=16MB', '-c', 'max_connections=40',
                 '-c', 'password_encryption=scram-sha-256',
                 # notice a client gone in the middle of a query (a probe timed out)
                 '-c', 'client_connection_check_interval=200ms'],
                stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                **self._as_owner())
        finally:
            logf.close()
        self._wait_ready()
        self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{self.password}'",
                  f'CREATE DATABASE {self.db} OWNER {self.user}')
        self.psql('CREATE TABLE items (id int PRIMARY KEY, name text)',
                  "INSERT INTO items VALUES (1, 'one'), (2, 'two'), (3, 'three')",
                  f'GRANT SELECT ON items TO {self.user}', db=self.db)
        return self

    def _wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'postgres exited with {self.proc.returncode}:\n{self.log()}')
            r = subprocess.run([os.path.join(self.bindir, 'pg_isready'), '-q', '-h', self.dir,
                                '-p', str(self.port)], capture_output=True, timeout=10)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f'postgres did not get ready within {timeout}s:\n{self.log()}')

    def psql(self, *sql, db='postgres'):
        """Runs statements as the superuser over the Unix socket; returns the output."""
        args = [os.path.join(self.bindir, 'psql'), '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1',
                '-h', self.dir, '-p', str(self.port), '-U', 'postgres', '-d', db]
        for s in sql:
            args += ['-c', s]
        return self._run(*args).stdout

    def url(self, password=None, db=None, host='127.0.0.1', port=None):
        """A postgres:// URI for the test role (the password percent-encoded)."""
        from urllib.parse import quote
        pw = self.password if password is None else password
        return (f'postgresql://{self.user}:{quote(pw, safe="")}@{host}:{port or self.port}/'
                f'{db or self.db}')

    def conninfo(self, password=None):
        """The same as a key=value conninfo string."""
        pw = self.password if password is None else password
        quoted = pw.replace('\\', '\\\\').replace("'", "\\'")
        return (f"host=127.0.0.1 port={self.port} user={self.user} password='{quoted}' "
                f'dbname={self.db}')

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except (OSError, AttributeError):
            return ''

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
