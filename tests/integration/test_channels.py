"""Every channel type sends its service's documented format (checked by a local receiver),
and Debian's Prometheus Alertmanager accepts Vigil's alerts."""
import json
import os
import signal
import subprocess
import time

import requests

from conftest import api, free_port, monitor_yaml, wait_for
from receiver import Receiver

OPS = 'operator-token-channels-012'
TOKEN = 'TOKSECRET-5a4b3c'


def channels(rx):
    u = rx.url
    return [
        f'{{name: slack, type: slack, url: "{u}/slack"}}',
        f'{{name: discord, type: discord, url: "{u}/discord"}}',
        f'{{name: teams, type: teams, url: "{u}/teams"}}',
        f'{{name: mattermost, type: mattermost, url: "{u}/mattermost"}}',
        f'{{name: googlechat, type: googlechat, url: "{u}/googlechat"}}',
        f'{{name: ntfy, type: ntfy, url: "{u}/ntfy/alerts", token: "{TOKEN}-ntfy"}}',
        f'{{name: gotify, type: gotify, url: "{u}/gotify", token: "{TOKEN}-gotify"}}',
        f'{{name: pushover, type: pushover, url: "{u}/pushover", token: "{TOKEN}-po", '
        f'to: user-key-1}}',
        f'{{name: telegram, type: telegram, url: "{u}/telegram", token: "{TOKEN}-tg", '
        f'to: "-100123"}}',
        f'{{name: pagerduty, type: pagerduty, url: "{u}/pagerduty", token: "{TOKEN}-pd"}}',
        f'{{name: opsgenie, type: opsgenie, url: "{u}/opsgenie/v2/alerts", '
        f'token: "{TOKEN}-og"}}',
        f'{{name: alertmanager, type: alertmanager, url: "{u}/am"}}',
    ]


def config(chans, port):
    return (f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
            'alerting:\n  retry_initial: 200ms\n  channels:\n' +
            ''.join(f'    - {c}\n' for c in chans) +
            'monitors:\n' + monitor_yaml('Billing API', type='tcp', host='127.0.0.1', port=port,
                                         interval='200ms', timeout='150ms'))


def by_path(rx):
    out = {}
    for r in rx.accepted():
        out.setdefault(r['path'].split('?')[0], []).append(r)
    return out


