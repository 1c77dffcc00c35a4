"""The dns probe against dnsserver.py: every record type, NXDOMAIN, SERVFAIL, timeouts,
truncation to TCP, conditions, IPv6, the SSRF guard, the system resolver, and 100 runs
in a daemon without a leaked fd."""
import ipaddress
import json
import os
import pathlib
import shutil
import socket
import subprocess
import threading

import pytest
import requests

from conftest import api, monitor_yaml, run_cli, vigil_bin, wait_for, open_fds, children
from dnsserver import DnsServer

HERE = pathlib.Path(__file__).resolve().parent
TOKEN = 'dns-test-token-0123456789'
AUTH = f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}, role: operator}}\n'


@pytest.fixture(scope='module')
def dns():
    srv = DnsServer('127.0.0.1').start()
    yield srv
    srv.stop()


@pytest.fixture(scope='module')
def dns6():
    srv = DnsServer('::1').start()
    yield srv
    srv.stop()


def check(tmp_path, srv, **keys):
    """Runs one dns monitor with `vigil check --json`; returns (result, exit code)."""
    keys.setdefault('timeout', '2s')
    if srv is not None:
        keys.setdefault('server', srv.address)
    cfg = tmp_path / 'dns.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('d', type='dns', **keys))
    r = run_cli('check', '-c', str(cfg), '--monitor', 'd', '--json')
    assert 'Sanitizer' not in r.stderr and 'runtime error' not in r.stderr, r.stderr
    return json.loads(r.stdout), r.returncode


RECORDS = [
    # (keys, answers, text in the message)
    (dict(query='www.example.test'), 2, '192.0.2.10, 192.0.2.11'),
    (dict(query='www.example.test', record='AAAA'), 1, '2001:db8::10'),
    (dict(query='alias.example.test', record='CNAME'), 1, 'www.example.test'),
    (dict(query='alias.example.test'), 2, '192.0.2.10, 192.0.2.11'),  # through the CNAME
    (dict(query='example.test', record='MX'), 2, '10 mail.example.test, 20 backup.example.test'),
    (dict(query='example.test', record='TXT'), 1, 'v=spf1 -all'),
    (dict(query='multi.example.test', record='TXT'), 1, 'abcdef'),
    (dict(query='example.test', record='NS'), 2, 'ns1.example.test, ns2.example.test'),
    (dict(query='example.test', record='SOA'), 1,
     'ns1.example.test hostmaster.example.test 2024010101 3600 600 86400 60'),
]


@pytest.mark.parametrize('keys,answers,text', RECORDS,
                         ids=[f'{k.get("record", "A")}-{k["query"]}' for k, _, _ in RECORDS])
def test_record_types(tmp_path, dns, keys, answers, text):
    res, code = check(tmp_path, dns, **keys)
    assert code == 0 and res['status'] == 'up' and res['reason'] == 'ok', res
    assert text in res['message'], res
    assert res['values']['answers'] == answers
    assert 0 < res['values']['lookup_time_ms'] < 2000
    assert res['ip'] == '127.0.0.1'  # the server asked


@pytest.mark.parametrize('keys,missing', [
    (dict(query='www.example.test', expect=['192.0.2.11', '192.0.2.10']), None),
    (dict(query='www.example.test', record='AAAA', expect=['2001:0db8::0010']), None),
    (dict(query='example.test', record='MX',
          expect=['10 mail.example.test', 'backup.example.test.']), None),
    (dict(query='example.test', record='TXT', expect=['v=spf1 -all']), None),
    (dict(query='example.test', record='SOA', expect=['NS1.example.test']), None),
    (dict(query='example.test', record='NS', expect=['ns2.example.test']), None),
    (dict(query='alias.example.test', record='CNAME', expect=['www.example.test']), None),
    (dict(query='www.example.test', expect=['192.0.2.10', '192.0.2.99']), '192.0.2.99'),
    (dict(query='example.test', record='MX', expect=['20 mail.example.test']),
     '20 mail.example.test'),
    (dict(query='example.test', record='TXT', expect=['v=spf1 ~all']), 'v=spf1 ~all'),
    (dict(query='example.test', record='SOA', expect=['ns2.example.test']), 'ns2.example.test'),
])
def test_expect(tmp_path, dns, keys, missing):
    res, code = check(tmp_path, dns, **keys)
    if missing is None:
        assert code == 0 and res['status'] == 'up', res
        return
    assert code == 2 and res['reason'] == 'condition_failed', res
    assert f'expected {keys.get("record", "A")} "{missing}"' in res['message'], res
    assert 'got: ' in res['message'], res


