"""The management API: monitors made, changed, run, paused and deleted at run time."""
import json
import signal

import requests

from conftest import ROLES_AUTH as AUTH, VIEW, OPS, BOSS, api, monitor_yaml, wait_for



def config(targets, *extra):
    return (AUTH + 'monitors:\n' +
            monitor_yaml('From File', type='tcp', host='127.0.0.1', port=targets.banner_port,
                         interval='500ms') + ''.join(extra))


def call(d, method, path, token=OPS, body=None, raw=None):
    headers = {'Authorization': f'Bearer {token}'}
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    return requests.request(method, d.url(path), headers=headers, data=data, timeout=30)


def ok_http(targets, name='Made', **more):
    return dict(name=name, type='http', url=targets.http + '/ok', interval='500ms', **more)


def test_create_run_patch_delete(daemon, targets):
    d = daemon(config(targets))
    r = call(d, 'POST', '/api/v1/monitors', body=ok_http(targets, conditions=['[STATUS] == 200']))
    assert r.status_code == 201, r.text
    m = r.json()
    assert m['id'] == 'made' and m['origin'] == 'api' and m['created']
    assert m['config']['url'] == targets.http + '/ok'
    # it is scheduled like any monitor
    wait_for(lambda: api(d, '/api/v1/monitors/made', VIEW)['state']['checks'] >= 2,
             what='the new monitor to be checked')
    # run now: the answer is the check's own result
    before = targets.hits('/ok')
    r = call(d, 'POST', '/api/v1/monitors/made/run')
    assert r.status_code == 200, r.text
    assert r.json()['result']['status'] == 'up' and r.json()['result']['http_status'] == 200
    assert targets.hits('/ok') > before
    # a merge patch: the condition now fails, interval kept
    r = call(d, 'PATCH', '/api/v1/monitors/made', body={'conditions': ['[STATUS] == 204']})
    assert r.status_code == 200, r.text
    assert r.json()['config']['conditions'] == ['[STATUS] == 204']
    assert r.json()['config']['interval'] == '500ms'
    r = call(d, 'POST', '/api/v1/monitors/made/run')
    assert r.json()['result']['status'] == 'down'
    assert r.json()['result']['reason'] == 'condition_failed'
    # null removes a key: back to the default (no conditions)
    r = call(d, 'PATCH', '/api/v1/monitors/made', body={'conditions': None})
    assert r.status_code == 200 and r.json()['config']['conditions'] == []
    # renaming would change the id: refused
    r = call(d, 'PATCH', '/api/v1/monitors/made', body={'name': 'Other Name'})
    assert r.status_code == 400 and 'id' in r.json()['error']['message']
    r = call(d, 'DELETE', '/api/v1/monitors/made')
    assert r.status_code == 200, r.text
    assert call(d, 'GET', '/api/v1/monitors/made', VIEW).status_code == 404
    assert call(d, 'DELETE', '/api/v1/monitors/made').status_code == 404
    log = d.log()
    assert 'monitor made created through the API by ops' in log
    assert 'monitor made deleted through the API by ops' in log


