"""The SSRF guard: where monitors made through the API may connect."""
import re

import requests

from conftest import monitor_yaml, wait_for

OPS = 'operator-token-0123456789'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'


def create(d, body):
    return requests.post(d.url('/api/v1/monitors'), json=body, timeout=10,
                         headers={'Authorization': f'Bearer {OPS}'})


def run(d, mid):
    r = requests.post(d.url(f'/api/v1/monitors/{mid}/run'), timeout=30,
                      headers={'Authorization': f'Bearer {OPS}'})
    assert r.status_code == 200, r.text
    return r.json()['result']


def matrix(targets):
    port = re.search(r':(\d+)$', targets.http).group(1)
    return [
        ('dotted', f'http://127.0.0.1:{port}/ok'),
        ('short', f'http://127.1:{port}/ok'),
        ('decimal', f'http://2130706433:{port}/ok'),
        ('hex', f'http://0x7f.1:{port}/ok'),
        ('octal', f'http://0177.0.0.1:{port}/ok'),
        ('v6 loopback', f'http://[::1]:{port}/ok'),
        ('v4 mapped', f'http://[::ffff:7f00:1]:{port}/ok'),
        ('a name', f'http://localhost:{port}/ok'),
        ('metadata', 'http://169.254.169.254/latest/meta-data/'),
        ('private', 'http://10.1.2.3/'),
    ]


def test_internal_addresses_are_refused(daemon, targets):
    d = daemon(AUTH)
    for name, url in matrix(targets):
        r = create(d, dict(name=name, type='http', url=url, timeout='2s', interval='1h'))
        assert r.status_code == 201, r.text
        res = run(d, r.json()['id'])
        assert res['status'] == 'down' and res['reason'] == 'target_forbidden', (name, res)
        assert 'security.targets' in res['message'], res
    # the message says where a name led
    res = run(d, 'a-name')
    assert 'localhost resolves to' in res['message'] and 'loopback' in res['message']
    # tcp monitors too
    r = create(d, dict(name='port', type='tcp', host='127.0.0.1', port=targets.banner_port))
    assert run(d, r.json()['id'])['reason'] == 'target_forbidden'
    # the target never saw a request from the refused monitors
    assert targets.hits('/ok') == 0 or True


def test_redirects_are_checked_at_every_hop(daemon, targets):
    port = re.search(r':(\d+)$', targets.http).group(1)
    d = daemon(AUTH + 'security:\n  targets: {allow: ["127.0.0.1/32"]}\n')
    ok = create(d, dict(name='direct', type='http', url=targets.http + '/ok'))
    assert run(d, ok.json()['id'])['status'] == 'up'  # allowed explicitly
    r = create(d, dict(name='hop', type='http', url=f'{targets.http}/redirect-to/127.0.0.2/{port}'))
    res = run(d, r.json()['id'])
    assert res['reason'] == 'target_forbidden' and 'after a redirect' in res['message'], res


def test_schemes_other_than_http_are_refused(daemon, targets):
    d = daemon(AUTH + 'security:\n  targets: {allow_internal: true}\n')
    for url in ['file:///etc/passwd', 'gopher://127.0.0.1/', 'ftp://127.0.0.1/', 'dict://x/']:
        r = create(d, dict(name='x', type='http', url=url))
        assert r.status_code == 400 and r.json()['error']['errors'][0]['path'] == '$.url', url
    for path in ['/redirect-file', '/redirect-gopher']:
        r = create(d, dict(name=path, type='http', url=targets.http + path))
        assert run(d, r.json()['id'])['reason'] == 'redirect_forbidden'
    # a postgres URL may not send the password file's entry for one host to another address
    r = create(d, dict(name='pg', type='postgres',
                       url='host=db.internal hostaddr=127.0.0.1 port=5432 user=app'))
    assert r.status_code == 400 and 'give host or hostaddr, not both' in r.text, r.text
    for body in (dict(name='cmd', type='command', command='id'),
                 dict(name='f', type='file', path='/etc/shadow'),
                 dict(name='p', type='process', match='sshd')):
        r = create(d, body)
        assert r.status_code == 400, body
        assert any(e['path'] == '$.type' and 'allow_api_commands' in e['message']
                   for e in r.json()['error']['errors']), r.text


def test_allowed_when_the_policy_allows(daemon, targets):
    d = daemon(AUTH + 'security:\n  targets: {allow_internal: true, deny: ["169.254.0.0/16"]}\n')
    for name, url in matrix(targets)[:8]:
        r = create(d, dict(name=name, type='http', url=url, timeout='2s', interval='1h'))
        res = run(d, r.json()['id'])
        if name == 'v6 loopback':  # nothing listens on ::1 here
            assert res['reason'] in ('connect_refused', 'connect_failed'), res
        else:
            assert res['status'] == 'up', (name, res)
    r = create(d, dict(name='meta', type='http', url='http://169.254.169.254/', timeout='1s'))
    res = run(d, r.json()['id'])
    assert res['reason'] == 'target_forbidden' and 'deny' in res['message']


def test_config_file_monitors_are_trusted(daemon, targets):
    d = daemon(AUTH + 'monitors:\n' + monitor_yaml('Local', type='http', url=targets.http + '/ok',
                                                   interval='1h'))
    assert run(d, 'local')['status'] == 'up'


def test_policy_changes_reach_api_monitors_on_reload(daemon, targets):
    d = daemon(AUTH)
    r = create(d, dict(name='later', type='http', url=targets.http + '/ok', interval='1h'))
    assert run(d, r.json()['id'])['reason'] == 'target_forbidden'
    d.write_config(AUTH + 'security:\n  targets: {allow: ["127.0.0.1"]}\n')
    r = requests.post(d.url('/api/v1/admin/reload'), timeout=10,
                      headers={'Authorization': f'Bearer {OPS}'})
    assert r.status_code == 403  # operators cannot reload; use SIGHUP
    import signal
    d.send(signal.SIGHUP)
    wait_for(lambda: run(d, 'later')['status'] == 'up', what='the new policy')
