"""The icmp probe: echo requests to loopback, packet loss and unreachable addresses made by
the test inside network namespaces of its own (nothing outside them is changed), the
unprivileged datagram-socket path, the missing-privilege path, and no fd left behind."""
import json
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile

import pytest

from conftest import (monitor_yaml, run_cli, sanitizer_report, vigil_bin, wait_for, open_fds,
                      children)

TOKEN = 'icmp-test-token-0123456789abcdef'
NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']
ALL_GROUPS = '0 2147483647'
TIMEOUT_MS = 100  # of the daemon's monitors (at most their interval)

# Inside the test's namespace only (where lo also has ::2): echo requests to 127.0.0.2
# vanish on the way in (a lost packet), those to 127.0.0.4 are dropped on the way out
# (sendto fails), and those to 127.0.0.3 and ::2 are refused with an ICMP error
# (destination unreachable).
RULES = '''table inet vigil_test {
  chain in {
    type filter hook input priority 0;
    ip daddr 127.0.0.2 icmp type echo-request drop
  }
  chain out {
    type filter hook output priority 0;
    ip daddr 127.0.0.4 icmp type echo-request drop
    ip daddr 127.0.0.3 icmp type echo-request reject with icmp type host-unreachable
    ip6 daddr ::2 icmpv6 type echo-request reject with icmpv6 type addr-unreachable
  }
}
'''

needs_root = pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(b) for b in ('unshare', 'nft', 'setpriv', 'ip')),
    reason='network namespaces, nftables rules and setpriv need root (and unshare, nft, '
           'setpriv, ip)')


@pytest.fixture
def shared_dir():
    """A directory the unprivileged user 65534 can read (pytest's tmp_path is 0700)."""
    d = pathlib.Path(tempfile.mkdtemp(prefix='vigil-icmp-'))
    d.chmod(0o755)
    (d / 'rules.nft').write_text(RULES)
    (d / 'rules.nft').chmod(0o644)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write_config(d, text, name='vigil.yaml'):
    p = d / name
    p.write_text(text)
    p.chmod(0o644)
    return p


def icmp(name, **keys):
    keys.setdefault('timeout', '1s')
    return monitor_yaml(name, type='icmp', **keys)


def namespace_script(d, *, rules=True, groups=None, user=False):
    """Shell commands that set up a fresh network namespace, then exec what follows."""
    steps = ['ip link set lo up', 'ip addr add ::2/128 dev lo nodad']
    if rules:
        steps.append(f'nft -f {d / "rules.nft"}')
    if groups is not None:
        steps.append(f'sysctl -qw net.ipv4.ping_group_range="{groups}"')
    return ' && '.join(steps) + ' && exec ' + (' '.join(NOBODY) + ' ' if user else '')


def check_json(proc):
    assert not sanitizer_report(proc.stderr), proc.stderr
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise AssertionError(f'no JSON from vigil check ({proc.returncode}):\n'
                             f'{proc.stdout}\n{proc.stderr}')


def check(d, config, monitor):
    """vigil check in this namespace."""
    p = write_config(d, config)
    return check_json(run_cli('check', '-c', str(p), '--monitor', monitor, '--json'))


def ns_check(d, config, monitor, **ns):
    """vigil check inside a new network namespace (see namespace_script)."""
    p = write_config(d, config)
    cmd = namespace_script(d, **ns) + f'{vigil_bin()} check -c {p} --monitor {monitor} --json'
    r = subprocess.run(['unshare', '-n', '--', 'sh', '-c', cmd], capture_output=True, text=True,
                       timeout=60)
    return check_json(r)


def assert_up(res, ip, count):
    assert res['status'] == 'up' and res['reason'] == 'ok', res
    assert res['ip'] == ip
    v = res['values']
    assert v['packets_sent'] == count and v['packets_received'] == count, v
    assert v['packet_loss'] == 0
    assert 0 < v['rtt_min_ms'] <= v['rtt_avg_ms'] <= v['rtt_max_ms'] < 1000, v
    assert res['latency_ms'] == pytest.approx(v['rtt_avg_ms'], abs=0.01)
    assert f'{count}/{count} replies from {ip}' in res['message']