def test_each_channel_speaks_its_service(daemon, targets):
    rx = Receiver().start()
    try:
        d = daemon(config(channels(rx), 1))
        got = wait_for(lambda: (lambda p: p if len(p) >= 12 else None)(by_path(rx)),
                       what='a message on every channel')
        first = {k: v[0] for k, v in got.items()}
        j = {k: json.loads(v['body']) for k, v in first.items() if k != '/ntfy/alerts'}
        assert 'Billing API is down' in j['/slack']['text']
        assert j['/discord']['embeds'][0]['color'] == 0xe74c3c and j['/discord']['content']
        card = j['/teams']['attachments'][0]
        assert card['contentType'] == 'application/vnd.microsoft.card.adaptive'
        assert card['content']['type'] == 'AdaptiveCard'
        assert 'Billing API' in j['/mattermost']['text'] and j['/googlechat']['text']
        ntfy = first['/ntfy/alerts']
        assert ntfy['headers']['Title'].startswith('[critical] Billing API is down')
        assert ntfy['headers']['Priority'] == '5' and ntfy['headers']['Tags'] == 'rotating_light'
        assert ntfy['headers']['Authorization'] == f'Bearer {TOKEN}-ntfy'
        assert b'connect_refused' in ntfy['body'] and ntfy['headers']['Content-Type'].startswith(
            'text/plain')
        assert '/gotify/message' in got and got['/gotify/message'][0]['headers'][
            'X-Gotify-Key'] == f'{TOKEN}-gotify'
        assert j['/pushover']['token'] == f'{TOKEN}-po' and j['/pushover']['user'] == 'user-key-1'
        assert j['/pushover']['priority'] == 1
        tg = f'/telegram/bot{TOKEN}-tg/sendMessage'
        assert tg in got and json.loads(got[tg][0]['body'])['chat_id'] == '-100123'
        pd = j['/pagerduty']
        assert pd['routing_key'] == f'{TOKEN}-pd' and pd['event_action'] == 'trigger'
        assert pd['payload']['severity'] == 'critical' and pd['payload']['source'] == 'vigil'
        og = first['/opsgenie/v2/alerts']
        assert og['headers']['Authorization'] == f'GenieKey {TOKEN}-og'
        assert json.loads(og['body'])['priority'] == 'P1'
        am = json.loads(got['/am/api/v2/alerts'][0]['body'])
        assert am[0]['labels']['alertname'] == 'VigilMonitorDown' and 'endsAt' not in am[0]
        # every request carries the idempotency key
        assert all(r['headers'].get('Idempotency-Key', '').startswith('vigil-')
                   for r in rx.accepted())
        # recovery: the incident closes where the service wants it
        d.write_config(config(channels(rx), targets.banner_port))
        d.send(signal.SIGHUP)
        wait_for(lambda: len(rx.accepted()) >= 24, what='every resolution')
        got = by_path(rx)
        pd2 = json.loads(got['/pagerduty'][1]['body'])
        assert pd2['event_action'] == 'resolve' and pd2['dedup_key'] == pd['dedup_key']
        close = [p for p in got if p.startswith('/opsgenie/v2/alerts/vigil-alert-')]
        assert close and close[0].endswith('/close')
        assert 'endsAt' in json.loads(got['/am/api/v2/alerts'][1]['body'])[0]
        assert json.loads(got['/discord'][1]['body'])['embeds'][0]['color'] == 0x2ecc71
        # the outbox never held a token
        import sqlite3
        con = sqlite3.connect(d.dir / 'vigil.db')
        for (body,) in con.execute('SELECT body FROM outbox'):
            assert TOKEN not in body
        con.close()
        assert TOKEN not in d.log()
        assert TOKEN not in d.get('/api/v1/notifications',
                                  headers={'Authorization': f'Bearer {OPS}'}).text
    finally:
        rx.stop()


def test_prometheus_alertmanager_receives_alerts(daemon, targets, tmp_path):
    port = free_port()
    (tmp_path / 'am.yml').write_text('route:\n  receiver: none\nreceivers:\n  - name: none\n')
    am = subprocess.Popen(['prometheus-alertmanager', f'--config.file={tmp_path}/am.yml',
                           f'--storage.path={tmp_path}/am-data',
                           f'--web.listen-address=127.0.0.1:{port}',
                           '--cluster.listen-address=', '--log.level=warn'],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: requests.get(f'http://127.0.0.1:{port}/-/ready', timeout=2).ok,
                 timeout=30, what='alertmanager to start')
        d = daemon(config([f'{{name: am, type: alertmanager, url: "http://127.0.0.1:{port}"}}'],
                          1))

        def alerts():
            r = requests.get(f'http://127.0.0.1:{port}/api/v2/alerts', timeout=2)
            return [a for a in r.json() if a['labels'].get('source') == 'vigil'] or None
        got = wait_for(alerts, timeout=20, what='the alert in alertmanager')
        a = got[0]
        assert a['labels']['alertname'] == 'VigilMonitorDown'
        assert a['labels']['monitor'] == 'billing-api' and a['labels']['severity'] == 'critical'
        assert a['status']['state'] == 'active'
        n = wait_for(lambda: api(d, '/api/v1/notifications', OPS)['notifications'][0]['status']
                     == 'delivered', what='the delivery recorded')
        assert n
    finally:
        am.terminate()
        am.wait(timeout=10)


