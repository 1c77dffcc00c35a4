"""The public status page against the real daemon: what it shows, what it never shows, its
JSON, badges, feeds, incident pages, headers and caching."""
import json
import xml.etree.ElementTree as ET

import requests

from conftest import api, monitor_yaml, run_cli, wait_for

OPS = 'operator-token-statuspage-0123'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10" fill="#123456"/></svg>')
SECRET_PATH = '/private-health-7f3a9c'


def config(targets, tmp_path, extra=''):
    logo = tmp_path / 'logo.svg'
    logo.write_text(LOGO)
    port = targets.http.rsplit(':', 1)[1]
    return (AUTH + 'status_page:\n  title: "Acme Status"\n  description: "How Acme is doing"\n'
            f'  logo: {logo}\n  refresh: 2s\n  url: https://status.acme.example\n'
            '  theme: {primary: "#7c3aed", outage: "#990000"}\n' + extra +
            'maintenance:\n  - {name: disk swap, cron: "* * * * *", duration: 2m, '
            'monitors: [Search]}\n'
            'monitors:\n' +
            monitor_yaml('Website', type='http', url=f'http://127.0.0.1:{port}/ok',
                         interval='300ms', public=True, group='Frontend') +
            monitor_yaml('Payments', type='tcp', host='127.0.0.1', port=targets.refused_port,
                         interval='300ms', public=True, critical=True, group='Backend') +
            monitor_yaml('Search', type='http', url=f'http://127.0.0.1:{port}/ok',
                         interval='300ms', public=True, group='Backend') +
            monitor_yaml('Internal DB', type='http',
                         url=f'http://127.0.0.1:{port}{SECRET_PATH}', interval='300ms'))


def ready(d):
    """Waits until every monitor has its status on the page's JSON."""
    def states():
        doc = d.get('/api/v1/status').json()
        got = {c['id']: c['status'] for c in doc['components']}
        return doc if got.get('payments') == 'major_outage' and \
            got.get('website') == 'operational' and \
            got.get('search') == 'under_maintenance' else None
    return wait_for(states, timeout=15, what='the components in their states')


def test_page_json_and_headers(daemon, targets, tmp_path):
    d = daemon(config(targets, tmp_path))
    doc = ready(d)
    assert doc['page']['title'] == 'Acme Status'
    assert doc['status'] == {'indicator': 'major_outage', 'description': 'Major Outage'}
    assert [c['name'] for c in doc['components']] == ['Website', 'Payments', 'Search']
    web = doc['components'][0]
    assert web['group'] == 'Frontend' and len(web['days']) == 90
    assert web['days'][-1]['uptime'] == 100 and web['days'][0]['uptime'] is None
    assert len(web['response_times']) == 24 and web['response_times'][-1]['ms'] is not None
    # what the page's script polls: the states, a few bytes each
    summ = d.get('/api/v1/status/summary').json()
    assert summ['status'] == doc['status']
    assert [(c['id'], c['status']) for c in summ['components']] == \
        [(c['id'], c['status']) for c in doc['components']]
    assert 'days' not in summ['components'][0]
    assert [i['title'] for i in summ['incidents']] == \
        [i['title'] for i in doc['incidents'] if i['resolved_at'] is None]
    r = d.get('/status')
    assert r.status_code == 200 and r.headers['Content-Type'].startswith('text/html')
    csp = r.headers['Content-Security-Policy']
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert r.headers['X-Content-Type-Options'] == 'nosniff'
    assert r.headers['Referrer-Policy'] == 'no-referrer'
    html = r.text
    for text in ['Acme Status', 'How Acme is doing', 'Major Outage', 'Website', 'Payments',
                 'Search', 'Frontend', 'Backend', 'disk swap', '/status/logo',
                 '/status/status.js']:
        assert text in html, text
    # cached per snapshot, with an ETag
    etag = r.headers['ETag']
    assert d.get('/status', headers={'If-None-Match': etag}).status_code in (200, 304)
    # the parts of the page
    css = d.get('/status/theme.css')
    assert css.status_code == 200 and '#7c3aed' in css.text and '#990000' in css.text
    assert d.get('/status/status.css').headers['Content-Type'].startswith('text/css')
    assert 'javascript' in d.get('/status/status.js').headers['Content-Type']
    logo = d.get('/status/logo')
    assert logo.headers['Content-Type'] == 'image/svg+xml' and logo.text == LOGO
    assert "default-src 'none'" in logo.headers['Content-Security-Policy']


