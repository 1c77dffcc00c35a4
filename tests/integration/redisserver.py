"""Redis servers for the integration tests: the real redis-server, and a fake that misbehaves.

Usage:
    r = RedisServer(password=None).start()   # redis-server on 127.0.0.1, a free port
    r.port, r.url(), r.command('SET', 'k', 'v'); r.stop()

    f = FakeRedis('garbage').start()          # answers every command badly
    f.port; f.stop()

    b = FullBacklog().start()                 # b.port: connect() never completes there
    b.stop()

Fake behaviours: 'garbage' (an HTTP answer), 'bulk' (a bulk string that never
ends, sent until the client goes away), 'array' (an array of 2^31-1 elements),
'extra' (four replies to the first command), 'nopong' (+PANG), 'partial' (the start of
a reply, then nothing), 'close' (closes at once).
"""
import shutil
import socket
import subprocess
import tempfile
import threading
import time


def _free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def _resp(*args):
    out = f'*{len(args)}\r\n'.encode()
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out += f'${len(a)}\r\n'.encode() + a + b'\r\n'
    return out


class RedisServer:
    def __init__(self, password=None):
        if shutil.which('redis-server') is None:
            raise RuntimeError('redis-server is not installed (Debian package redis-server)')
        self.password = password
        self.port = _free_port()
        self.proc = None
        self.dir = None

    def start(self, timeout=15):
        self.dir = tempfile.mkdtemp(prefix='vigil-redis-')
        args = ['redis-server', '--port', str(self.port), '--bind', '127.0.0.1', '--save', '',
                '--appendonly', 'no', '--daemonize', 'no', '--dir', self.dir,
                '--protected-mode', 'no']
        if self.password is not None:
            args += ['--requirepass', self.password]
        self.log_path = f'{self.dir}/redis.log'
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f'redis-server exited:\n{self.log()}')
            try:
                if self.command('PING').startswith((b'+PONG', b'-NOAUTH')):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f'redis-server did not answer within {timeout}s:\n{self.log()}')

    def command(self, *args):
        """Sends one command (after AUTH when there is a password); returns the raw reply."""
        with socket.create_connection(('127.0.0.1', self.port), timeout=5) as s:
            if self.password is not None and args[0] != 'PING':
                s.sendall(_resp('AUTH', self.password))
                s.recv(4096)
            s.sendall(_resp(*args))
            return s.recv(65536)

    def url(self, password=None, db=None, user=None):
        from urllib.parse import quote
        pw = self.password if password is None else password
        auth = ''
        if pw:
            auth = f'{quote(user, safe="") if user else ""}:{quote(pw, safe="")}@'
        return f'redis://{auth}127.0.0.1:{self.port}' + (f'/{db}' if db is not None else '')

    def log(self):
        try:
            with open(self.log_path, errors='replace') as f:
                return f.read()
        except (OSError, AttributeError):
            return ''

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
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


class FakeRedis:
    """A loopback server that reads a command and answers it wrongly."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self._stop = threading.Event()
        self._conns = set()
        self._lock = threading.Lock()
        self._threads = []

    def start(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def _accept(self):
        while not self._stop.is_set():
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            c.settimeout(0.5)
            with self._lock:
                self._conns.add(c)
            t = threading.Thread(target=self._serve, args=(c,), daemon=True)
            t.start()
            self._threads.append(t)

    def _serve(self, c):
        try:
            self._answer(c)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(c)
            c.close()

    def _read_command(self, c):
        deadline = time.monotonic() + 5
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                data = c.recv(4096)
                return data
            except socket.timeout:
                continue
        return b''

    def _answer(self, c):
        b = self.behaviour
        if b == 'close':
            return
        if not self._read_command(c):
            return
        if b == 'garbage':
            c.sendall(b'HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n')
        elif b == 'nopong':
            c.sendall(b'+PANG\r\n')
        elif b == 'array':
            c.sendall(b'*2147483647\r\n:1\r\n')
        elif b == 'partial':
            c.sendall(b'$100\r\nthe first bytes of a reply')
        elif b == 'extra':
            c.sendall(b'+PONG\r\n+PONG\r\n+PONG\r\n+PONG\r\n')
        elif b == 'bulk':
            c.sendall(b'$2000000000\r\n')
            chunk = b'x' * 65536
            deadline = time.monotonic() + 10
            while not self._stop.is_set() and time.monotonic() < deadline:
                try:
                    c.sendall(chunk)
                except socket.timeout:
                    continue
            return
        # hold the connection until the client closes it, or we stop
        deadline = time.monotonic() + 10
        while not self._stop.is_set() and time.monotonic() < deadline:
            try:
                if not c.recv(4096):
                    return
            except socket.timeout:
                continue

    def stop(self):
        self._stop.set()
        self.sock.close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in self._threads:
            t.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class FullBacklog:
    """A listening port whose accept queue is full: a new connect() never completes
    (the kernel drops its SYNs), so a probe can be stopped in the middle of connecting."""

    def start(self):
        self.sock = socket.socket()
        self.sock.bind(('127.0.0.1', 0))
        self.sock.listen(0)
        self.port = self.sock.getsockname()[1]
        self.held = []
        for _ in range(3):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(('127.0.0.1', self.port))
            except BlockingIOError:
                pass
            self.held.append(c)
        return self

    def stop(self):
        for c in self.held:
            c.close()
        self.sock.close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
