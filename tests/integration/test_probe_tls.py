"""The tls probe against the TLS servers of targets.py: a valid chain from the test CA,
expired, self-signed and misnamed certificates, a refused port, a port that never answers,
a port that does not speak TLS; certificate alerts; no fd left behind over 100 runs."""
import json
import re
import time

import pytest

from conftest import api, monitor_yaml, run_cli, sanitizer_report, wait_for, open_fds, children
from receiver import Receiver

TOKEN = 'tls-test-token-0123456789abcdef'
AUTH = f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}, role: operator}}\n'


def port(url):
    return int(url.rsplit(':', 1)[1])


def tls(name, **keys):
    keys.setdefault('host', '127.0.0.1')
    return monitor_yaml(name, type='tls', **keys)


def check(tmp_path, name, **keys):
    p = tmp_path / 'vigil.yaml'
    p.write_text('monitors:\n' + tls(name, **keys))
    r = run_cli('check', '-c', str(p), '--monitor', name, '--json')
    assert not sanitizer_report(r.stderr), r.stderr
    res = json.loads(r.stdout)
    assert r.returncode == res['exit_code']
    return res


def days_left(not_after):
    return (not_after - time.time()) / 86400


def test_valid_chain(tmp_path, targets):
    conds = ['[CONNECTED] == true', '[IP] == 127.0.0.1', '[RESPONSE_TIME] < 5s',
             '[TLS_VERSION] == any(TLSv1.2, TLSv1.3)', '[CERTIFICATE_EXPIRATION] > 9d',
             '[CERTIFICATE_EXPIRATION] < 11d', '[BODY] == pat(*issuer: CN=Vigil Test CA*)',
             '[BODY] == pat(*subject: CN=valid*)', '[BODY] == pat(*IP:127.0.0.1*)']
    res = check(tmp_path, 'Valid', port=port(targets.tls_valid), ca_file=targets.tls_ca_file,
                conditions=conds)
    assert res['status'] == 'up' and res['reason'] == 'ok', res
    assert all(c['holds'] for c in res['conditions']), res['conditions']
    v = res['values']
    assert v['tls_version'] in (1.2, 1.3)
    version = 'TLSv1.3' if v['tls_version'] == 1.3 else 'TLSv1.2'
    assert res['message'].startswith(version + ' '), res['message']
    assert 'certificate valid for 10 days' in res['message']
    # the earliest expiry of the chain is the leaf's notAfter, to the second
    assert res['certificate_expiry'] == targets.tls_valid_not_after
    assert v['days_to_expiry'] == pytest.approx(days_left(targets.tls_valid_not_after),
                                                abs=0.01)
    assert v['chain_valid'] == 1 and v['hostname_match'] == 1
    assert 0 < v['handshake_ms'] <= res['latency_ms']
    assert res['ip'] == '127.0.0.1'


def test_host_name_and_servername(tmp_path, targets):
    p = port(targets.tls_valid)
    ca = targets.tls_ca_file
    # by name: resolved, sent as SNI, matched against DNS:localhost
    res = check(tmp_path, 'Name', host='localhost', port=p, ca_file=ca)
    assert res['reason'] == 'ok', res
    # an address to connect to, a name to verify
    res = check(tmp_path, 'Sni', port=p, ca_file=ca, servername='localhost')
    assert res['reason'] == 'ok', res
    res = check(tmp_path, 'Other', port=p, ca_file=ca, servername='other.example')
    assert res['status'] == 'down' and res['reason'] == 'tls_hostname', res
    assert 'the certificate does not name other.example' in res['message']
    assert res['values']['hostname_match'] == 0 and res['values']['chain_valid'] == 1


def test_expired(tmp_path, targets):
    res = check(tmp_path, 'Expired', port=port(targets.tls_expired),
                ca_file=targets.tls_ca_file)
    assert res['status'] == 'down' and res['reason'] == 'tls_expired', res
    assert 'certificate expired on' in res['message']
    assert res['certificate_expiry'] < time.time()
    assert -1.1 < res['values']['days_to_expiry'] < -0.9
    assert res['values']['chain_valid'] == 0