def test_expect_with_no_records_says_so(tmp_path, dns):
    res, _ = check(tmp_path, dns, query='empty.example.test', expect=['192.0.2.1'])
    assert res['reason'] == 'condition_failed', res
    assert 'got: no A records (NOERROR)' in res['message']


def test_nxdomain_is_a_real_failure(tmp_path, dns):
    dns.reset()
    res, code = check(tmp_path, dns, query='nope.example.test')
    assert code == 2 and res['status'] == 'down' and res['reason'] == 'dns_nxdomain', res
    assert 'NXDOMAIN' in res['message'] and 'nope.example.test' in res['message']
    assert dns.count('nope.example.test') == 1  # not retried


def test_nodata(tmp_path, dns):
    res, _ = check(tmp_path, dns, query='empty.example.test')
    assert res['status'] == 'down' and res['reason'] == 'unexpected_response', res
    assert 'NODATA' in res['message']


def test_servfail_is_retried_then_answered(tmp_path, dns):
    dns.reset()
    dns.set_flaky(2)
    res, code = check(tmp_path, dns, query='flaky.example.test')
    assert code == 0 and res['status'] == 'up', res
    assert '192.0.2.77' in res['message']
    assert dns.count('flaky.example.test') == 3


def test_servfail_after_retries_is_an_error(tmp_path, dns):
    dns.reset()
    res, code = check(tmp_path, dns, query='servfail.example.test', timeout='2s')
    assert code == 2 and res['reason'] == 'dns_error', res
    assert 'SERVFAIL' in res['message'] and '3 queries' in res['message'], res
    assert dns.count('servfail.example.test') == 3
    assert res['latency_ms'] < 2000


def test_timeout(tmp_path, dns):
    dns.reset()
    res, code = check(tmp_path, dns, query='silent.example.test', timeout='1s')
    assert code == 2 and res['status'] == 'down' and res['reason'] == 'timeout', res
    assert 'did not answer' in res['message'] and dns.address in res['message'], res
    assert res['latency_ms'] <= 1000 + 1000
    assert dns.count('silent.example.test') >= 2  # sent again before giving up


def test_truncated_answer_is_asked_again_over_tcp(tmp_path, dns):
    dns.reset()
    res, code = check(tmp_path, dns, query='tc.example.test', expect=['192.0.2.33'])
    assert code == 0 and res['values']['answers'] == 3, res
    assert dns.count('tc.example.test', proto='udp') == 1
    assert dns.count('tc.example.test', proto='tcp') == 1


def test_malformed_answer(tmp_path, dns):
    res, code = check(tmp_path, dns, query='broken.example.test')
    assert code == 2 and res['reason'] == 'protocol_error', res
    assert 'malformed answer' in res['message']


def closed_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_nothing_listening(tmp_path):
    res, code = check(tmp_path, None, query='www.example.test',
                      server=f'127.0.0.1:{closed_udp_port()}')
    assert code == 2 and res['reason'] == 'connect_refused', res
    assert 'nothing listens there' in res['message']


CONDITIONS = [
    # (query, conditions, status, text in the message)
    ('nope.example.test', ['[DNS_RCODE] == NXDOMAIN'], 'up', 'NXDOMAIN'),
    ('nope.example.test', ['[DNS_RCODE] == NOERROR'], 'down', '[DNS_RCODE] (NXDOMAIN) == NOERROR'),
    ('www.example.test', ['[DNS_RCODE] == NOERROR'], 'up', '2 A records'),
    ('www.example.test', ['[BODY] == pat(*192.0.2.11*)'], 'up', ''),
    ('www.example.test', ['[BODY] == 192.0.2.10'], 'down', '[BODY]'),
    ('www.example.test', ['[IP] == 192.0.2.10', '[RESPONSE_TIME] < 2s'], 'up', ''),
    ('www.example.test', ['[IP] == 192.0.2.11'], 'down', '[IP] (192.0.2.10)'),
    ('empty.example.test', ['[DNS_RCODE] == NOERROR', '[BODY] == ""'], 'up', 'NODATA'),
    ('servfail.example.test', ['[DNS_RCODE] == SERVFAIL'], 'up', 'SERVFAIL'),
    ('example.test', ['[BODY] == pat(ns1.example.test *)', '[IP] == 192.0.2.1'], 'down',
     '[IP] (missing)'),  # SOA: no address
]