def skip_unless_permitted(res):
    if res['reason'] == 'not_permitted' and os.geteuid() != 0:
        pytest.skip(f'no ICMP socket for this user: {res["message"]}')


# ---- loopback, in the test's own namespace ------------------------------------

def test_loopback_v4_up_with_values_and_placeholders(shared_dir):
    conds = ['[PACKET_LOSS] == 0', '[RTT] < 1s', '[RESPONSE_TIME] < 1s', '[RTT_MAX] < 1s',
             '[CONNECTED] == true', '[IP] == 127.0.0.1']
    res = check(shared_dir, 'monitors:\n' + icmp('Lo', host='127.0.0.1', count=4,
                                                 spacing='20ms', conditions=conds,
                                                 degraded_if=['[PACKET_LOSS] > 0']), 'Lo')
    skip_unless_permitted(res)
    assert_up(res, '127.0.0.1', 4)
    assert [c['holds'] for c in res['conditions']] == [True] * len(conds) + [False]


def test_loopback_v6_up(shared_dir):
    if '00000000000000000000000000000001' not in pathlib.Path('/proc/net/if_inet6').read_text():
        pytest.skip('no IPv6 loopback address')
    res = check(shared_dir, 'monitors:\n' + icmp('Lo6', host='::1', count=3, spacing='10ms'),
                'Lo6')
    skip_unless_permitted(res)
    assert_up(res, '::1', 3)


def test_name_is_resolved(shared_dir):
    res = check(shared_dir, 'monitors:\n' + icmp('Name', host='localhost', ip_version=4,
                                                 count=1), 'Name')
    skip_unless_permitted(res)
    assert_up(res, '127.0.0.1', 1)
    res = check(shared_dir, 'monitors:\n' + icmp('Nx', host='no-such-host.invalid'), 'Nx')
    assert res['reason'] == 'dns_failed' and 'no-such-host.invalid' in res['message'], res


def test_config_errors_name_the_key(shared_dir):
    p = write_config(shared_dir, 'monitors:\n' + icmp('A', host='::1', ip_version=4) +
                     icmp('B', host='h', count=500) + icmp('C', host='h', spacing='1ms'))
    r = run_cli('config', 'check', str(p))
    assert r.returncode != 0
    out = r.stdout + r.stderr
    assert 'monitors[0].host: ::1 is an IPv6 address but ip_version is 4' in out
    assert 'monitors[1].count: 500 is out of range (1..100)' in out
    assert 'monitors[2].spacing: 1ms is out of range' in out


# ---- inside namespaces of the test's own ---------------------------------------

@needs_root
@pytest.mark.parametrize('user', [False, True], ids=['raw-socket', 'datagram-socket'])
def test_packet_loss_is_down_within_timeout(shared_dir, user):
    cfg = 'monitors:\n' + icmp('Lost', host='127.0.0.2', count=3, spacing='100ms') + \
        icmp('Lo', host='127.0.0.1', count=2, spacing='10ms')
    ns = dict(user=user, groups=ALL_GROUPS)
    res = ns_check(shared_dir, cfg, 'Lost', **ns)
    assert res['status'] == 'down' and res['reason'] == 'packet_loss', res
    assert res['exit_code'] == 2
    assert 'no reply from 127.0.0.2: 3/3 lost' in res['message']
    assert res['values'] == {'packets_sent': 3, 'packets_received': 0, 'packet_loss': 100}
    # it waited for the replies until its timeout, and not longer
    # it waits for the replies until the timeout (the loop's clock is in ms: allow a little early)
    assert 900 <= res['latency_ms'] <= 2000, res
    # the same namespace still answers for 127.0.0.1: only the rule's address is lost
    assert_up(ns_check(shared_dir, cfg, 'Lo', **ns), '127.0.0.1', 2)


@needs_root
def test_dropped_on_the_way_out_is_packet_loss(shared_dir):
    res = ns_check(shared_dir, 'monitors:\n' + icmp('Out', host='127.0.0.4', count=2,
                                                    spacing='50ms'), 'Out')
    assert res['reason'] == 'packet_loss' and res['status'] == 'down', res
    assert '2/2 lost (sending: Operation not permitted)' in res['message']
    assert res['latency_ms'] <= 2000


