"""Alerts and their notifications: durable, retried, never lost, never duplicated by restarts."""
import json
import signal
import time

import requests

from conftest import api, monitor_yaml, promtool_check, wait_for
from receiver import Receiver

OPS = 'operator-token-alerting-0123'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
SECRET = 'HOOKSECRET-9f8e7d'


def config(rx, port, slack=None, extra=''):
    chans = [f'    - {{name: hook, type: webhook, url: "{rx.url}/hook?token={SECRET}", '
             f'headers: {{X-Team: ops, Authorization: "Bearer {SECRET}-h"}}}}\n']
    if slack:
        chans.append(f'    - {{name: chat, type: slack, url: "{slack.url}/services/T0/B0/x"}}\n')
    return (AUTH + 'alerting:\n  retry_initial: 200ms\n  retry_max: 1s\n  channels:\n' +
            ''.join(chans) + extra +
            'monitors:\n' + monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=port,
                                         interval='200ms', timeout='150ms'))


def test_down_then_up_notifies_each_channel_once(daemon, targets, tmp_path):
    hook, chat = Receiver().start(), Receiver().start()
    try:
        d = daemon(config(hook, 1, slack=chat))  # port 1: refused, the monitor goes down
        body = wait_for(lambda: hook.bodies() or None, what='the trigger')[0]
        assert body['kind'] == 'trigger' and body['alert']['state'] == 'firing'
        assert body['monitor'] == {'id': 'svc', 'name': 'Svc'}
        assert body['status'] == 'down' and body['reason'] == 'connect_refused'
        assert body['alert']['severity'] == 'critical'
        req = hook.accepted()[0]
        assert req['path'] == f'/hook?token={SECRET}'
        assert req['headers']['X-Team'] == 'ops'
        assert req['headers']['Idempotency-Key'] == body['idempotency_key']
        s = wait_for(lambda: chat.bodies() or None, what='the slack message')[0]
        assert 'Svc is down' in s['text'] and s['blocks'][0]['type'] == 'section'
        # the alert is listed and acknowledged
        alerts = api(d, '/api/v1/alerts?state=firing', OPS)['alerts']
        assert len(alerts) == 1 and alerts[0]['monitor'] == 'svc'
        aid = alerts[0]['id']
        r = requests.post(d.url(f'/api/v1/alerts/{aid}/ack'), timeout=10,
                          headers={'Authorization': f'Bearer {OPS}'})
        assert r.status_code == 200, r.text
        assert requests.post(d.url('/api/v1/alerts/99999/ack'), timeout=10,
                             headers={'Authorization': f'Bearer {OPS}'}).status_code == 404
        # the service comes back: resolved, once per channel
        d.write_config(config(hook, targets.banner_port, slack=chat))
        d.send(signal.SIGHUP)
        wait_for(lambda: [b for b in hook.bodies() if b['kind'] == 'resolve'] or None,
                 what='the resolution')
        wait_for(lambda: len(chat.bodies()) == 2, what='the slack resolution')
        time.sleep(1)
        kinds = [b['kind'] for b in hook.bodies()]
        assert kinds == ['trigger', 'resolve'], kinds
        assert len({b['idempotency_key'] for b in hook.bodies()}) == 2
        notes = api(d, '/api/v1/notifications', OPS)['notifications']
        assert len(notes) == 4 and all(n['status'] == 'delivered' for n in notes)
        assert api(d, f'/api/v1/alerts?state=resolved', OPS)['alerts'][0]['acked_by'] == 'ops'
        text = d.get('/metrics').text
        assert 'vigil_notifications_total{channel="hook",result="delivered"} 2' in text
        assert 'vigil_outbox_depth 0' in text
        promtool_check(text)
        # the channel's secrets are used, never shown
        for path in ['/api/v1/notifications', '/api/v1/alerts', '/metrics']:
            assert SECRET not in d.get(path, headers={'Authorization': f'Bearer {OPS}'}).text
        assert SECRET not in d.log()
    finally:
        hook.stop()
        chat.stop()