@pytest.mark.parametrize('query,conditions,status,text', CONDITIONS)
def test_conditions(tmp_path, dns, query, conditions, status, text):
    record = 'SOA' if query == 'example.test' else 'A'
    res, _ = check(tmp_path, dns, query=query, record=record, conditions=conditions)
    assert res['status'] == status, res
    assert text in res['message'], res
    if status == 'down':
        assert res['reason'] == 'condition_failed'


def test_ipv6_server(tmp_path, dns6):
    res, code = check(tmp_path, dns6, query='www.example.test', record='AAAA',
                      expect=['2001:db8::10'])
    assert code == 0 and res['status'] == 'up', res
    assert res['ip'] == '::1'
    assert dns6.count('www.example.test', qtype='AAAA') >= 1
    res, _ = check(tmp_path, dns6, query='nope.example.test')
    assert res['reason'] == 'dns_nxdomain' and f'[::1]:{dns6.port}' in res['message'], res


@pytest.mark.parametrize('keys,error', [
    (dict(record='A'), 'missing required key "query"'),
    (dict(query=''), 'query: is empty'),
    (dict(query='x.test', record='PTR'), 'record: "PTR" is not one of A, AAAA, CNAME, MX'),
    (dict(query='x.test', server='ns1.example.test'), 'server: "ns1.example.test" is not an IP'),
    (dict(query='x.test', server='127.0.0.1:0'), 'server: the port "0" is not a number'),
    (dict(query='x.test', server='[::1:53'), 'server: "[::1:53" is malformed'),
    (dict(query='x.test', expect=['mail.example.test']), 'expect: "mail.example.test" is not an '
     'IPv4 address'),
])
def test_config_errors(tmp_path, keys, error):
    cfg = tmp_path / 'bad.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('d', type='dns', **keys))
    r = run_cli('config', 'check', str(cfg))
    assert r.returncode != 0
    assert error in r.stderr, r.stderr


def create(d, body):
    return requests.post(d.url('/api/v1/monitors'), json=body, timeout=10,
                         headers={'Authorization': f'Bearer {TOKEN}'})


def run_now(d, mid):
    r = requests.post(d.url(f'/api/v1/monitors/{mid}/run'), timeout=30,
                      headers={'Authorization': f'Bearer {TOKEN}'})
    assert r.status_code == 200, r.text
    return r.json()['result']


def system_nameservers():
    """The nameserver addresses of /etc/resolv.conf (c-ares asks 127.0.0.1 when none)."""
    try:
        lines = pathlib.Path('/etc/resolv.conf').read_text().splitlines()
    except OSError:
        lines = []
    found = [ln.split()[1].split('%')[0] for ln in lines
             if ln.startswith('nameserver') and len(ln.split()) > 1]
    return found or ['127.0.0.1']


def test_api_monitors_pass_the_ssrf_guard(daemon, dns):
    dns.reset()
    d = daemon(AUTH)
    r = create(d, dict(name='inside', type='dns', query='www.example.test', server=dns.address))
    assert r.status_code == 201, r.text
    res = run_now(d, r.json()['id'])
    assert res['status'] == 'down' and res['reason'] == 'target_forbidden', res
    assert '127.0.0.1' in res['message'] and 'security.targets' in res['message']
    # the system's resolvers are judged too: when all are internal addresses, the run is
    # refused before any packet leaves (skipped where a resolver is public: no packet to it)
    if all(ipaddress.ip_address(ns).is_private for ns in system_nameservers()):
        r = create(d, dict(name='system', type='dns', query='www.example.test'))
        res = run_now(d, r.json()['id'])
        assert res['reason'] == 'target_forbidden' and 'DNS server' in res['message'], res
    assert dns.count('www.example.test') == 0
    allowed = daemon(AUTH + 'security:\n  targets: {allow: ["127.0.0.0/8"]}\n')
    r = create(allowed, dict(name='inside', type='dns', query='www.example.test',
                             server=dns.address))
    res = run_now(allowed, r.json()['id'])
    assert res['status'] == 'up', res
    assert dns.count('www.example.test') == 1