def test_untrusted(tmp_path, targets):
    res = check(tmp_path, 'Self', port=port(targets.tls_self_signed))
    assert res['status'] == 'down' and res['reason'] == 'tls_untrusted', res
    assert 'not trusted: self-signed certificate' in res['message']
    # a chain from a CA the system does not know, when ca_file does not add it
    res = check(tmp_path, 'Unknown CA', port=port(targets.tls_valid))
    assert res['reason'] == 'tls_untrusted', res
    assert 'unable to get local issuer certificate' in res['message']


def test_wrong_host(tmp_path, targets):
    res = check(tmp_path, 'Wrong', port=port(targets.tls_wrong_host),
                ca_file=targets.tls_ca_file)
    assert res['status'] == 'down' and res['reason'] == 'tls_hostname', res
    assert 'does not name 127.0.0.1' in res['message']
    assert '[BODY]' not in res['message']


def test_verify_off_reports_without_failing(tmp_path, targets):
    res = check(tmp_path, 'Self', port=port(targets.tls_self_signed), tls_verify=False)
    assert res['status'] == 'up' and res['reason'] == 'ok', res
    assert 'not verified: not trusted: self-signed certificate' in res['message']
    assert res['values']['chain_valid'] == 0
    # an expired certificate still shows in [CERTIFICATE_EXPIRATION]
    res = check(tmp_path, 'Old', port=port(targets.tls_expired), tls_verify=False,
                degraded_if=['[CERTIFICATE_EXPIRATION] < 14d'])
    assert res['status'] == 'degraded', res
    assert res['conditions'][0]['holds'] is True


def test_refused(tmp_path, targets):
    res = check(tmp_path, 'Refused', port=targets.refused_port)
    assert res['status'] == 'down' and res['reason'] == 'connect_refused', res
    assert 'certificate_expiry' not in res


def test_handshake_that_never_comes_times_out(tmp_path, targets):
    res = check(tmp_path, 'Hang', port=targets.hang_port, timeout='400ms')
    assert res['status'] == 'down' and res['reason'] == 'timeout', res
    assert 'connected, but the TLS handshake did not finish within 400 ms' in res['message']
    assert 360 <= res['latency_ms'] <= 1400  # the loop's ms timer may fire a hair early


def test_not_tls(tmp_path, targets):
    res = check(tmp_path, 'Ssh', port=targets.banner_port)
    assert res['status'] == 'down' and res['reason'] == 'tls_error', res
    assert res['message'].startswith('handshake failed: '), res


def test_config_errors(tmp_path):
    p = tmp_path / 'bad.yaml'
    p.write_text('monitors:\n' + tls('A', ca_file=str(tmp_path / 'missing.pem')) +
                 tls('B', ca_file=str(p)) + tls('C', servername='') +
                 tls('D', port=70000))
    r = run_cli('config', 'check', str(p))
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert f'monitors[0].ca_file: cannot read "{tmp_path}/missing.pem"' in out
    assert f'monitors[1].ca_file: cannot load "{p}"' in out
    assert 'monitors[2].servername: is empty' in out
    assert 'monitors[3].port: 70000 is out of range' in out


def test_certificate_alert_and_api(daemon, targets):
    """alerts.cert_days uses the probe's expiry: the valid certificate (10 days) is within 30."""
    hook = Receiver().start()
    try:
        d = daemon(AUTH + 'alerting:\n  retry_initial: 200ms\n  channels_on: [hook]\n'
                   f'  channels:\n    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                   'monitors:\n' +
                   tls('Cert', port=port(targets.tls_valid), ca_file=targets.tls_ca_file,
                       interval='300ms', alerts={'cert_days': 30}) +
                   tls('Fresh', port=port(targets.tls_valid), ca_file=targets.tls_ca_file,
                       interval='300ms', alerts={'cert_days': 5}))
        cert = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'certificate']
                        or None, what='the certificate alert')[0]
        assert cert['monitor']['id'] == 'cert' and 'expires in' in cert['message']
        m = wait_for(lambda: (lambda m: m if m['status'] == 'up' else None)(
            api(d, '/api/v1/monitors/cert', TOKEN)), what='Cert up')
        want = time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(targets.tls_valid_not_after))
        assert m['last_result']['certificate_expires'].startswith(want), m['last_result']
        wait_for(lambda: api(d, '/api/v1/monitors/fresh', TOKEN)['state']['checks'] >= 3,
                 what='three checks of Fresh')
        assert [b['monitor']['id'] for b in hook.bodies()].count('fresh') == 0
        m = re.search(r'^probe_ssl_earliest_cert_expiry\{monitor="Cert"\} (\S+)$',
                      d.get('/metrics').text, re.M)
        assert m and float(m.group(1)) == targets.tls_valid_not_after
    finally:
        hook.stop()