def test_destination_down_then_back(daemon, targets):
    hook = Receiver()
    hook.start()
    port = hook.port
    hook.stop()  # nothing listens: connection refused
    try:
        d = daemon(config(hook, 1))
        wait_for(lambda: 'trying again' in d.log(), what='a failed attempt')
        notes = wait_for(lambda: (lambda n: n if n and n[0]['attempts'] >= 1 else None)(
            api(d, '/api/v1/notifications', OPS)['notifications']), what='the attempt stored')
        assert notes[0]['status'] == 'pending'
        assert notes[0]['last_error']
        time.sleep(30)  # the destination stays down for 30 s
        attempts = api(d, '/api/v1/notifications', OPS)['notifications'][0]['attempts']
        assert attempts >= 10, attempts  # kept trying (the backoff is capped at retry_max 1s)
        hook = Receiver(port).start()
        body = wait_for(lambda: hook.bodies() or None, timeout=20, what='delivery after recovery')
        assert body[0]['kind'] == 'trigger'
        wait_for(lambda: api(d, '/api/v1/notifications', OPS)['notifications'][0]['status'] ==
                 'delivered', what='the delivery to be recorded')
    finally:
        hook.stop()


def test_retry_after_and_permanent_failures(daemon):
    hook = Receiver().start()
    try:
        hook.mode, hook.retry_after = '429', 1
        d = daemon(config(hook, 1))
        wait_for(lambda: len(hook.requests) >= 1, what='a first attempt')
        hook.mode, hook.retry_after = 'ok', None
        wait_for(lambda: hook.accepted() or None, what='the retry after Retry-After')
        gap = hook.accepted()[0]['time'] - hook.requests[0]['time']
        assert gap >= 0.9, gap  # Retry-After: 1 was honoured (retry_max is 1s, initial 200ms)
        # a 404 is permanent: recorded as failed, not retried
        hook.mode = '404'
        d2 = daemon(config(hook, 2))
        n = wait_for(lambda: [x for x in api(d2, '/api/v1/notifications?status=failed', OPS)
                              ['notifications']] or None, what='a failed notification')
        assert n[0]['last_error'] == 'HTTP 404' and n[0]['attempts'] == 1
        assert 'failed for good after 1 attempt: HTTP 404' in d2.log()
    finally:
        hook.stop()


def test_kill9_never_loses_nor_duplicates_alerts(daemon, targets):
    """kill -9 while notifications are pending: each is delivered after the restart, and
    the restart itself triggers nothing new (the alert is still the same firing one)."""
    hook = Receiver().start()
    try:
        hook.mode = '503'  # keep them pending
        d = daemon(config(hook, 1))
        wait_for(lambda: len(hook.requests) >= 2, what='failing attempts')
        for _ in range(20):
            d.kill9()
            d.start()
            time.sleep(0.3)
        hook.mode = 'ok'
        wait_for(lambda: hook.accepted() or None, timeout=20, what='delivery')
        time.sleep(2)
        keys = [b['idempotency_key'] for b in hook.bodies()]
        assert len(set(keys)) == 1, keys  # one trigger, however many restarts
        assert len(api(d, '/api/v1/alerts', OPS)['alerts']) == 1
        # the monitor recovers while Vigil is down: the restart resolves it
        d.stop()
        d.write_config(config(hook, targets.banner_port))
        d.start()
        wait_for(lambda: [b for b in hook.bodies() if b['kind'] == 'resolve'] or None,
                 what='RESOLVED after a restart')
        kinds = [b['kind'] for b in hook.bodies()]
        assert 1 <= kinds.count('trigger') <= 2 and kinds.count('resolve') == 1
        assert len({b['idempotency_key'] for b in hook.bodies() if b['kind'] == 'trigger'}) == 1
    finally:
        hook.stop()


def test_config_errors(daemon):
    from conftest import run_cli
    bad = ('alerting:\n  channels_on: [nope]\n  channels:\n'
           '    - {name: a, type: carrier, url: "ftp://x"}\n    - {name: a, type: slack}\n'
           '  rules:\n'
           '    - {name: r, metric: cpu, threshold: 1}\n'
           '    - {name: r, metric: host.cpu.percent, op: ">", threshold: 80, '
           'resolve_threshold: 90, channels: [zz]}\n')
    import pathlib
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        p = pathlib.Path(tmp) / 'v.yaml'
        p.write_text(bad)
        r = run_cli('config', 'check', str(p))
        assert r.returncode == 2
        out = r.stdout + r.stderr
        for words in ['alerting.channels[0].type', 'alerting.channels[0].url', 'http',
                      'alerting.channels[1]', 'missing required key "url"', 'named twice',
                      'no channel is named "nope"', '"cpu" is not a metric',
                      'rule "r" is named twice', 'resolve_threshold 90 must be on the other side',
                      'rule "r": no channel is named "zz"']:
            assert words in out, (words, out)