def test_system_resolver(tmp_path):
    """Without `server`, /etc/resolv.conf names the server: checked in a network and mount
    namespace of its own, where our server listens on 127.0.0.1:53."""
    if os.geteuid() != 0 or shutil.which('unshare') is None:
        pytest.skip('needs root and unshare(1) for a namespace of its own')
    resolv = tmp_path / 'resolv.conf'
    resolv.write_text('nameserver 127.0.0.1\n')
    cfg = tmp_path / 'sys.yaml'
    cfg.write_text('monitors:\n' + monitor_yaml('d', type='dns', query='www.example.test',
                                                 expect=['192.0.2.10'], timeout='2s'))
    script = f'''
import subprocess, sys
sys.path.insert(0, {str(HERE)!r})
from dnsserver import DnsServer
srv = DnsServer('127.0.0.1', 53).start()
try:
    r = subprocess.run([{vigil_bin()!r}, 'check', '-c', {str(cfg)!r}, '--monitor', 'd',
                        '--json'], capture_output=True, text=True, timeout=30)
finally:
    srv.stop()
sys.stdout.write(r.stdout)
sys.stderr.write(r.stderr)
print('QUERIES', srv.count('www.example.test'), file=sys.stderr)
'''
    p = subprocess.run(['unshare', '-n', '-m', '--', 'sh', '-c',
                        f'ip link set lo up && mount --bind {resolv} /etc/resolv.conf && '
                        'exec /usr/bin/python3 -c "$0"', script],
                       capture_output=True, text=True, timeout=60)
    if p.returncode != 0 and not p.stdout:
        pytest.skip(f'no namespace here: {p.stderr.strip()[:200]}')
    res = json.loads(p.stdout)
    assert res['status'] == 'up' and res['ip'] == '127.0.0.1', (res, p.stderr)
    assert 'QUERIES 1' in p.stderr


def test_cancel_in_flight_on_shutdown(daemon, dns):
    dns.reset()
    d = daemon(AUTH + 'monitors:\n' + monitor_yaml(
        'slow', type='dns', query='silent.example.test', server=dns.address, interval='1m',
        timeout='40s'))

    def run_it():
        try:
            run_now(d, 'slow')
        except (requests.RequestException, AssertionError):
            pass  # the daemon went away meanwhile: expected
    t = threading.Thread(target=run_it, daemon=True)
    t.start()
    wait_for(lambda: dns.count('silent.example.test') >= 1, 10, what='the query sent')
    # c-ares alone would wait 30 s more; stop() fails after 15 s unless cancel() ends the run
    assert d.stop() == 0
    t.join(10)
    # (the fixture fails the test on any sanitizer report in the daemon's log)


def test_daemon_runs_100_times_without_leaks(daemon, dns):
    timeout_ms = 100
    cases = {
        'ok': (dict(query='www.example.test', expect=['192.0.2.10']), 'up', 'ok'),
        'nx': (dict(query='nope.example.test'), 'down', 'dns_nxdomain'),
        'servfail': (dict(query='servfail.example.test'), 'down', 'dns_error'),
        'silent': (dict(query='silent.example.test'), 'down', 'timeout'),
        'tcp': (dict(query='tc.example.test'), 'up', 'ok'),
        'broken': (dict(query='broken.example.test'), 'down', 'protocol_error'),
    }
    common = dict(type='dns', server=dns.address, interval='100ms', timeout=f'{timeout_ms}ms')
    d = daemon(AUTH + 'monitors:\n' +
               ''.join(monitor_yaml(n, **common, **k) for n, (k, _, _) in cases.items()))

    def checks():
        return {m: api(d, f'/api/v1/monitors/{m}', TOKEN)['state']['checks'] for m in cases}
    wait_for(lambda: min(checks().values()) >= 10, 60, interval=0.2, what='10 runs each')
    fds_warm = open_fds(d.proc.pid)
    wait_for(lambda: min(checks().values()) >= 100, 120, interval=0.5, what='100 runs each')
    for mid, (_, status, reason) in cases.items():
        m = api(d, f'/api/v1/monitors/{mid}', TOKEN)
        assert m['status'] == status and m['last_result']['reason'] == reason, m
        rows = wait_for(lambda: (lambda r: r if len(r) == 100 else None)(
            api(d, f'/api/v1/monitors/{mid}/results?limit=100', TOKEN)['results']), 15,
            what=f'100 results of {mid} committed')
        bad = [r for r in rows if r['reason'] != reason or r['latency_ms'] > timeout_ms + 1000]
        assert not bad, bad[:3]
    metrics = d.get('/metrics').text
    assert 'probe_dns_lookup_time_seconds{monitor="ok"}' in metrics
    assert open_fds(d.proc.pid) <= fds_warm + 4, (fds_warm, open_fds(d.proc.pid))
    assert children(d.proc.pid) == []