def test_validation_errors_name_the_field(daemon, targets):
    d = daemon(config(targets))
    cases = [
        ({'name': 'X', 'type': 'http', 'url': 'ftp://x/'}, '$.url', 'http or https'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'intervl': '1s'}, '$.intervl',
         'did you mean "interval"'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'interval': 'soon'}, '$.interval',
         'duration'),
        ({'name': 'X', 'type': 'nope'}, '$.type', 'type'),
        ({'type': 'tcp', 'host': 'h', 'port': 1}, '$', 'missing required key "name"'),
        ({'name': 'X', 'type': 'tcp', 'host': 'h', 'port': 70000}, '$.port', ''),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'conditions': ['[STATUS] =']},
         '$.conditions[0]', ''),
        ({'name': 'X', 'type': 'http', 'url': 'http://${HOME}/'}, '$.url', 'environment'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'auth': {'bearer_file': '/etc/passwd'}},
         '$.auth.bearer_file', 'files'),
        ([1, 2], '$', 'object'),
        ({'name': 5, 'type': 'tcp', 'host': 'h', 'port': 1}, '$.name', 'expected a string'),
        ({'name': 'X', 'type': 'tcp', 'host': 'h', 'port': '80'}, '$.port', 'an integer'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'critical': 'yes'}, '$.critical',
         'a boolean'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'headers': {'A': 1}}, '$.headers.A',
         'a string'),
        ({'name': 'X', 'type': 'http', 'url': 'http://x/', 'conditions': [1]},
         '$.conditions[0]', 'a string'),
    ]
    for body, path, words in cases:
        r = call(d, 'POST', '/api/v1/monitors', body=body)
        assert r.status_code == 400, (body, r.text)
        err = r.json()['error']
        assert err['code'] == 'invalid_monitor'
        paths = [e['path'] for e in err['errors']]
        assert path in paths, (body, err)
        said = ' '.join([err['message']] + [e['message'] for e in err['errors']])
        assert words.lower() in said.lower(), (body, err)
    for raw in ['{"name": "X"', '', 'null', '{"name": "a", "name": "b"}', '\x00']:
        r = call(d, 'POST', '/api/v1/monitors', raw=raw)
        assert r.status_code == 400 and r.json()['error']['code'] == 'invalid_monitor', raw
    # nothing was created, nothing crashed
    assert [m['id'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']] == ['from-file']


def test_config_monitors_are_read_only(daemon, targets):
    d = daemon(config(targets))
    for method, body in [('PATCH', {'interval': '1s'}), ('DELETE', None)]:
        r = call(d, method, '/api/v1/monitors/from-file', body=body)
        assert r.status_code == 409, r.text
        assert r.json()['error']['code'] == 'read_only'
        assert 'configuration file' in r.json()['error']['message']
    # an id taken by the file cannot be created through the API either
    r = call(d, 'POST', '/api/v1/monitors',
             body=dict(name='From File', type='tcp', host='127.0.0.1', port=1))
    assert r.status_code == 409 and r.json()['error']['code'] == 'conflict'
    # but they can be run, paused and resumed
    assert call(d, 'POST', '/api/v1/monitors/from-file/run').status_code == 200


def test_pause_resume_and_restart(daemon, targets):
    d = daemon(config(targets))
    assert call(d, 'POST', '/api/v1/monitors', body=ok_http(targets, 'Kept')).status_code == 201
    r = call(d, 'POST', '/api/v1/monitors/kept/pause')
    assert r.status_code == 200 and r.json()['status'] == 'paused'
    assert call(d, 'POST', '/api/v1/monitors/from-file/pause').json()['status'] == 'paused'
    checks = api(d, '/api/v1/monitors/kept', VIEW)['state']['checks']
    r = call(d, 'POST', '/api/v1/monitors/kept/run')
    assert r.status_code == 409 and r.json()['error']['code'] == 'paused'
    ev = wait_for(lambda: api(d, '/api/v1/monitors/kept/events', VIEW)['events'],
                  what='the pause event to be committed')
    assert ev[0]['to'] == 'paused' and 'paused by ops' in ev[0]['message']
    # restart: the API monitor and both pauses survive
    assert d.stop() == 0
    d.start()
    ms = {m['id']: m for m in api(d, '/api/v1/monitors', VIEW)['monitors']}
    assert set(ms) == {'from-file', 'kept'}
    assert ms['kept']['status'] == 'paused' and ms['kept']['origin'] == 'api'
    assert ms['from-file']['status'] == 'paused'
    assert api(d, '/api/v1/monitors/kept', VIEW)['state']['checks'] == 0  # not checked
    assert checks >= 0
    r = call(d, 'POST', '/api/v1/monitors/kept/resume')
    assert r.status_code == 200 and r.json()['status'] != 'paused'
    wait_for(lambda: api(d, '/api/v1/monitors/kept', VIEW)['status'] == 'up',
             what='the resumed monitor to be checked')
    assert 'engine: 1 monitor made through the API' in d.log()


def test_roles(daemon, targets):
    d = daemon(config(targets))
    writes = [('POST', '/api/v1/monitors'), ('PATCH', '/api/v1/monitors/from-file'),
              ('DELETE', '/api/v1/monitors/from-file'), ('POST', '/api/v1/monitors/from-file/run'),
              ('POST', '/api/v1/monitors/from-file/pause'),
              ('POST', '/api/v1/monitors/from-file/resume')]
    for method, path in writes:
        assert requests.request(method, d.url(path), timeout=10).status_code == 401
        assert call(d, method, path, token=VIEW, body={}).status_code == 403, path
    for path in ['/api/v1/admin/reload', '/api/v1/admin/cache/clear']:
        assert call(d, 'POST', path, token=OPS).status_code == 403
        assert call(d, 'POST', path, token=BOSS).status_code == 200, path


def test_reload_through_the_api(daemon, targets):
    d = daemon(config(targets))
    extra = monitor_yaml('Second', type='tcp', host='127.0.0.1', port=targets.banner_port)
    d.write_config(config(targets, extra))
    r = call(d, 'POST', '/api/v1/admin/reload', token=BOSS)
    assert r.status_code == 200, r.text
    assert 'second' in [m['id'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']]
    d.write_config(config(targets, extra) + 'server:\n  lisen: x\n')
    r = call(d, 'POST', '/api/v1/admin/reload', token=BOSS)
    assert r.status_code == 400
    err = r.json()['error']
    assert err['code'] == 'invalid_config'
    assert any('server.lisen' in e['message'] and 'did you mean' in e['message']
               for e in err['errors'])
    # the running configuration was kept
    assert 'second' in [m['id'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']]


def test_a_file_monitor_takes_an_api_id_on_reload(daemon, targets):
    d = daemon(config(targets))
    assert call(d, 'POST', '/api/v1/monitors',
                body=dict(name='Clash', type='tcp', host='127.0.0.1',
                          port=targets.banner_port)).status_code == 201
    d.write_config(config(targets, monitor_yaml('Clash', type='tcp', host='127.0.0.1',
                                                port=targets.banner_port, interval='2s')))
    d.send(signal.SIGHUP)
    wait_for(lambda: api(d, '/api/v1/monitors/clash', VIEW)['origin'] == 'file',
             what='the file to win the id')
    assert 'which wins' in d.log()


def test_shutdown_answers_waiting_runs(daemon, targets):
    """A run waiting on a slow target is answered (not left hanging) when Vigil stops."""
    d = daemon(config(targets))
    slow = dict(name='Slow', type='http', url=targets.http + '/slow/20000', timeout='25s',
                interval='30s')
    assert call(d, 'POST', '/api/v1/monitors', body=slow).status_code == 201
    import threading
    out = {}

    def run():
        try:
            out['r'] = call(d, 'POST', '/api/v1/monitors/slow/run')
        except requests.RequestException as e:
            out['e'] = e
    t = threading.Thread(target=run)
    t.start()
    wait_for(lambda: api(d, '/api/v1/monitors/slow', VIEW)['state']['running'],
             what='the run to start')
    assert d.stop() == 0
    t.join(20)
    assert not t.is_alive()
    # either a 409/503 answer or a closed connection: never a hang
    assert 'e' in out or out['r'].status_code in (409, 503)
