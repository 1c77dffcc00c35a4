"""Recurring maintenance windows: a cron expression read in an IANA time zone."""
import datetime
import signal
import time
from zoneinfo import ZoneInfo

import requests

from conftest import api, monitor_yaml, run_cli, wait_for
from receiver import Receiver

OPS = 'operator-token-maintenance-0123'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
UTC = datetime.timezone.utc


def parse_time(s):
    return datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))


def next_local_hour(zone, hour, now):
    """The next HOUR:00 wall time in ZONE after NOW, as a UTC datetime."""
    local = now.astimezone(zone)
    cand = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if cand <= local:
        cand = (cand + datetime.timedelta(days=1)).replace(hour=hour)
    return cand.astimezone(UTC)


def test_recurring_window_now_and_later(daemon):
    hook = Receiver().start()
    try:
        ny = ZoneInfo('America/New_York')
        # an hour that is 12 hours away in New York: that window is never on during the test
        later_hour = (datetime.datetime.now(UTC).astimezone(ny).hour + 12) % 24
        base = (AUTH + 'alerting:\n  retry_initial: 200ms\n  channels:\n'
                f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                'monitors:\n' +
                monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1, interval='200ms') +
                monitor_yaml('Other', type='tcp', host='127.0.0.1', port=1, interval='200ms'))
        # every minute for two: always on
        rolling = ('  - {name: rolling patch, cron: "* * * * *", timezone: Europe/Paris,'
                   ' duration: 2m, monitors: [Svc]}\n')
        nightly = (f'  - {{name: nightly backup, cron: "0 {later_hour} * * *",'
                   ' timezone: America/New_York, duration: 1h, monitors: [other]}\n')
        d = daemon(base + 'maintenance:\n' + rolling + nightly)
        # Other is outside its window: it goes down and alerts
        wait_for(lambda: [b for b in hook.bodies() if b['monitor']['id'] == 'other'] or None,
                 what="Other's alert")
        svc = wait_for(lambda: (lambda m: m if m['status'] == 'maintenance' else None)(
            api(d, '/api/v1/monitors/svc', OPS)), what='Svc under maintenance')
        assert svc['last_result']['status'] == 'down'  # the check itself is kept as it is
        assert svc['uptime_24h'] is None                # and not counted against uptime
        assert api(d, '/api/v1/monitors/other', OPS)['status'] == 'down'
        ev = wait_for(lambda: api(d, '/api/v1/monitors/svc/events', OPS)['events'] or None,
                      what='the maintenance event')
        assert ev[0]['to'] == 'maintenance' and 'rolling patch' in ev[0]['message']
        time.sleep(1)
        assert not [b for b in hook.bodies() if b['monitor']['id'] == 'svc']  # suppressed

        now = datetime.datetime.now(UTC)
        lst = api(d, '/api/v1/maintenance', OPS)['maintenance']
        assert [w['name'] for w in lst] == ['rolling patch', 'nightly backup']
        on, off = lst
        assert on['origin'] == 'file' and on['cron'] == '* * * * *'
        assert on['timezone'] == 'Europe/Paris' and on['monitors'] == ['Svc']
        assert on['active'] is True and on['duration_seconds'] == 120
        start, end = parse_time(on['start']), parse_time(on['end'])
        assert start.second == 0 and end - start == datetime.timedelta(minutes=2)
        assert start <= now + datetime.timedelta(seconds=2) and end > now - datetime.timedelta(
            seconds=2)
        assert off['active'] is False and off['timezone'] == 'America/New_York'
        assert off['cron'] == f'0 {later_hour} * * *' and off['duration_seconds'] == 3600
        want = next_local_hour(ny, later_hour, now)
        assert parse_time(off['start']) == want, (off, want)
        assert parse_time(off['end']) == want + datetime.timedelta(hours=1)

        # the window goes away with a reload: Svc is down and alerts like any monitor
        d.write_config(base + 'maintenance:\n' + nightly)
        d.send(signal.SIGHUP)
        wait_for(lambda: [b for b in hook.bodies() if b['monitor']['id'] == 'svc'] or None,
                 what="Svc's alert after the window")
        assert [b for b in hook.bodies() if b['monitor']['id'] == 'svc'][0][
            'previous_status'] == 'maintenance'
        assert [w['name'] for w in api(d, '/api/v1/maintenance', OPS)['maintenance']] == [
            'nightly backup']
    finally:
        hook.stop()


def test_recurring_window_default_zone_is_utc(daemon):
    d = daemon(AUTH + 'maintenance:\n'
               '  - {name: sundays, cron: "30 4 * * SUN", duration: 30m}\n')
    w = api(d, '/api/v1/maintenance', OPS)['maintenance'][0]
    assert w['timezone'] == 'UTC' and w['monitors'] == []
    start = parse_time(w['start'])
    assert start.weekday() == 6 and (start.hour, start.minute) == (4, 30)
    now = datetime.datetime.now(UTC)
    assert now - datetime.timedelta(minutes=30) < start <= now + datetime.timedelta(days=7)
    assert w['active'] == (start <= now)


