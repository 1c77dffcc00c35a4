"""The OpenAPI document against the server, pagination cursors and ETags."""
import re

import jsonschema
import requests

from conftest import ROLES_AUTH as AUTH, VIEW, OPS, BOSS, api, monitor_yaml, wait_for

ROLE_TOKEN = {'viewer': VIEW, 'operator': OPS, 'admin': BOSS}
METHODS = ['get', 'post', 'patch', 'delete']


def test_openapi_matches_the_server(daemon, targets):
    d = daemon(AUTH + 'monitors:\n' + monitor_yaml('One', type='tcp', host='127.0.0.1',
                                                   port=targets.banner_port))
    doc = api(d, '/api/v1/openapi.json', VIEW)
    assert doc['openapi'] == '3.1.0' and doc['info']['version']
    ops = [(path, m, op) for path, item in doc['paths'].items()
           for m, op in item.items()]
    assert len(ops) >= 20
    ids = [op['operationId'] for _, _, op in ops]
    assert len(ids) == len(set(ids)), 'operationIds are unique'
    for path, method, op in ops:
        assert method in METHODS and op['summary'] and op['responses']
        role = op['x-vigil-role']
        assert role in ('public', 'viewer', 'operator', 'admin'), (path, role)
        assert ('security' in op) == (role != 'public'), path
        names = re.findall(r'{(\w+)}', path)
        assert [p['name'] for p in op['parameters'] if p['in'] == 'path'] == names
        url = d.url(re.sub(r'{\w+}', 'one', path))
        # the server knows every documented operation: never 404 "no such route" or 405
        r = requests.request(method.upper(), url, timeout=10)
        assert r.status_code not in (404, 405) or 'no such resource' not in r.text, (path, method)
        if role != 'public':
            assert r.status_code == 401, (path, method, r.status_code)
            low = {'viewer': None, 'operator': VIEW, 'admin': OPS}[role]
            if low:
                r = requests.request(method.upper(), url, timeout=10,
                                     headers={'Authorization': f'Bearer {low}'})
                assert r.status_code == 403, (path, method, r.status_code)
    # and nothing the server answers is missing from the document
    documented = {(p, m) for p, m, _ in ops}
    for path, method in [('/api/v1/monitors', 'post'), ('/api/v1/monitors/{id}/run', 'post'),
                         ('/api/v1/admin/reload', 'post'), ('/metrics', 'get'),
                         ('/api/v1/openapi.json', 'get')]:
        assert (path, method) in documented


def test_monitor_schema_describes_what_the_api_accepts(daemon, targets):
    d = daemon(AUTH)
    schema = api(d, '/api/v1/openapi.json', VIEW)['components']['schemas']['Monitor']
    good = [dict(name='Web', type='http', url=targets.http + '/ok', interval='1s',
                 conditions=['[STATUS] == 200'], headers={'X-A': 'b'}),
            dict(name='Port', type='tcp', host='127.0.0.1', port=targets.banner_port)]
    for body in good:
        jsonschema.validate(body, schema)
        r = requests.post(d.url('/api/v1/monitors'), json=body, timeout=10,
                          headers={'Authorization': f'Bearer {OPS}'})
        assert r.status_code == 201, r.text
    bad = [dict(name='X', type='http', url='http://x/', intervl='1s'),  # unknown key
           dict(type='tcp', host='h', port=1),                           # no name
           dict(name='X', type='carrier-pigeon')]                        # unknown type
    for body in bad:
        try:
            jsonschema.validate(body, schema)
            raise AssertionError(f'the schema accepts {body}')
        except jsonschema.ValidationError:
            pass
        r = requests.post(d.url('/api/v1/monitors'), json=body, timeout=10,
                          headers={'Authorization': f'Bearer {OPS}'})
        assert r.status_code == 400, body


def test_pagination(daemon, targets):
    monitors = ''.join(monitor_yaml(f'M{i:02d}', type='tcp', host='127.0.0.1',
                                    port=targets.banner_port, interval='200ms')
                       for i in range(7))
    d = daemon(AUTH + 'monitors:\n' + monitors)
    seen, cursor = [], None
    while True:
        q = '?limit=3' + (f'&cursor={cursor}' if cursor else '')
        page = api(d, '/api/v1/monitors' + q, VIEW)
        assert page['total'] == 7 and page['count'] == len(page['monitors']) <= 3
        seen += [m['id'] for m in page['monitors']]
        cursor = page['next_cursor']
        if cursor is None:
            break
    assert seen == [f'm{i:02d}' for i in range(7)]
    r = d.get('/api/v1/monitors?cursor=gone', headers={'Authorization': f'Bearer {VIEW}'})
    assert r.status_code == 400 and r.json()['error']['code'] == 'bad_parameter'
    # results: pages of 4 walk back in time without gaps or repeats
    wait_for(lambda: len(api(d, '/api/v1/monitors/m00/results?limit=20', VIEW)['results']) >= 10,
             what='ten stored results')
    full = [r['time'] for r in api(d, '/api/v1/monitors/m00/results?limit=10', VIEW)['results']]
    got, cursor = [], None
    while len(got) < 10:
        q = '?limit=4' + (f'&cursor={cursor}' if cursor else '')
        page = api(d, '/api/v1/monitors/m00/results' + q, VIEW)
        got += [r['time'] for r in page['results']]
        cursor = page['next_cursor']
        assert cursor is not None or len(got) >= 10, page
    assert got[:10] == full
    # events have cursors too
    ev = api(d, '/api/v1/monitors/m00/events?limit=1', VIEW)
    assert ev['count'] == 1 and 'next_cursor' in ev
    for bad in ['abc', '-1', '0']:
        r = d.get(f'/api/v1/monitors/m00/results?cursor={bad}',
                  headers={'Authorization': f'Bearer {VIEW}'})
        assert r.status_code == 400, bad


def test_etags_on_polled_reads(daemon, targets):
    d = daemon(AUTH + 'monitors:\n' + monitor_yaml('One', type='tcp', host='127.0.0.1',
                                                   port=targets.banner_port, interval='1h'))
    auth = {'Authorization': f'Bearer {VIEW}'}
    r = requests.post(d.url('/api/v1/monitors/one/run'), timeout=10,
                      headers={'Authorization': f'Bearer {OPS}'})
    assert r.status_code == 200 and r.json()['result']['status'] == 'up'
    for path in ['/api/v1/monitors', '/api/v1/monitors/one', '/api/v1/openapi.json',
                 '/api/v1/monitors/one/uptime']:
        r = d.get(path, headers=auth)
        tag = r.headers.get('ETag')
        assert r.status_code == 200 and tag and tag.startswith('"'), path
        r2 = d.get(path, headers=dict(auth, **{'If-None-Match': tag}))
        if r2.status_code == 200:  # the monitor changed in between: a new tag
            assert r2.headers['ETag'] != tag, path
        else:
            assert r2.status_code == 304 and r2.content == b'', path
        r3 = d.get(path, headers=dict(auth, **{'If-None-Match': '"nope"'}))
        assert r3.status_code == 200, path