def rules_config(rx, rules):
    return (AUTH + 'host:\n  interval: 1s\n'
            'alerting:\n  retry_initial: 200ms\n  channels:\n'
            f'    - {{name: hook, type: webhook, url: "{rx.url}/hook"}}\n'
            '  rules:\n' + ''.join(f'    - {r}\n' for r in rules))


def test_threshold_rules_fire_and_resolve(daemon, tmp_path):
    hook = Receiver().start()
    try:
        d = daemon(rules_config(hook, [
            '{name: busy, metric: host.cpu.percent, op: ">=", threshold: 0, severity: info}',
            '{name: attacked, metric: security.violations_1h, op: ">", threshold: 2, '
            'resolve_threshold: -1, severity: critical}',
            '{name: never, metric: host.memory.percent, op: ">", threshold: 1000}',
            '{name: slow, metric: "monitor.latency_ms{monitor=\\"nope\\"}", op: ">", '
            'threshold: 1}']))
        busy = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'busy'] or None,
                        what='the host rule to fire')[0]
        assert busy['kind'] == 'trigger' and busy['alert']['severity'] == 'info'
        assert busy['metric']['name'] == 'host.cpu.percent' and busy['metric']['op'] == '>='
        assert busy['metric']['value'] >= 0
        # violations: three unknown tokens
        for _ in range(3):
            d.get('/api/v1/alerts', headers={'Authorization': 'Bearer wrong-token-xxxxxxxxxx'})
        att = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'attacked']
                       or None, what='the security rule to fire')[0]
        assert att['alert']['severity'] == 'critical' and att['metric']['value'] >= 3
        time.sleep(2)
        rules = sorted({b['alert']['rule'] for b in hook.bodies()})
        assert rules == ['attacked', 'busy'], rules  # never and slow (no data) stay quiet
        assert len(hook.bodies()) == 2, [(b["kind"], b["alert"]) for b in hook.bodies()]
        # a restart does not fire them again
        d.stop()
        d.start()
        time.sleep(3)
        assert len(hook.bodies()) == 2, [b['kind'] for b in hook.bodies()]
        # the rule goes away: its alert resolves? no: a removed rule keeps its alert open
        firing = api(d, '/api/v1/alerts?state=firing', OPS)['alerts']
        assert {a['rule'] for a in firing} == {'busy', 'attacked'}
    finally:
        hook.stop()


def test_rule_for_and_hysteresis(daemon):
    hook = Receiver().start()
    try:
        # down of a monitor that is down: holds; fires only after 2 s
        d = daemon(rules_config(hook, [
            '{name: gone, metric: "monitor.down{monitor=\\"svc\\"}", op: "==", threshold: 1, '
            'for: 2s}']) + 'monitors:\n' + monitor_yaml('Svc', type='tcp', host='127.0.0.1',
                                                        port=1, interval='200ms'))
        wait_for(lambda: api(d, '/api/v1/monitors/svc', OPS)['status'] == 'down',
                 what='the monitor down')
        t0 = time.time()
        body = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'gone'] or None,
                        what='the rule after its for')[0]
        assert time.time() - t0 >= 1.0  # pending first (the monitor alert came at once)
        assert body['metric']['value'] == 1
    finally:
        hook.stop()