@needs_root
@pytest.mark.parametrize('user', [False, True], ids=['raw-socket', 'datagram-socket'])
@pytest.mark.parametrize('host,words', [('127.0.0.3', 'destination host unreachable'),
                                        ('::2', 'destination address unreachable')])
def test_icmp_error_is_connect_failed(shared_dir, user, host, words):
    cfg = 'monitors:\n' + icmp('Unreach', host=host, count=3, spacing='50ms')
    res = ns_check(shared_dir, cfg, 'Unreach', user=user, groups=ALL_GROUPS)
    assert res['status'] == 'down' and res['reason'] == 'connect_failed', res
    assert words in res['message'] and '3/3 lost' in res['message'], res
    assert res['values']['packets_received'] == 0
    # every request was answered by an error: no need to wait for the timeout
    assert res['latency_ms'] < 1000, res


@needs_root
def test_no_route_is_connect_failed(shared_dir):
    res = ns_check(shared_dir, 'monitors:\n' + icmp('Far', host='192.0.2.1', count=1), 'Far',
                   rules=False)
    assert res['reason'] == 'connect_failed', res
    assert 'Network is unreachable' in res['message']


@needs_root
def test_partial_loss_is_up_unless_degraded_if(shared_dir):
    """Every other request to 127.0.0.5 is dropped (nft's numgen counter): half lost."""
    rules = shared_dir / 'rules.nft'
    rules.write_text('table inet vigil_test {\n  chain in {\n'
                     '    type filter hook input priority 0;\n'
                     '    ip daddr 127.0.0.5 icmp type echo-request numgen inc mod 2 0 drop\n'
                     '  }\n}\n')
    cfg = 'monitors:\n' + icmp('Half', host='127.0.0.5', count=4, spacing='20ms',
                               degraded_if=['[PACKET_LOSS] > 0'])
    res = ns_check(shared_dir, cfg, 'Half')
    assert res['status'] == 'degraded' and res['reason'] == 'degraded', res
    assert res['values']['packets_received'] == 2 and res['values']['packet_loss'] == 50
    assert '[PACKET_LOSS] (50) > 0' in res['message']
    cfg = 'monitors:\n' + icmp('Half', host='127.0.0.5', count=4, spacing='20ms')
    res = ns_check(shared_dir, cfg, 'Half')
    assert res['status'] == 'up' and '2/4 replies from 127.0.0.5 (50% loss)' in res['message']


@needs_root
def test_not_permitted_says_how_to_fix_it(shared_dir):
    # an empty ping_group_range, and an unprivileged user without CAP_NET_RAW
    res = ns_check(shared_dir, 'monitors:\n' + icmp('Lo', host='127.0.0.1'), 'Lo',
                   user=True, groups='1 0', rules=False)
    assert res['status'] == 'unknown' and res['reason'] == 'not_permitted', res
    assert res['exit_code'] == 3
    assert 'net.ipv4.ping_group_range' in res['message']
    assert 'CAP_NET_RAW' in res['message']
    # the same user pings once its group is in the range (the datagram socket)
    res = ns_check(shared_dir, 'monitors:\n' + icmp('Lo', host='127.0.0.1', count=1), 'Lo',
                   user=True, groups='65534 65534', rules=False)
    assert_up(res, '127.0.0.1', 1)


# ---- a daemon in a namespace: 100 runs of each case leave nothing behind --------