def test_recurring_window_config_errors(tmp_path):
    f = tmp_path / 'v.yaml'
    f.write_text('maintenance:\n'
                 '  - {name: a, cron: "0 25 * * *", timezone: Europe/Paris, duration: 1h}\n'
                 '  - {name: b, cron: "0 2 * * *", timezone: Mars/Olympus, duration: 1h}\n'
                 '  - {name: c, cron: "0 2 * * *", timezone: "../../etc/passwd", duration: 1h}\n'
                 '  - {name: d, cron: "0 2 * *", duration: 1h}\n'
                 '  - {name: e, cron: "0 2 * * *", start: "2026-12-01T02:00:00Z", duration: 1h}\n'
                 '  - {name: f, duration: 1h}\n'
                 '  - {name: g, cron: "0 2 * * FUN", duration: 1h}\n')
    r = run_cli('config', 'check', str(f))
    out = r.stdout + r.stderr
    assert r.returncode == 2, out
    for words in ['maintenance[0].cron: hour field, column 3: out of range 0-23: "25"',
                  'maintenance[1].timezone: unknown time zone "Mars/Olympus"',
                  'maintenance[2].timezone: "../../etc/passwd" is not a time zone name',
                  'maintenance[3].cron: day-of-week field missing',
                  'maintenance[4].cron: a window has either start (one-off) or cron',
                  'maintenance[5]: missing required key "start" (a one-off window) or "cron"',
                  'maintenance[6].cron: day-of-week field, column 9: not a name']:
        assert words in out, (words, out)
    f.write_text('maintenance:\n'
                 '  - {name: ok, cron: "0 2 * * SAT,SUN", timezone: Australia/Lord_Howe,'
                 ' duration: 90m}\n')
    r = run_cli('config', 'check', str(f))
    assert r.returncode == 0, r.stdout + r.stderr


def test_recurring_window_through_the_api(daemon):
    hook = Receiver().start()
    try:
        d = daemon(AUTH + 'alerting:\n  retry_initial: 200ms\n  channels:\n'
                   f'    - {{name: hook, type: webhook, url: "{hook.url}/h"}}\n'
                   'monitors:\n' +
                   monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1, interval='200ms'))
        auth = {'Authorization': f'Bearer {OPS}'}
        post = lambda body: requests.post(d.url('/api/v1/maintenance'), json=body,
                                          headers=auth, timeout=10)
        for bad, where in [
                ({'name': 'x', 'duration': '1h', 'cron': '0 25 * * *'}, '$.cron: hour field'),
                ({'name': 'x', 'duration': '1h', 'cron': 'every day'}, '$.cron'),
                ({'name': 'x', 'duration': '1h', 'cron': '0 2 * * *',
                  'timezone': 'Mars/Olympus'}, '$.timezone'),
                ({'name': 'x', 'duration': '1h', 'cron': '0 2 * * *',
                  'timezone': '../../etc/passwd'}, '$.timezone'),
                ({'name': 'x', 'duration': '1h', 'cron': '0 2 * * *',
                  'start': '2026-12-01T02:00:00Z'}, '$.start'),
                ({'name': 'x', 'duration': '1h', 'timezone': 'UTC'}, '$.timezone'),
                ({'name': 'x', 'duration': '1h', 'cron': 7}, '$.cron')]:
            r = post(bad)
            assert r.status_code == 400 and where in r.text, (bad, r.status_code, r.text)
        r = post({'name': 'rolling', 'cron': '* * * * *', 'timezone': 'Asia/Tokyo',
                  'duration': '2m', 'monitors': ['svc']})
        assert r.status_code == 201, r.text
        wid = r.json()['id']
        wait_for(lambda: api(d, '/api/v1/monitors/svc', OPS)['status'] == 'maintenance',
                 what='Svc under the API window')
        w = api(d, '/api/v1/maintenance', OPS)['maintenance'][0]
        assert w['origin'] == 'api' and w['cron'] == '* * * * *' and w['active'] is True
        assert w['timezone'] == 'Asia/Tokyo' and w['duration_seconds'] == 120
        start, end = parse_time(w['start']), parse_time(w['end'])
        assert start.second == 0 and end - start == datetime.timedelta(minutes=2)
        # it is stored: a restart keeps it recurring
        assert d.stop() == 0
        d.start()
        w = api(d, '/api/v1/maintenance', OPS)['maintenance'][0]
        assert w['cron'] == '* * * * *' and w['timezone'] == 'Asia/Tokyo', w
        wait_for(lambda: api(d, '/api/v1/monitors/svc', OPS)['status'] == 'maintenance',
                 what='Svc under the window after the restart')
        time.sleep(1)
        assert not hook.bodies()
        r = requests.delete(d.url(f'/api/v1/maintenance/{wid}'), headers=auth, timeout=10)
        assert r.status_code == 200
        wait_for(lambda: hook.bodies() or None, what='the alert once the window is gone')
    finally:
        hook.stop()