def test_repeats_escalation_and_ack(daemon):
    hook, pager = Receiver().start(), Receiver().start()
    try:
        d = daemon(AUTH + 'alerting:\n  retry_initial: 200ms\n  repeat_interval: 2s\n'
                   '  channels_on: [hook]\n  channels:\n'
                   f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                   f'    - {{name: pager, type: webhook, url: "{pager.url}/p"}}\n'
                   '  escalation:\n    - {name: oncall, after: 1s, channels: [pager]}\n'
                   '    - {name: warnings-only, after: 2s, severity: warning, channels: [pager]}\n'
                   'monitors:\n' + monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1,
                                                interval='200ms', timeout='150ms'))
        wait_for(lambda: [b for b in pager.bodies() if b['kind'] == 'escalate'] or None,
                 what='the escalation')
        wait_for(lambda: [b for b in hook.bodies() if b['kind'] == 'repeat'] or None,
                 what='a reminder')
        esc = pager.bodies()
        assert len(esc) == 1 and esc[0]['alert']['severity'] == 'critical'  # level 2: warnings
        assert hook.bodies()[0]['kind'] == 'trigger'
        # a restart remembers what was told
        d.stop()
        d.start()
        time.sleep(1.5)
        assert len([b for b in pager.bodies() if b['kind'] == 'escalate']) == 1
        # acknowledged: no more reminders
        aid = api(d, '/api/v1/alerts?state=firing', OPS)['alerts'][0]['id']
        assert requests.post(d.url(f'/api/v1/alerts/{aid}/ack'), timeout=10,
                             headers={'Authorization': f'Bearer {OPS}'}).status_code == 200
        time.sleep(0.5)
        n = len(hook.bodies())
        time.sleep(3)
        assert len(hook.bodies()) == n
    finally:
        hook.stop()
        pager.stop()


def test_per_monitor_alerts_and_certificates(daemon, targets):
    hook, pager = Receiver().start(), Receiver().start()
    try:
        d = daemon(
            AUTH + 'alerting:\n  retry_initial: 200ms\n  channels_on: [hook]\n  channels:\n'
            f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
            f'    - {{name: pager, type: webhook, url: "{pager.url}/p"}}\n'
            'monitors:\n' +
            monitor_yaml('Quiet', type='tcp', host='127.0.0.1', port=1, interval='200ms',
                         alerts={'enabled': False}) +
            monitor_yaml('Paged', type='tcp', host='127.0.0.1', port=1, interval='200ms',
                         alerts={'channels': ['pager'], 'severity': 'warning'}) +
            monitor_yaml('Cert', type='http', url=targets.tls_valid + '/ok',
                         tls_ca=targets.tls_ca_file, interval='300ms',
                         alerts={'cert_days': 30}))
        page = wait_for(lambda: pager.bodies() or None, what='the paged alert')[0]
        assert page['monitor']['id'] == 'paged' and page['alert']['severity'] == 'warning'
        cert = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'certificate']
                        or None, what='the certificate alert')[0]
        assert cert['monitor']['id'] == 'cert' and 'expires in' in cert['message']
        time.sleep(1.5)
        ids = [b['monitor']['id'] for b in hook.bodies()]
        assert 'quiet' not in ids and 'paged' not in ids, ids
        assert ids.count('cert') == 1  # once, not at every check
        assert api(d, '/api/v1/monitors/quiet', OPS)['status'] == 'down'  # status still moves
    finally:
        hook.stop()
        pager.stop()


def test_monitor_alert_channels_must_exist(daemon):
    from conftest import run_cli
    import pathlib
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        p = pathlib.Path(tmp) / 'v.yaml'
        p.write_text('monitors:\n' + monitor_yaml('X', type='tcp', host='h', port=1,
                                                  alerts={'channels': ['nope']}))
        r = run_cli('config', 'check', str(p))
        assert r.returncode == 2 and 'monitors[0].alerts.channels: no channel is named "nope"' \
            in r.stderr + r.stdout