def test_nothing_private_on_public_surfaces(daemon, targets, tmp_path):
    d = daemon(config(targets, tmp_path))
    ready(d)
    # the down monitor has an automatic incident, with the raw error in Vigil's own record
    inc = wait_for(lambda: api(d, '/api/v1/incidents', OPS)['incidents'] or None,
                   what='the automatic incident')
    assert any('refused' in u['message'].lower() for i in inc for u in i['updates'])
    port = targets.http.rsplit(':', 1)[1]
    forbidden = ['127.0.0.1', f':{port}', str(targets.refused_port), SECRET_PATH,
                 'Internal DB', 'internal-db', 'refused', 'connect_refused', 'http://']
    paths = ['/status', '/api/v1/status', '/feed.atom', '/feed.rss', '/status/theme.css',
             f'/status/incidents/{inc[0]["id"]}']
    for m in ['website', 'payments', 'search']:
        paths += [f'/status/components/{m}', f'/badge/{m}/status.svg', f'/badge/{m}/uptime/24h.svg',
                  f'/badge/{m}/uptime/90d.svg', f'/badge/{m}/response-time.svg']
    for p in paths:
        r = d.get(p)
        assert r.status_code == 200, (p, r.status_code, r.text[:200])
        for f in forbidden:
            text = r.text.replace('http://www.w3.org', '')  # SVG's namespace
            assert f not in text, (p, f)
    # a monitor that is not public has no badge, and no incident page shows it
    assert d.get('/badge/internal-db/status.svg').status_code == 404
    assert d.get('/status/components/internal-db').status_code == 404
    assert d.get('/status/incidents/99999').status_code == 404


def test_layouts_and_component_page(daemon, targets, tmp_path):
    """status_page.layout: full (the default for a few components) and compact, whose rows link
    to each component's page with what they leave out."""
    d = daemon(config(targets, tmp_path))
    ready(d)
    # Payments' automatic incident reaches the store a little after its state
    wait_for(lambda: any(i['title'] == 'Payments is down'
                         for i in d.get('/api/v1/status').json()['incidents']),
             what="Payments' automatic incident on /api/v1/status")
    full = d.get('/status').text
    assert '<section id="components" aria-labelledby' in full and '<svg class="r"' in full
    assert full.count('<a href="/status/components/') == 3
    r = d.get('/status/components/payments')
    assert r.status_code == 200 and r.headers['Content-Type'].startswith('text/html')
    assert "default-src 'self'" in r.headers['Content-Security-Policy']
    page = r.text
    assert '<title>Payments · Acme Status</title>' in page
    assert 'data-state="major_outage"' in page and 'Major Outage' in page
    for text in ['24 h <b>', '7 d <b>', '30 d <b>', '90 d <b>', 'Response time, last 24 h',
                 'Payments is down', '<p class="meta">In Backend</p>']:
        assert text in page, text
    assert 'disk swap' not in page  # the window is Search's
    assert 'disk swap' in d.get('/status/components/search').text
    for bad in ['/status/components/', '/status/components/nope', '/status/components/Payments',
                '/status/components/%00', '/status/components/' + 'x' * 5000]:
        assert d.get(bad).status_code in (404, 414), bad
    d.stop()

    d = daemon(config(targets, tmp_path, extra='  layout: compact\n'))
    ready(d)
    compact = d.get('/status').text
    assert '<section id="components" class="compact"' in compact
    assert '<svg class="r"' not in compact and '<svg class="u"' not in compact
    assert compact.count('<svg viewBox="0 -.5 90 1" preserveAspectRatio="none" role="none">') == 3
    assert d.get('/status/components/payments').status_code == 200
    # a bad layout is an error naming the key
    bad = tmp_path / 'bad.yaml'
    bad.write_text('status_page:\n  layout: tiny\n')
    r = run_cli('config', 'check', str(bad))
    assert r.returncode != 0 and 'status_page.layout' in r.stderr and 'compact' in r.stderr


