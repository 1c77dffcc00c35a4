"""The operators' dashboard against the real daemon: a static shell fit for the strict CSP, its
two embedded files, and a script that only calls routes of the API with parameters it takes.

The browser test (tests/browser/dashboard.test.mjs) drives the page itself; this file checks
what can be checked without a browser."""
import html.parser
import pathlib
import re

import requests

from conftest import ROLES_AUTH as AUTH, VIEW, OPS, api, monitor_yaml, wait_for

ASSETS = pathlib.Path(__file__).resolve().parents[2] / 'src' / 'web' / 'assets'
CSP = ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
       "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'none'"]
SECRET_NAME = 'Ledger-7c1e <b>db</b>'  # a monitor name the page must never carry
TYPES = {'dashboard.js': 'text/javascript; charset=utf-8',
         'dashboard.css': 'text/css; charset=utf-8'}


def config(targets, extra=''):
    return (AUTH + 'alerting:\n  retry_initial: 1s\n  channels:\n'
            f'    - {{name: hook, type: webhook, url: "http://127.0.0.1:{targets.refused_port}/h"}}\n'
            + extra + 'monitors:\n' +
            monitor_yaml(SECRET_NAME, type='tcp', host='127.0.0.1', port=targets.refused_port,
                         interval='300ms', group='Back office') +
            monitor_yaml('Banner', type='tcp', host='127.0.0.1', port=targets.banner_port,
                         interval='300ms', public=True))


class Shell(html.parser.HTMLParser):
    """Collects what the CSP cares about, and the hooks the browser test relies on."""

    def __init__(self):
        super().__init__()
        self.tags, self.problems, self.scripts, self.refs = [], [], [], []
        self.ids, self.attrs = set(), []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        self.attrs.append((tag, a))
        if 'id' in a:
            self.ids.add(a['id'])
        for name, _ in attrs:
            if name == 'style' or name.startswith('on'):
                self.problems.append(f'<{tag} {name}=...>')
        if tag == 'style':
            self.problems.append('a <style> element')
        if tag == 'script':
            self._in_script = True
            self.scripts.append(a)
        for name in ('src', 'href', 'action', 'formaction', 'srcset', 'xlink:href'):
            if name in a:
                self.refs.append((tag, name, a[name]))

    def handle_endtag(self, tag):
        if tag == 'script':
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(f'inline script: {data.strip()[:40]!r}')


def parse(text):
    p = Shell()
    p.feed(text)
    p.close()
    return p