def test_maintenance_window(daemon):
    import datetime
    hook = Receiver().start()
    try:
        start = (datetime.datetime.now(datetime.timezone.utc) -
                 datetime.timedelta(minutes=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
        base = (AUTH + 'alerting:\n  retry_initial: 200ms\n  channels:\n'
                f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                'monitors:\n' +
                monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1, interval='200ms') +
                monitor_yaml('Other', type='tcp', host='127.0.0.1', port=1, interval='200ms'))
        window = ('maintenance:\n'
                  f'  - {{name: db upgrade, start: "{start}", duration: 1h, monitors: [Svc]}}\n')
        d = daemon(base + window)
        wait_for(lambda: [b for b in hook.bodies() if b['monitor']['id'] == 'other'] or None,
                 what="Other's alert")
        svc = wait_for(lambda: (lambda m: m if m['status'] == 'maintenance' else None)(
            api(d, '/api/v1/monitors/svc', OPS)), what='Svc under maintenance')
        assert svc['last_result']['status'] == 'down'  # the check itself is kept as it is
        assert svc['uptime_24h'] is None                # and not counted against uptime
        assert api(d, '/api/v1/monitors/other', OPS)['uptime_24h'] == 0
        time.sleep(1)
        assert not [b for b in hook.bodies() if b['monitor']['id'] == 'svc']
        ev = wait_for(lambda: api(d, '/api/v1/monitors/svc/events', OPS)['events'] or None,
                      what='the maintenance event')
        assert ev[0]['to'] == 'maintenance' and 'db upgrade' in ev[0]['message']
        # the window ends (removed): Svc is down and alerts like any monitor
        d.write_config(base)
        d.send(signal.SIGHUP)
        wait_for(lambda: [b for b in hook.bodies() if b['monitor']['id'] == 'svc'] or None,
                 what="Svc's alert after the window")
        assert [b for b in hook.bodies() if b['monitor']['id'] == 'svc'][0][
            'previous_status'] == 'maintenance'
    finally:
        hook.stop()


def test_maintenance_config_errors(tmp_path):
    from conftest import run_cli
    f = tmp_path / 'v.yaml'
    f.write_text('maintenance:\n  - {name: a, start: "24h", duration: 1h, monitors: [ghost]}\n'
                 '  - {name: b, start: "2026-12-01T02:00:00Z"}\n')
    r = run_cli('config', 'check', str(f))
    out = r.stdout + r.stderr
    assert r.returncode == 2
    for words in ['maintenance[0].start', 'RFC 3339', 'maintenance[0].monitors: no monitor is '
                  'named "ghost"', 'maintenance[1]', 'missing required key "duration"']:
        assert words in out, (words, out)


def test_maintenance_through_the_api(daemon):
    hook = Receiver().start()
    try:
        d = daemon(AUTH + 'alerting:\n  retry_initial: 200ms\n  channels:\n'
                   f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                   'monitors:\n' +
                   monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1, interval='200ms',
                                alerts={'enabled': True}))
        auth = {'Authorization': f'Bearer {OPS}'}
        for bad in [{'name': 'x'}, {'name': 'x', 'duration': '1h', 'monitors': ['ghost']},
                    {'name': 'x', 'duration': '1h', 'start': 'tomorrow'}, []]:
            r = requests.post(d.url('/api/v1/maintenance'), json=bad, headers=auth, timeout=10)
            assert r.status_code == 400, (bad, r.text)
        r = requests.post(d.url('/api/v1/maintenance'), headers=auth, timeout=10,
                          json={'name': 'swap disks', 'duration': '1h', 'monitors': ['svc']})
        assert r.status_code == 201, r.text
        wid = r.json()['id']
        lst = api(d, '/api/v1/maintenance', OPS)['maintenance']
        assert lst[0]['origin'] == 'api' and lst[0]['active'] and lst[0]['by'] == 'ops'
        wait_for(lambda: api(d, '/api/v1/monitors/svc', OPS)['status'] == 'maintenance',
                 what='Svc under maintenance')
        # survives a restart
        assert d.stop() == 0
        d.start()
        assert api(d, '/api/v1/maintenance', OPS)['maintenance'][0]['name'] == 'swap disks'
        time.sleep(1)
        assert not hook.bodies()  # no alert all along
        r = requests.delete(d.url(f'/api/v1/maintenance/{wid}'), headers=auth, timeout=10)
        assert r.status_code == 200
        wait_for(lambda: hook.bodies() or None, what='the alert once the window is gone')
        assert requests.delete(d.url(f'/api/v1/maintenance/{wid}'), headers=auth,
                               timeout=10).status_code == 404
    finally:
        hook.stop()


