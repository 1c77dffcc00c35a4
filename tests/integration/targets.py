"""Misbehaving targets for the integration tests: HTTP(S) servers that answer, hang,
drip, reset, send garbage or redirect forever, plus raw TCP ports, all on 127.0.0.1.

Usage:
    t = Targets(tmpdir); t.start()
    t.http, t.tls_valid, t.tls_self_signed, t.tls_expired, t.tls_wrong_host  (base URLs)
    t.tls_ca_file, t.tls_valid_not_after, t.hang_port, t.refused_port, t.banner_port
    t.hits('/ok'); t.stop()

Every server thread ends at stop(): listening sockets and every accepted
connection are closed, and no wait in a handler is unbounded.
"""
import json
import os
import socket
import ssl
import struct
import subprocess
import threading
import time

OK_BODY = json.dumps({'status': 'ok', 'n': 42, 'items': [1, 2, 3],
                      'nested': {'name': 'vigil'}}).encode()
REASONS = {200: 'OK', 204: 'No Content', 301: 'Moved', 302: 'Found', 404: 'Not Found',
           500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable'}


class Stopped(Exception):
    """Raised inside handlers when the server is stopping."""


class Targets:
    def __init__(self, tmpdir):
        self.dir = str(tmpdir)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._hits = {}
        self._conns = set()
        self._listeners = []
        self._threads = []
        self._conn_threads = set()
        self._conn_ids = 0

    # ---- lifecycle -------------------------------------------------------
    def start(self):
        self._make_certs()
        self.http = f'http://127.0.0.1:{self._serve_http(None)}'
        self.tls_valid = f'https://127.0.0.1:{self._serve_http(self._ctx("valid"))}'
        self.tls_self_signed = f'https://127.0.0.1:{self._serve_http(self._ctx("self"))}'
        self.tls_expired = f'https://127.0.0.1:{self._serve_http(self._ctx("expired"))}'
        self.tls_wrong_host = f'https://127.0.0.1:{self._serve_http(self._ctx("wrong"))}'
        self.hang_port = self._listen(self._hang)
        self.banner_port = self._listen(self._banner)
        s = socket.socket()
        s.bind(('127.0.0.1', 0))
        self.refused_port = s.getsockname()[1]
        s.close()
        return self

    def stop(self):
        self._stop.set()
        for s in self._listeners:
            try:
                s.close()
            except OSError:
                pass
        with self._lock:
            conns = list(self._conns)
            threads = list(self._conn_threads)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                c.close()
            except OSError:
                pass
        for t in self._threads + threads:
            t.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def hits(self, path):
        with self._lock:
            return self._hits.get(path, 0)

    # ---- certificates ----------------------------------------------------
    def _openssl(self, *args):
        subprocess.run(['openssl', *args], check=True, capture_output=True, cwd=self.dir)

    def _make_certs(self):
        d = self.dir
        ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
        self._openssl('req', '-x509', *ec, '-days', '30', '-subj', '/CN=Vigil Test CA',
                      '-keyout', 'ca.key', '-out', 'ca.pem')
        self.tls_ca_file = os.path.join(d, 'ca.pem')
        for name, san in (('valid', 'IP:127.0.0.1,DNS:localhost'),
                          ('wrong', 'DNS:wrong.example'), ('expired', 'IP:127.0.0.1')):
            self._openssl('req', *ec, '-subj', f'/CN={name}', '-keyout', f'{name}.key',
                          '-out', f'{name}.csr')
            with open(os.path.join(d, f'{name}.ext'), 'w') as f:
                f.write(f'subjectAltName={san}\n')
            if name == 'expired':
                self._sign_expired(name)
            else:
                self._openssl('x509', '-req', '-in', f'{name}.csr', '-CA', 'ca.pem',
                              '-CAkey', 'ca.key', '-CAcreateserial', '-days', '10',
                              '-extfile', f'{name}.ext', '-out', f'{name}.pem')
        self._openssl('req', '-x509', *ec, '-days', '10', '-subj', '/CN=127.0.0.1',
                      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', 'self.key',
                      '-out', 'self.pem')
        out = subprocess.run(['openssl', 'x509', '-in', os.path.join(d, 'valid.pem'), '-noout',
                              '-enddate'], check=True, capture_output=True, text=True).stdout
        self.tls_valid_not_after = int(ssl.cert_time_to_seconds(out.strip().split('=', 1)[1]))

    def _sign_expired(self, name):
        """A CA-signed certificate whose validity ended yesterday (openssl ca dates)."""
        d = self.dir
        os.makedirs(os.path.join(d, 'newcerts'), exist_ok=True)
        open(os.path.join(d, 'index.txt'), 'w').close()
        with open(os.path.join(d, 'serial'), 'w') as f:
            f.write('1000\n')
        with open(os.path.join(d, 'ca.cnf'), 'w') as f:
            f.write(f'''[ca]
default_ca = test
[test]
dir = {d}
database = {d}/index.txt
new_certs_dir = {d}/newcerts
serial = {d}/serial
default_md = sha256
policy = anything
copy_extensions = copy
unique_subject = no
[anything]
commonName = supplied
''')
        start = time.strftime('%Y%m%d%H%M%SZ', time.gmtime(time.time() - 10 * 86400))
        end = time.strftime('%Y%m%d%H%M%SZ', time.gmtime(time.time() - 86400))
        self._openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key',
                      '-startdate', start, '-enddate', end, '-extfile', f'{name}.ext',
                      '-in', f'{name}.csr', '-out', f'{name}.pem', '-notext')

    def _ctx(self, name):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(self.dir, f'{name}.pem'),
                            os.path.join(self.dir, f'{name}.key'))
        return ctx

    # ---- sockets ---------------------------------------------------------
    def _listen(self, handler, ctx=None):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('127.0.0.1', 0))
        s.listen(512)
        s.settimeout(0.2)  # accept() wakes up to notice stop()
        self._listeners.append(s)
        t = threading.Thread(target=self._accept_loop, args=(s, handler, ctx), daemon=True)
        t.start()
        self._threads.append(t)
        return s.getsockname()[1]

    def _serve_http(self, ctx):
        return self._listen(self._http_conn, ctx)

    def _accept_loop(self, s, handler, ctx):
        while not self._stop.is_set():
            try:
                c, _ = s.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:  # started under the lock: stop() joins only started threads
                self._conns.add(c)
                self._conn_ids += 1
                cid = self._conn_ids
                t = threading.Thread(target=self._run, args=(handler, c, ctx, cid), daemon=True)
                self._conn_threads.add(t)
                t.start()

    def _run(self, handler, c, ctx, cid):
        conn = c
        try:
            c.settimeout(0.5)
            if ctx is not None:
                conn = self._tls_accept(ctx, c)
                if conn is None:
                    return
                with self._lock:  # wrapping detached C: stop() must close CONN
                    self._conns.discard(c)
                    self._conns.add(conn)
            handler(conn, cid)
        except (OSError, Stopped, ssl.SSLError, ValueError):
            pass
        finally:
            with self._lock:
                self._conns.discard(c)
                self._conns.discard(conn)
                self._conn_threads.discard(threading.current_thread())
            for s in (conn, c):
                try:
                    if s is not None:
                        s.close()
                except OSError:
                    pass

    def _tls_accept(self, ctx, c):
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self._stop.is_set():
            try:
                return ctx.wrap_socket(c, server_side=True)
            except socket.timeout:
                continue
            except (ssl.SSLError, OSError):
                return None  # the client refused our certificate: fine
        return None

    def _sleep(self, seconds):
        if self._stop.wait(seconds):
            raise Stopped()

    def _recv(self, c, n=65536):
        """recv that wakes up every 0.5 s to notice stop(); b'' at EOF."""
        while True:
            if self._stop.is_set():
                raise Stopped()
            try:
                return c.recv(n)
            except socket.timeout:
                continue

    def _hold(self, c):
        """Keeps C open, reading and discarding, until the peer closes or stop()."""
        while self._recv(c):
            pass

    def _send(self, c, data):
        view = memoryview(data)
        while view:
            if self._stop.is_set():
                raise Stopped()
            try:
                n = c.send(view)
            except socket.timeout:
                continue
            view = view[n:]

    # ---- raw TCP ---------------------------------------------------------
    def _hang(self, c, cid):
        while not self._stop.is_set():  # never read, never write
            self._sleep(0.5)

    def _banner(self, c, cid):
        self._send(c, b'SSH-2.0-VigilTest\r\n')
        while True:
            data = self._recv(c)
            if not data:
                return
            self._send(c, data)

    # ---- HTTP ------------------------------------------------------------
    def _read_request(self, c, buf):
        """Reads one request from C (BUF holds leftovers); returns (req, rest) or (None, b'')."""
        while b'\r\n\r\n' not in buf:
            data = self._recv(c)
            if not data:
                return None, b''
            buf += data
            if len(buf) > 65536:
                return None, b''
        head, rest = buf.split(b'\r\n\r\n', 1)
        lines = head.decode('latin-1').split('\r\n')
        method, target, _ = (lines[0].split(' ') + ['', ''])[:3]
        headers = {}
        for line in lines[1:]:
            if ':' in line:
                k, v = line.split(':', 1)
                headers[k.strip().lower()] = v.strip()
        length = int(headers.get('content-length', '0') or 0)
        while len(rest) < length:
            data = self._recv(c)
            if not data:
                return None, b''
            rest += data
        body, rest = rest[:length], rest[length:]
        path = target.split('?', 1)[0]
        with self._lock:
            self._hits[path] = self._hits.get(path, 0) + 1
        return {'method': method, 'path': path, 'headers': headers, 'body': body}, rest

    def _respond(self, c, status, body=b'', headers=None, head=False):
        hdrs = {'Content-Length': str(len(body)), 'Server': 'targets'}
        hdrs.update(headers or {})
        out = f'HTTP/1.1 {status} {REASONS.get(status, "Status")}\r\n'
        out += ''.join(f'{k}: {v}\r\n' for k, v in hdrs.items()) + '\r\n'
        self._send(c, out.encode('latin-1') + (b'' if head else body))

    def _http_conn(self, c, cid):
        buf = b''
        while True:
            req, buf = self._read_request(c, buf)
            if req is None:
                return
            keep = self._route(c, req, cid)
            if not keep or req['headers'].get('connection', '').lower() == 'close':
                return

    def _route(self, c, req, cid):
        """Answers REQ; returns True to keep the connection for another request."""
        p, head = req['path'], req['method'] == 'HEAD'
        parts = p.strip('/').split('/')
        if p == '/ok':
            self._respond(c, 200, OK_BODY, {'Content-Type': 'application/json'}, head)
        elif parts[0] == 'status' and len(parts) == 2 and parts[1].isdigit():
            self._respond(c, int(parts[1]), f'status {parts[1]}\n'.encode(), head=head)
        elif parts[0] == 'slow' and len(parts) == 2 and parts[1].isdigit():
            self._sleep(int(parts[1]) / 1000)
            self._respond(c, 200, b'slow', head=head)
        elif p == '/headers':
            self._respond(c, 200, json.dumps(req['headers']).encode(),
                          {'X-Test': 'yes', 'Content-Type': 'application/json'}, head)
        elif p == '/echo':
            self._respond(c, 200, req['body'], {'X-Method': req['method']}, head)
        elif parts[0] == 'big' and len(parts) == 2 and parts[1].isdigit():
            self._respond(c, 200, b'a' * int(parts[1]), head=head)
        elif p == '/keepalive':
            self._respond(c, 200, b'ka', {'X-Conn-Id': str(cid)}, head)
        elif parts[0] == 'redirect' and len(parts) == 2 and parts[1].isdigit():
            n = int(parts[1])
            self._respond(c, 302, b'', {'Location': f'/redirect/{n - 1}' if n > 0 else '/ok'})
        elif parts[0] == 'redirect-to' and len(parts) == 3 and parts[2].isdigit():
            # another host: /redirect-to/127.0.0.2/8080 (for the SSRF guard's tests)
            self._respond(c, 302, b'', {'Location': f'http://{parts[1]}:{parts[2]}/ok'})
        elif p in ('/redirect-loop', '/redirect-file', '/redirect-gopher'):
            loc = {'/redirect-loop': '/redirect-loop', '/redirect-file': 'file:///etc/passwd',
                   '/redirect-gopher': 'gopher://127.0.0.1/'}[p]
            self._respond(c, 302, b'', {'Location': loc})
        else:
            return self._misbehave(c, p)
        return True

    def _misbehave(self, c, p):
        if p == '/hang':
            self._hold(c)
        elif p == '/partial-status':
            self._send(c, b'HTTP/1.1 20')
            self._hold(c)
        elif p == '/headers-hang':
            self._send(c, b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n')
            self._hold(c)
        elif p == '/drip':
            self._send(c, b'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n')
            for _ in range(1000):
                self._sleep(1)
                self._send(c, b'x')
        elif p == '/rst':
            self._reset(c)
        elif p == '/rst-mid-body':
            self._send(c, b'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + b'x' * 1000)
            self._sleep(0.05)
            self._reset(c)
        elif p == '/garbage':
            self._send(c, os.urandom(4096))
        elif p == '/chunked-endless':
            self._send(c, b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')
            chunk = b'2000\r\n' + b'c' * 0x2000 + b'\r\n'
            while True:
                self._send(c, chunk)
        elif p == '/huge-length':
            self._send(c, b'HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n')
            while True:
                self._send(c, b'h' * 65536)
        elif p == '/close-no-response':
            pass
        else:
            self._respond(c, 404, b'not found\n')
            return True
        return False

    def _reset(self, c):
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
        c.close()
