"""A DNS server for the dns probe's tests: python3-dnslib on one loopback UDP+TCP port.

It answers from ZONE and misbehaves on purpose for some names:

  names not in ZONE              NXDOMAIN
  servfail.example.test.         always SERVFAIL
  flaky.example.test.            SERVFAIL for the first `flaky` queries (set_flaky), then A
  silent.example.test.           never answered (the client times out)
  tc.example.test.               over UDP an empty answer with the TC bit set, over TCP the
                                 records, so the client must ask again over TCP
  broken.example.test.           a valid header and question, then an answer section that
                                 runs past the end of the message
  alias.example.test.            a CNAME: queries of other types get the CNAME and the
                                 target's records, as a recursive server answers

Every query is logged as (proto, name, type) for the tests to count. Threads:
one for UDP, one accepting TCP, one per TCP connection; stop() joins them all.
"""
import socket
import struct
import threading

from dnslib import QTYPE, RCODE, RR, DNSRecord

ZONE = '''
www.example.test.      60 IN A     192.0.2.10
www.example.test.      60 IN A     192.0.2.11
www.example.test.      60 IN AAAA  2001:db8::10
alias.example.test.    60 IN CNAME www.example.test.
example.test.          60 IN MX    10 mail.example.test.
example.test.          60 IN MX    20 backup.example.test.
example.test.          60 IN TXT   "v=spf1 -all"
example.test.          60 IN NS    ns1.example.test.
example.test.          60 IN NS    ns2.example.test.
example.test.          60 IN SOA   ns1.example.test. hostmaster.example.test. (
                                   2024010101 3600 600 86400 60 )
multi.example.test.    60 IN TXT   "abc" "def"
empty.example.test.    60 IN TXT   "only text here"
flaky.example.test.    60 IN A     192.0.2.77
tc.example.test.       60 IN A     192.0.2.31
tc.example.test.       60 IN A     192.0.2.32
tc.example.test.       60 IN A     192.0.2.33
'''

SERVFAIL = 'servfail.example.test.'
FLAKY = 'flaky.example.test.'
SILENT = 'silent.example.test.'
TRUNCATED = 'tc.example.test.'
BROKEN = 'broken.example.test.'


def _bind_pair(host, port):
    """A UDP and a TCP socket bound to the same port of HOST (a free one when PORT is 0)."""
    family = socket.AF_INET6 if ':' in host else socket.AF_INET
    for _ in range(50):
        udp = socket.socket(family, socket.SOCK_DGRAM)
        tcp = socket.socket(family, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            udp.bind((host, port))
            tcp.bind((host, udp.getsockname()[1]))
            return udp, tcp
        except OSError:
            udp.close()
            tcp.close()
            if port:
                raise
    raise OSError('no free port for both UDP and TCP')


class DnsServer:
    def __init__(self, host='127.0.0.1', port=0):
        self.host = host
        self.records = {}
        for rr in RR.fromZone(ZONE):
            self.records.setdefault((str(rr.rname).lower(), rr.rtype), []).append(rr)
        self.names = {name for name, _ in self.records}
        self.queries = []
        self.flaky_left = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.udp, self.tcp = _bind_pair(host, port)
        self.port = self.udp.getsockname()[1]
        self.threads = []
        self.conns = []

    @property
    def address(self):
        """The server as a dns monitor's `server` key writes it."""
        return f'[{self.host}]:{self.port}' if ':' in self.host else f'{self.host}:{self.port}'

    def start(self):
        self.udp.settimeout(0.1)
        self.tcp.settimeout(0.1)
        self.tcp.listen(16)
        for target in (self._serve_udp, self._serve_tcp):
            t = threading.Thread(target=target, daemon=True)
            t.start()
            self.threads.append(t)
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads[:2]:  # UDP and accept: no new connection after these
            t.join(5)
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        for t in self.threads:
            t.join(5)
        self.udp.close()
        self.tcp.close()

    def set_flaky(self, n):
        """The next N queries of flaky.example.test. get SERVFAIL."""
        with self.lock:
            self.flaky_left = n

    def count(self, name, proto=None, qtype=None):
        name = name.lower().rstrip('.') + '.'
        with self.lock:
            return sum(1 for p, n, t in self.queries
                       if n == name and (proto is None or p == proto)
                       and (qtype is None or t == qtype))

    def reset(self):
        with self.lock:
            self.queries.clear()

    # -- answering --

    def answer(self, data, proto):
        """The reply to query DATA received over PROTO ('udp' or 'tcp'), or None for none."""
        try:
            req = DNSRecord.parse(data)
        except Exception:  # not DNS: say nothing, as many servers do
            return None
        name = str(req.q.qname).lower()
        qtype = QTYPE.get(req.q.qtype)
        with self.lock:
            self.queries.append((proto, name, qtype))
            flaky = name == FLAKY and self.flaky_left > 0
            if flaky:
                self.flaky_left -= 1
        reply = req.reply()
        if name == SILENT:
            return None
        if name == SERVFAIL or flaky:
            reply.header.rcode = RCODE.SERVFAIL
            return reply.pack()
        if name == BROKEN:
            return self._broken(reply)
        if name == TRUNCATED and proto == 'udp':
            reply.header.tc = 1
            return reply.pack()
        if name not in self.names:
            reply.header.rcode = RCODE.NXDOMAIN
            for rr in self.records[('example.test.', QTYPE.SOA)]:
                reply.add_auth(rr)
            return reply.pack()
        for rr in self._lookup(name, req.q.qtype):
            reply.add_answer(rr)
        return reply.pack()

    def _lookup(self, name, qtype):
        found = self.records.get((name, qtype), [])
        cname = self.records.get((name, QTYPE.CNAME), [])
        if found or not cname or qtype == QTYPE.CNAME:
            return list(found)
        return cname + self.records.get((str(cname[0].rdata.label).lower(), qtype), [])

    @staticmethod
    def _broken(reply):
        msg = bytearray(reply.pack())
        msg[6:8] = struct.pack('>H', 3)  # three answers announced
        return bytes(msg) + b'\xc0\x0c\x00\x01\x00'  # and half of one sent

    # -- transport --

    def _serve_udp(self):
        while not self.stopping.is_set():
            try:
                data, peer = self.udp.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            out = self.answer(data, 'udp')
            if out is not None:
                try:
                    self.udp.sendto(out, peer)
                except OSError:
                    pass

    def _serve_tcp(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(2)
            with self.lock:
                self.conns.append(conn)
            t = threading.Thread(target=self._serve_conn, args=(conn,), daemon=True)
            t.start()
            self.threads.append(t)

    def _serve_conn(self, conn):
        try:
            while not self.stopping.is_set():
                head = self._recv_exact(conn, 2)
                if head is None:
                    return
                data = self._recv_exact(conn, struct.unpack('>H', head)[0])
                if data is None:
                    return
                out = self.answer(data, 'tcp')
                if out is not None:
                    conn.sendall(struct.pack('>H', len(out)) + out)
        except OSError:
            pass
        finally:
            with self.lock:
                self.conns.remove(conn)
            conn.close()

    @staticmethod
    def _recv_exact(conn, n):
        buf = b''
        while len(buf) < n:
            chunk = conn.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf


if __name__ == '__main__':  # run by hand: python3 dnsserver.py [host] [port]
    import sys
    import time
    srv = DnsServer(*(sys.argv[1:2] or ['127.0.0.1']),
                    *(int(p) for p in sys.argv[2:3])).start()
    print(f'listening on {srv.address}', flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.stop()