def test_badges_and_feeds(daemon, targets, tmp_path):
    d = daemon(config(targets, tmp_path))
    ready(d)
    b = d.get('/badge/website/status.svg')
    assert b.headers['Content-Type'] == 'image/svg+xml' and 'operational' in b.text
    ET.fromstring(b.text)
    assert 'public' in b.headers['Cache-Control']
    ET.fromstring(d.get('/badge/website/uptime/24h.svg').text)
    assert d.get('/badge/website/uptime/1y.svg').status_code == 404
    assert d.get('/badge/website/nothing.svg').status_code == 404
    wait_for(lambda: 'Payments' in d.get('/feed.atom').text, what='the incident in the feed')
    atom = ET.fromstring(d.get('/feed.atom').text)
    ns = {'a': 'http://www.w3.org/2005/Atom'}
    assert atom.find('a:title', ns).text
    assert any('Payments' in (e.find('a:title', ns).text or '')
               for e in atom.findall('a:entry', ns))
    rss = ET.fromstring(d.get('/feed.rss').text)
    assert rss.tag == 'rss' and rss.find('channel/item') is not None


def test_status_page_off_and_bad_theme(daemon, targets, tmp_path):
    d = daemon(config(targets, tmp_path, extra='  enabled: false\n'))
    for p in ['/status', '/api/v1/status', '/feed.atom', '/badge/website/status.svg']:
        assert d.get(p).status_code == 404, p
    bad = tmp_path / 'bad.yaml'
    bad.write_text('status_page:\n  theme: {primary: "red;}body{x:url(y)"}\n'
                   '  logo: /nonexistent/logo.png\n')
    r = run_cli('config', 'check', str(bad))
    assert r.returncode == 2
    assert 'status_page.theme.primary' in r.stderr and 'not a colour' in r.stderr
    assert 'status_page.logo' in r.stderr


def test_old_open_incident_stays(daemon, targets, tmp_path):
    """An open incident stays on the page however many incidents came after it: the page
    reads every open one, then the newest 200 of the last 14 days."""
    d = daemon(config(targets, tmp_path) +
               'security:\n  rate_limit: {requests: 100000, per: 1s, burst: 100000}\n')
    ready(d)
    session = requests.Session()
    session.headers['Authorization'] = f'Bearer {OPS}'

    def post(path, **kw):
        return session.post(d.url(path), timeout=10, **kw)
    old = post('/api/v1/incidents', json={
        'title': 'Old but still open', 'impact': 'major', 'message': 'Still on it.',
        'monitors': ['search']})
    assert old.status_code in (200, 201), old.text
    for i in range(205):
        r = post('/api/v1/incidents', json={'title': f'Blip {i}', 'impact': 'minor',
                                              'message': 'A blip.'})
        assert r.status_code in (200, 201), r.text
        r = post(f'/api/v1/incidents/{r.json()["id"]}/updates',
                   json={'status': 'resolved', 'message': 'Gone.'})
        assert r.status_code in (200, 201), r.text
    doc = wait_for(lambda: (lambda s: s if any(i['title'] == 'Blip 204' for i in s['incidents'])
                            else None)(d.get('/api/v1/status').json()),
                   what='the last blip on /api/v1/status')
    titles = [i['title'] for i in doc['incidents']]
    assert 'Old but still open' in titles
    assert 'Blip 0' not in titles  # beyond the newest 200 of the history
    starts = [i['started_at'] for i in doc['incidents']]
    assert starts == sorted(starts, reverse=True)  # newest first, open or not
    page = d.get('/status').text
    assert 'Old but still open' in page and 'Still on it.' in page
    assert 'Old but still open' in d.get('/status/components/search').text