def test_notify_test_cli(tmp_path):
    from conftest import run_cli
    rx = Receiver().start()
    try:
        f = tmp_path / 'v.yaml'
        f.write_text('alerting:\n  channels:\n'
                     f'    - {{name: chat, type: slack, url: "{rx.url}/chat"}}\n'
                     f'    - {{name: broken, type: webhook, url: "{rx.url}/x", method: PUT}}\n')
        r = run_cli('notify', 'test', 'chat', '-c', str(f))
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.startswith('chat: HTTP 200: ok')
        body = json.loads(rx.accepted()[0]['body'])
        assert 'Vigil test message' in body['text']
        rx.mode = '500'
        r = run_cli('notify', 'test', 'broken', '-c', str(f))
        assert r.returncode == 1 and 'HTTP 500' in r.stdout
        assert rx.requests[-1]['method'] == 'PUT'
        r = run_cli('notify', 'test', 'nope', '-c', str(f))
        assert r.returncode == 2 and 'no channel "nope"' in r.stderr
        r = run_cli('notify', 'frob', '-c', str(f))
        assert r.returncode == 2
    finally:
        rx.stop()


MX_ROOM = '!AbCdEf:example.org'
MX_ROOM_PATH = '%21AbCdEf%3Aexample.org'
MX_NAME = 'Billing <script>&"\' API'
MX_NAME_HTML = 'Billing &lt;script&gt;&amp;&quot;&#39; API'


def matrix_config(rx, port):
    chan = (f'{{name: mx, type: matrix, url: "{rx.url}/hs/", token: "{TOKEN}-mx", '
            f'to: "{MX_ROOM}"}}')
    return (f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
            'alerting:\n  retry_initial: 200ms\n  retry_max: 1s\n  channels:\n'
            f'    - {chan}\n'
            'monitors:\n' + monitor_yaml(MX_NAME, type='tcp', host='127.0.0.1', port=port,
                                         interval='200ms', timeout='150ms'))


def matrix_txn(r):
    """The txnId of a request to the Matrix send endpoint (asserting the rest of its path)."""
    prefix = f'/hs/_matrix/client/v3/rooms/{MX_ROOM_PATH}/send/m.room.message/'
    assert r['path'].startswith(prefix), r['path']
    txn = r['path'][len(prefix):]
    assert txn and '/' not in txn and '?' not in txn
    return txn


def matrix_content_ok(r, color):
    """Checks one request against the Matrix spec's m.room.message (m.text with HTML)."""
    assert r['method'] == 'PUT'
    assert r['headers']['Authorization'] == f'Bearer {TOKEN}-mx'
    assert r['headers']['Content-Type'] == 'application/json'
    c = json.loads(r['body'])
    assert c['msgtype'] == 'm.text' and c['format'] == 'org.matrix.custom.html'
    assert c['m.mentions'] == {}  # nobody is pinged by what a probe's message says
    # the plain body is text, as it was; the HTML escapes every special character
    assert MX_NAME in c['body'] and '&lt;' not in c['body']
    html = c['formatted_body']
    assert MX_NAME_HTML in html and '<script>' not in html
    assert f'<font data-mx-color="{color}">' in html
    import re
    bare = re.sub(r'<br>|</?strong>|</?em>|<font data-mx-color="#[0-9a-f]{6}">|</font>', '', html)
    assert not any(ch in bare for ch in '<>"\''), bare
    return c


def test_matrix_room_message_once_per_notification(daemon, targets):
    """matrix: PUT to the room's send endpoint, the notification's idempotency key as txnId,
    the same txnId on every retry (the homeserver shows it once), HTML escaped."""
    rx = Receiver().start()
    rx.mode = '500'
    try:
        d = daemon(matrix_config(rx, 1))
        wait_for(lambda: len(rx.requests) >= 2, what='two refused attempts')
        rx.mode = 'ok'
        got = wait_for(rx.accepted, what='the trigger accepted')
        tries = list(rx.requests)
        txn = matrix_txn(got[0])
        assert txn.startswith('vigil-') and '-trigger-' in txn
        # every attempt of the notification: the same txnId, the same content
        assert len(tries) >= 3 and {matrix_txn(r) for r in tries} == {txn}
        assert {r['body'] for r in tries} == {got[0]['body']}
        assert all(r['headers']['Idempotency-Key'] == txn for r in tries)
        c = matrix_content_ok(got[0], '#c62828')
        assert f'[critical] {MX_NAME} is down' in c['body']
        n = wait_for(lambda: (lambda x: x if x['status'] == 'delivered' else None)(
            api(d, '/api/v1/notifications', OPS)['notifications'][0]), what='delivered')
        assert n['idempotency_key'] == txn and n['attempts'] >= 3
        # recovery: a new message, with a txnId of its own
        d.write_config(matrix_config(rx, targets.banner_port))
        d.send(signal.SIGHUP)
        got = wait_for(lambda: (lambda a: a if len(a) >= 2 else None)(rx.accepted()),
                       what='the resolution')
        txn2 = matrix_txn(got[1])
        assert txn2 != txn and '-resolve-' in txn2
        c = matrix_content_ok(got[1], '#2e7d32')
        assert f'{MX_NAME} is up' in c['body']
        # the token went in a header only: never stored, logged or shown
        import sqlite3
        con = sqlite3.connect(d.dir / 'vigil.db')
        for (body,) in con.execute('SELECT body FROM outbox'):
            assert TOKEN not in body
        con.close()
        assert TOKEN not in d.log()
        assert TOKEN not in d.get('/api/v1/notifications',
                                  headers={'Authorization': f'Bearer {OPS}'}).text
    finally:
        rx.stop()