def ns_api(pid, path):
    """GET PATH from the daemon PID listening inside its own network namespace."""
    code = ('import sys, urllib.request\n'
            'req = urllib.request.Request(sys.argv[1], headers={"Authorization": sys.argv[2]})\n'
            'print(urllib.request.urlopen(req, timeout=5).read().decode())\n')
    r = subprocess.run(['nsenter', '-t', str(pid), '-n', '/usr/bin/python3', '-c', code,
                        path, f'Bearer {TOKEN}'], capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise OSError(r.stderr.strip()[-300:])
    return json.loads(r.stdout)


@needs_root
@pytest.mark.parametrize('user', [False, True], ids=['raw-socket', 'datagram-socket'])
def test_hundred_runs_leave_no_fd(shared_dir, user):
    reps = 100
    cases = [('up', dict(host='127.0.0.1', count=1), 'ok', 'up'),
             ('up6', dict(host='::1', count=2, spacing='10ms'), 'ok', 'up'),
             ('lost', dict(host='127.0.0.2', count=2, spacing='20ms'), 'packet_loss', 'down'),
             ('refused', dict(host='127.0.0.3', count=1), 'connect_failed', 'down')]
    data = shared_dir / 'data'
    data.mkdir()
    if user:
        os.chown(data, 65534, 65534)
    port = 18080  # the namespace is new: every port is free in it
    cfg = write_config(shared_dir, f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}}}\n'
                       'storage:\n  path: vigil.db\n  commit_interval: 200ms\n'
                       'monitors:\n' +
                       ''.join(icmp(n, interval='150ms', timeout=f'{TIMEOUT_MS}ms', **k)
                               for n, k, _, _ in cases))
    log = open(data / 'vigil.log', 'wb')
    cmd = namespace_script(shared_dir, user=user, groups=ALL_GROUPS) + \
        f'{vigil_bin()} serve -c {cfg}'
    env = dict(os.environ, VIGIL_LISTEN=f'127.0.0.1:{port}')
    proc = subprocess.Popen(['unshare', '-n', '--', 'sh', '-c', cmd], cwd=data, env=env,
                            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    base = f'http://127.0.0.1:{port}/api/v1/monitors'
    try:
        def first_results():
            assert proc.poll() is None, (data / 'vigil.log').read_text()
            return all(m['last_result'] for m in ns_api(proc.pid, base)['monitors'])
        wait_for(first_results, 30, interval=0.2, what='a first result of every icmp monitor')
        fds_warm = open_fds(proc.pid)

        def done():
            assert proc.poll() is None, (data / 'vigil.log').read_text()
            return min(ns_api(proc.pid, f'{base}/{n}')['state']['checks']
                       for n, _, _, _ in cases) >= reps
        wait_for(done, 120, interval=1, what=f'{reps} checks of every icmp monitor')
        for name, keys, reason, status in cases:
            # results reach the store within storage.commit_interval
            results = wait_for(lambda: (lambda rs: rs if len(rs) == reps else None)(
                ns_api(proc.pid, f'{base}/{name}/results?limit={reps}')['results']),
                15, interval=0.5, what=f'{reps} results of {name} committed')
            bad = [r for r in results if r['reason'] != reason or r['status'] != status]
            assert not bad, (name, bad[:3])
            assert max(r['latency_ms'] for r in results) <= TIMEOUT_MS + 1000, name
        assert open_fds(proc.pid) <= fds_warm + 5, (fds_warm, open_fds(proc.pid))
        assert children(proc.pid) == []
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()
    text = (data / 'vigil.log').read_text(errors='replace')
    assert not sanitizer_report(text), text[-6000:]
    assert proc.returncode == 0, text[-3000:]


# ---- monitors made through the API ----------------------------------------------

def test_api_monitor_is_guarded(daemon):
    import requests
    ops = 'icmp-operator-token-0123456789'
    d = daemon(f'auth:\n  tokens:\n    - {{name: ops, token: {ops}, role: operator}}\n')
    hdr = {'Authorization': f'Bearer {ops}'}
    for name, host in (('lo', '127.0.0.1'), ('lo6', '::1'), ('by name', 'localhost')):
        r = requests.post(d.url('/api/v1/monitors'), headers=hdr, timeout=10,
                          json=dict(name=name, type='icmp', host=host, interval='1h'))
        assert r.status_code == 201, r.text
        r = requests.post(d.url(f'/api/v1/monitors/{r.json()["id"]}/run'), headers=hdr,
                          timeout=30)
        res = r.json()['result']
        # refused before any socket is opened: not even not_permitted
        assert res['reason'] == 'target_forbidden' and res['status'] == 'down', (name, res)
        assert 'security.targets' in res['message']