def test_page_is_a_static_shell_for_the_strict_csp(daemon, targets):
    d = daemon(config(targets))
    wait_for(lambda: any(m['last_result'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']),
             what='a first check')
    r = d.get('/dashboard')  # public: the shell needs no token, its data does
    assert r.status_code == 200, r.text
    assert r.headers['Content-Type'] == 'text/html; charset=utf-8'
    csp = r.headers['Content-Security-Policy']
    for part in CSP:
        assert part in csp, part
    assert 'unsafe' not in csp
    assert r.headers['X-Frame-Options'] == 'DENY'
    assert r.headers['Cache-Control'] == 'no-cache'
    assert 'Set-Cookie' not in r.headers
    assert d.get('/dashboard', headers={'If-None-Match': r.headers['ETag']}).status_code == 304
    # the same bytes as the file, whoever asks: nothing of the daemon's data is in it
    assert r.content == (ASSETS / 'dashboard.html').read_bytes()
    with_token = d.get('/dashboard', headers={'Authorization': f'Bearer {VIEW}'})
    assert with_token.content == r.content
    for secret in ['Ledger', 'Back office', str(targets.refused_port), 'Banner']:
        assert secret not in r.text, secret

    page = parse(r.text)
    assert not page.problems, page.problems
    assert page.tags[0] == 'html' and dict(page.attrs[0][1])['lang'] == 'en'
    for landmark in ('header', 'main', 'footer'):
        assert landmark in page.tags, landmark
    # one script and one style sheet, both ours; nothing loaded from elsewhere
    assert page.scripts == [{'type': 'module', 'src': '/dashboard/dashboard.js'}]
    for tag, name, ref in page.refs:
        assert ref.startswith('/') and not ref.startswith('//') or ref in ('data:,', '#main'), \
            (tag, name, ref)
    assert ('link', 'href', '/dashboard/dashboard.css') in page.refs
    # the token form submits nowhere (the script handles submit); the field is labelled
    forms = [a for t, a in page.attrs if t == 'form']
    assert forms and all('action' not in f and 'method' not in f for f in forms)
    assert {'login', 'token', 'connect', 'logout', 'notice', 'board', 'alerts-body', 'ack-notice',
            'monitors-body', 'filter-group', 'filter-state', 'filter-type', 'charts',
            'notifications-body', 'security-status', 'tpl-alert'} <= page.ids
    labelled = {a.get('for') for t, a in page.attrs if t == 'label'}
    assert 'token' in labelled
    token = next(a for t, a in page.attrs if a.get('id') == 'token')
    assert token['type'] == 'password'
    # every button says what it does, and the alert row's button carries data-ack
    assert re.search(r'<template id="tpl-alert"><tr>.*<button type="button" data-ack>Acknowledge'
                     r'</button>', r.text)
    for m in re.finditer(r'<button[^>]*>(.*?)</button>', r.text):
        assert m.group(1).strip(), m.group(0)
    # tables have column headers
    assert r.text.count('<th scope="col"') >= 20


def test_assets_are_served_with_their_types(daemon, targets):
    d = daemon(config(targets))
    for name, ctype in TYPES.items():
        r = d.get(f'/dashboard/{name}')
        assert r.status_code == 200, (name, r.status_code)
        assert r.headers['Content-Type'] == ctype
        assert r.headers['X-Content-Type-Options'] == 'nosniff'
        assert r.content == (ASSETS / name).read_bytes()
        assert d.get(f'/dashboard/{name}',
                     headers={'If-None-Match': r.headers['ETag']}).status_code == 304
    for name in ['dashboard.html', 'status.js', 'x.js', 'dashboard.js.map', 'DASHBOARD.JS']:
        r = d.get(f'/dashboard/{name}')
        assert r.status_code == 404 and r.json()['error']['code'] == 'not_found', name
    # the budgets the issue sets: a small script and style of our own, no build step
    assert len((ASSETS / 'dashboard.js').read_bytes()) < 30000
    assert len((ASSETS / 'dashboard.css').read_bytes()) < 10000


def test_script_puts_data_in_the_dom_as_text_only():
    js = (ASSETS / 'dashboard.js').read_text()
    for banned in ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(',
                   'new Function', 'setTimeout(\'', 'setTimeout("', 'localStorage', 'document.cookie']:
        assert banned not in js, banned
    # no URL of another origin (the SVG namespace is a name, not a request)
    assert re.findall(r'https?://[^\s\'"`]+', js) == ['http://www.w3.org/2000/svg']
    assert 'sessionStorage' in js and "Authorization: `Bearer ${token}`" in js
    assert "credentials: 'omit'" in js and 'preventDefault' in js
    assert 'visibilitychange' in js and 'document.hidden' in js


def api_paths(js):
    """(method, path) of every call('METHOD', '/api/v1/...') in the script, and every path."""
    calls = set(re.findall(r"call\('([A-Z]+)', '(/api/v1/[^'?]*)'", js))
    paths = set(re.findall(r"""['"`](/api/v1/[^'"`?\s]*)""", js))
    return calls, paths


def test_script_calls_only_documented_routes(daemon, targets):
    d = daemon(config(targets))
    doc = api(d, '/api/v1/openapi.json', VIEW)
    js = (ASSETS / 'dashboard.js').read_text()
    calls, paths = api_paths(js)
    assert {p for _, p in calls} == paths, 'every API path is used through call()'
    assert {'/api/v1/monitors', '/api/v1/monitors/{id}/results', '/api/v1/monitors/{id}/uptime',
            '/api/v1/alerts', '/api/v1/alerts/{id}/ack', '/api/v1/notifications',
            '/api/v1/security', '/api/v1/host', '/api/v1/host/series',
            '/api/v1/monitoring/dashboard'} == paths
    for method, path in calls:
        assert path in doc['paths'], path
        op = doc['paths'][path][method.lower()]
        # the page reads with a viewer token and only acknowledging needs an operator's
        want = 'operator' if path.endswith('/ack') else 'viewer'
        assert op['x-vigil-role'] == want, (method, path, op['x-vigil-role'])
    # and the page's own routes are in the table, public
    assert doc['paths']['/dashboard']['get']['x-vigil-role'] == 'public'
    assert doc['paths']['/dashboard/{file}']['get']['x-vigil-role'] == 'public'


def test_the_queries_of_the_script_are_accepted(daemon, targets):
    """The very queries dashboard.js sends (kept in step with it by the asserts on its text)."""
    d = daemon(config(targets, extra='host: {interval: 1s}\n'))
    js = (ASSETS / 'dashboard.js').read_text()
    for piece in ["{ state: 'firing', limit: 200 }", '{ limit: 20 }', "{ since: '1h', limit: SPARK }",
                  "{ window: '30d' }", "step: '15s'", "step: '10m'",
                  "call('GET', '/api/v1/host/series')"]:
        assert piece in js, piece
    auth = {'Authorization': f'Bearer {VIEW}'}
    # cpu.percent is a rate: it is listed from the second sample on
    ids = wait_for(lambda: d.get('/api/v1/host/series', headers=auth).status_code == 200 and
                   'cpu.percent' in api(d, '/api/v1/host/series', VIEW)['series'] and
                   api(d, '/api/v1/host/series', VIEW)['series'], what='the host series')
    assert any(i.startswith('disk.percent{') for i in ids)
    mon = api(d, '/api/v1/monitors', VIEW)['monitors'][0]['id']
    for path, query in [
            ('/api/v1/alerts', {'state': 'firing', 'limit': 200}),
            ('/api/v1/notifications', {'limit': 20}),
            (f'/api/v1/monitors/{mon}/results', {'since': '1h', 'limit': 60}),
            (f'/api/v1/monitors/{mon}/uptime', {'window': '30d'}),
            ('/api/v1/host/series', {'metric': 'cpu.percent', 'since': '1h', 'step': '15s'}),
            ('/api/v1/host/series', {'metric': 'cpu.percent', 'since': '24h', 'step': '10m'}),
            ('/api/v1/host/series', {'metric': next(i for i in ids if i.startswith('disk.percent{')),
                                     'since': '1h', 'step': '15s'}),
            ('/api/v1/security', {}), ('/api/v1/monitoring/dashboard', {})]:
        r = d.get(path, params=query, headers=auth)
        assert r.status_code == 200, (path, query, r.status_code, r.text)
        assert r.headers.get('ETag'), path  # the script polls with If-None-Match
    # every GET of the page answers 304 to its own ETag, which the script relies on
    r = d.get('/api/v1/monitors', headers=auth)
    assert d.get('/api/v1/monitors', headers={**auth, 'If-None-Match': r.headers['ETag']}) \
        .status_code in (200, 304)


def test_acknowledge_as_the_page_does(daemon, targets):
    """A viewer's ack is refused (the page says an operator token is needed); an operator's
    shows up as acked_by on the firing alert, which the page shows as "Acknowledged by ops"."""
    d = daemon(config(targets))
    firing = wait_for(lambda: api(d, '/api/v1/alerts?state=firing&limit=200', VIEW)['alerts'],
                      what='an alert firing')
    aid = firing[0]['id']
    assert firing[0]['acked_by'] is None
    url = d.url(f'/api/v1/alerts/{aid}/ack')
    r = requests.post(url, headers={'Authorization': f'Bearer {VIEW}'}, timeout=10)
    assert r.status_code == 403 and r.json()['error']['code'] == 'forbidden'
    r = requests.post(url, headers={'Authorization': 'Bearer not-a-token'}, timeout=10)
    assert r.status_code == 401
    r = requests.post(url, headers={'Authorization': f'Bearer {OPS}'}, timeout=10)
    assert r.status_code == 200 and 'Set-Cookie' not in r.headers
    acked = wait_for(lambda: [a for a in api(d, '/api/v1/alerts?state=firing&limit=200',
                                             VIEW)['alerts'] if a['id'] == aid and a['acked_by']],
                     what='the acknowledgement in the list')
    assert acked[0]['acked_by'] == 'ops' and acked[0]['acked_at']
    assert "Acknowledged by ${by}" in (ASSETS / 'dashboard.js').read_text()