def test_matrix_config(tmp_path):
    from conftest import run_cli
    f = tmp_path / 'v.yaml'

    def check(keys):
        f.write_text(f'alerting:\n  channels:\n    - {{name: mx, type: matrix, {keys}}}\n')
        return run_cli('config', 'check', str(f))
    base = f'url: "https://matrix.example.org", token: "{TOKEN}-mx"'
    assert check(f'{base}, to: "{MX_ROOM}"').returncode == 0
    assert check(f'{base}, to: "!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"').returncode == 0
    r = check(base)
    assert r.returncode == 2 and 'missing required key "to" (the matrix room id' in r.stderr
    r = check(f'url: "https://matrix.example.org", to: "{MX_ROOM}"')
    assert r.returncode == 2
    assert 'missing required key "token" (the matrix access token)' in r.stderr
    r = check(f'token: x, to: "{MX_ROOM}"')
    assert r.returncode == 2 and 'missing required key "url" (the matrix homeserver' in r.stderr
    r = check(f'{base}, to: "#ops:example.org"')
    assert r.returncode == 2 and 'alerting.channels[0].to: "#ops:example.org" is a room alias' \
        in r.stderr
    for bad in ('ops:example.org', '!', '!a b:example.org'):
        r = check(f'{base}, to: "{bad}"')
        assert r.returncode == 2 and 'alerting.channels[0].to: ' in r.stderr, bad
    f.write_text(f'alerting:\n  channels:\n    - {{name: mx, type: matrix, {base}, '
                 f'to: "{MX_ROOM}"}}\n')
    r = run_cli('config', 'print', str(f))
    assert r.returncode == 0 and TOKEN not in r.stdout + r.stderr
    assert 'token: "<secret>"' in r.stdout


def test_matrix_notify_test(tmp_path):
    """vigil notify test: each run is a message of its own (a txnId per run, not one for all:
    the homeserver would show only the first)."""
    from conftest import run_cli
    rx = Receiver().start()
    try:
        f = tmp_path / 'v.yaml'
        f.write_text('alerting:\n  channels:\n'
                     f'    - {{name: mx, type: matrix, url: "{rx.url}/hs", token: "{TOKEN}-mx", '
                     f'to: "{MX_ROOM}"}}\n')
        for _ in range(2):
            r = run_cli('notify', 'test', 'mx', '-c', str(f))
            assert r.returncode == 0, r.stdout + r.stderr
            assert r.stdout.startswith('mx: HTTP 200: ok')
        a, b = rx.accepted()
        assert a['method'] == b['method'] == 'PUT'
        assert a['headers']['Authorization'] == f'Bearer {TOKEN}-mx'
        ta, tb = matrix_txn(a), matrix_txn(b)
        assert ta.startswith('vigil-test-') and tb.startswith('vigil-test-') and ta != tb
        c = json.loads(a['body'])
        assert c['msgtype'] == 'm.text' and 'Vigil test message' in c['body']
        assert 'Vigil test message' in c['formatted_body']
        assert TOKEN not in r.stdout + r.stderr
    finally:
        rx.stop()