def test_incidents(daemon, targets):
    d = daemon(AUTH + 'monitors:\n' +
               monitor_yaml('Shop', type='tcp', host='127.0.0.1', port=1, interval='200ms',
                            public=True, critical=True) +
               monitor_yaml('Backoffice', type='tcp', host='127.0.0.1', port=1,
                            interval='200ms') +
               monitor_yaml('Api', type='tcp', host='127.0.0.1', port=1, interval='200ms',
                            public=True, incident='off'))
    auth = {'Authorization': f'Bearer {OPS}'}
    inc = wait_for(lambda: api(d, '/api/v1/incidents?status=open', OPS)['incidents'] or None,
                   what='the automatic incident')
    assert len(inc) == 1  # public Shop only: Backoffice is not public, Api is off
    assert inc[0]['title'] == 'Shop is down' and inc[0]['automatic']
    assert inc[0]['impact'] == 'major' and inc[0]['status'] == 'investigating'
    assert inc[0]['monitors'] == ['shop'] and 'connect_refused' in inc[0]['updates'][0]['message']
    # a manual one, with updates
    r = requests.post(d.url('/api/v1/incidents'), headers=auth, timeout=10,
                      json={'title': 'Payments slow', 'impact': 'minor', 'monitors': ['api'],
                            'message': 'Looking into it'})
    assert r.status_code == 201, r.text
    mid = r.json()['id']
    for bad in [{'title': ''}, {'title': 'x', 'impact': 'huge'},
                {'title': 'x', 'monitors': ['ghost']}]:
        assert requests.post(d.url('/api/v1/incidents'), headers=auth, json=bad,
                             timeout=10).status_code == 400, bad
    r = requests.post(d.url(f'/api/v1/incidents/{mid}/updates'), headers=auth, timeout=10,
                      json={'status': 'identified', 'message': 'A slow query'})
    assert r.status_code == 201, r.text
    assert requests.post(d.url('/api/v1/incidents/9999/updates'), headers=auth, timeout=10,
                         json={'status': 'resolved', 'message': 'x'}).status_code == 404
    assert requests.post(d.url(f'/api/v1/incidents/{mid}/updates'), headers=auth, timeout=10,
                         json={'status': 'done', 'message': 'x'}).status_code == 400
    man = wait_for(lambda: [i for i in api(d, '/api/v1/incidents', OPS)['incidents']
                            if i['id'] == int(mid) and len(i['updates']) == 2] or None,
                   what='the manual incident with its update')[0]
    assert man['status'] == 'identified' and man['by'] == 'ops'
    assert [u['status'] for u in man['updates']] == ['investigating', 'identified']
    # Shop recovers: its incident resolves
    import signal as sig
    d.write_config(AUTH + 'monitors:\n' +
                   monitor_yaml('Shop', type='tcp', host='127.0.0.1', port=targets.banner_port,
                                interval='200ms', public=True, critical=True))
    d.send(sig.SIGHUP)
    done = wait_for(lambda: [i for i in api(d, '/api/v1/incidents', OPS)['incidents']
                             if i['automatic'] and i['status'] == 'resolved'] or None,
                    what='the automatic incident resolved')[0]
    assert done['resolved'] and done['updates'][-1]['message'] == 'Shop is up again'


def test_flapping_is_one_alert(daemon):
    hook, target = Receiver().start(), Receiver().start()
    target.mode = 'alternate'  # up, down, up, down...
    try:
        d = daemon(AUTH + 'alerting:\n  retry_initial: 200ms\n  repeat_interval: 0s\n'
                   '  channels:\n'
                   f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                   'monitors:\n' +
                   monitor_yaml('Wobbly', type='http', url=target.url + '/x', interval='200ms'))
        flap = wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'flapping']
                        or None, timeout=20, what='the flapping alert')[0]
        assert flap['kind'] == 'trigger' and flap['status'] == 'flapping'

        def downs():
            return len([b for b in hook.bodies()
                        if b['alert']['rule'] == 'down' and b['kind'] == 'trigger'])
        n = downs()
        time.sleep(2)  # ten more changes: no more down alerts
        assert downs() == n
        assert 'is flapping' in d.log()
        target.mode = 'ok'
        wait_for(lambda: [b for b in hook.bodies() if b['alert']['rule'] == 'flapping' and
                          b['kind'] == 'resolve'] or None, timeout=20, what='the flap to settle')
        time.sleep(1)
        assert api(d, '/api/v1/monitors/wobbly', OPS)['status'] == 'up'
        assert downs() == n  # settled up: no down alert
    finally:
        hook.stop()
        target.stop()