def test_hundred_runs_leave_no_fd(daemon, targets):
    reps, timeout_ms = 100, 150
    ca = targets.tls_ca_file
    cases = [('valid', dict(port=port(targets.tls_valid), ca_file=ca), 'ok', 'up'),
             ('self', dict(port=port(targets.tls_self_signed)), 'tls_untrusted', 'down'),
             ('expired', dict(port=port(targets.tls_expired), ca_file=ca), 'tls_expired',
              'down'),
             ('wrong', dict(port=port(targets.tls_wrong_host), ca_file=ca), 'tls_hostname',
              'down'),
             ('refused', dict(port=targets.refused_port), 'connect_refused', 'down'),
             ('hang', dict(port=targets.hang_port), 'timeout', 'down'),
             ('ssh', dict(port=targets.banner_port), 'tls_error', 'down')]
    d = daemon(AUTH + 'storage:\n  commit_interval: 200ms\nmonitors:\n' +
               ''.join(tls(n, interval='150ms', timeout=f'{timeout_ms}ms', **k)
                       for n, k, _, _ in cases))
    wait_for(lambda: all(m['last_result'] for m in api(d, '/api/v1/monitors', TOKEN)['monitors']),
             30, what='a first result everywhere')
    fds_warm = open_fds(d.proc.pid)

    def done():
        return min(api(d, f'/api/v1/monitors/{n}', TOKEN)['state']['checks']
                   for n, _, _, _ in cases) >= reps
    wait_for(done, 120, interval=1, what=f'{reps} checks of every tls monitor')
    for name, _, reason, status in cases:
        results = wait_for(lambda: (lambda rs: rs if len(rs) == reps else None)(
            api(d, f'/api/v1/monitors/{name}/results?limit={reps}', TOKEN)['results']),
            15, interval=0.5, what=f'{reps} results of {name} committed')
        bad = [r for r in results if r['reason'] != reason or r['status'] != status]
        assert not bad, (name, bad[:3])
        assert max(r['latency_ms'] for r in results) <= timeout_ms + 1000, name
    assert open_fds(d.proc.pid) <= fds_warm + 5, (fds_warm, open_fds(d.proc.pid))
    assert children(d.proc.pid) == []


def test_api_monitor_is_guarded(daemon, targets):
    import requests
    d = daemon(AUTH)
    hdr = {'Authorization': f'Bearer {TOKEN}'}
    body = dict(name='api tls', type='tls', host='localhost', port=port(targets.tls_valid),
                interval='1h')
    r = requests.post(d.url('/api/v1/monitors'), headers=hdr, json=body, timeout=10)
    assert r.status_code == 201, r.text
    r = requests.post(d.url('/api/v1/monitors/api-tls/run'), headers=hdr, timeout=30)
    res = r.json()['result']
    assert res['reason'] == 'target_forbidden' and 'security.targets' in res['message'], res
    # a file of the Vigil host may not be named through the API
    r = requests.post(d.url('/api/v1/monitors'), headers=hdr, timeout=10,
                      json=dict(body, name='with ca', ca_file=targets.tls_ca_file))
    assert r.status_code == 400 and 'ca_file' in r.text, r.text
    assert 'not allowed in monitors made through the API' in r.text
