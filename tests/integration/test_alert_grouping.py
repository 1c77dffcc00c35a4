"""Grouping, correlated failure, and alert state that survives restarts, against the real
daemon: alerts that fire together go as one message; when Vigil's own network looks broken
its monitors become unknown and one alert says so; pending rule timers and an alert's own
channels outlive a restart."""
import datetime
import signal
import time

from conftest import api, monitor_yaml, wait_for
from receiver import Receiver

OPS = 'operator-token-grouping-0123'
AUTH = f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'


def hooks(*rxs):
    return ''.join(f'    - {{name: {name}, type: {kind}, url: "{rx.url}/{name}"}}\n'
                   for name, kind, rx in rxs)


def test_group_window_sends_one_message_per_channel(daemon):
    hook, chat = Receiver().start(), Receiver().start()
    try:
        d = daemon(AUTH + 'alerting:\n  group_window: 3s\n  correlation: {min_monitors: 0}\n'
                   '  channels:\n' + hooks(('hook', 'webhook', hook), ('chat', 'slack', chat)) +
                   'monitors:\n' + ''.join(
                       monitor_yaml(n, type='tcp', host='127.0.0.1', port=1, interval='300ms')
                       for n in ['Api', 'Db', 'Web']))
        group = wait_for(lambda: hook.bodies() or None, timeout=20, what='the group')[0]
        assert group['kind'] == 'group' and group['count'] == 3, group
        assert sorted(a['monitor']['id'] for a in group['alerts']) == ['api', 'db', 'web']
        assert all(a['kind'] == 'trigger' and a['status'] == 'down' for a in group['alerts'])
        assert group['idempotency_key'].startswith('vigil-group-')
        req = hook.accepted()[0]
        assert req['headers']['Idempotency-Key'] == group['idempotency_key']
        msg = wait_for(lambda: chat.bodies() or None, what='the slack group')[0]
        assert msg['text'] == '[critical] 3 alerts firing', msg
        detail = msg['blocks'][0]['text']['text']
        assert all(f'{n} is down' in detail for n in ['Api', 'Db', 'Web']), detail
        time.sleep(1)
        assert len(hook.bodies()) == 1 and len(chat.bodies()) == 1
        # each alert's notification is recorded as delivered, one row per channel and alert
        notes = api(d, '/api/v1/notifications', OPS)['notifications']
        assert len(notes) == 6 and all(n['status'] == 'delivered' for n in notes), notes
    finally:
        hook.stop()
        chat.stop()


def correlation_config(hook, port, path):
    return (AUTH + 'alerting:\n  channels_on: [hook]\n  repeat_interval: 0s\n'
            '  correlation: {window: 20s, share: 75, min_monitors: 3, hold: 10s}\n'
            '  channels:\n' + hooks(('hook', 'webhook', hook)) + 'monitors:\n' + ''.join(
                monitor_yaml(n, type='http', url=f'http://127.0.0.1:{port}{path}',
                             interval='500ms', timeout='300ms', public=True)
                for n in ['A', 'B', 'C', 'D']))


def test_correlated_network_failure_is_one_alert(daemon, targets):
    hook = Receiver().start()
    try:
        # every target hangs: timeouts everywhere, as when Vigil's own network is gone
        d = daemon(correlation_config(hook, targets.hang_port, '/'))
        body = wait_for(lambda: hook.bodies() or None, timeout=20, what='the outage alert')[0]
        assert body['kind'] == 'trigger' and body['alert']['rule'] == 'vigil.network', body
        assert body['alert']['severity'] == 'critical'
        assert "Vigil's own network/DNS looks broken" in body['message']
        wait_for(lambda: all(m['status'] == 'unknown'
                             for m in api(d, '/api/v1/monitors', OPS)['monitors']),
                 timeout=10, what='every monitor unknown')
        time.sleep(11)  # past the hold: nothing of the monitors' own goes out
        assert [b['alert']['rule'] for b in hook.bodies()] == ['vigil.network']
        # the monitors that went down before the verdict: their held alerts were suppressed
        quiet = api(d, '/api/v1/alerts?state=suppressed', OPS)['alerts']
        assert all(a['rule'] == 'down' for a in quiet)
        for a in quiet:
            notes = api(d, f'/api/v1/notifications?alert={a["id"]}', OPS)['notifications']
            assert notes and all(n['status'] == 'suppressed' for n in notes), notes
            assert all("network/DNS looks broken" in n['last_error'] for n in notes)
        # the automatic incidents of the monitors that went down first are withdrawn:
        # resolved with impact none, and the public status page shows none of them
        incs = api(d, '/api/v1/incidents', OPS)['incidents']
        assert incs  # the first monitors down opened theirs before the verdict
        assert all(i['status'] == 'resolved' and i['impact'] == 'none' for i in incs), incs
        assert d.get('/api/v1/status').json()['incidents'] == []
        # the network comes back: the outage alert resolves, no monitor says RESOLVED
        d.write_config(correlation_config(hook, targets.http.rsplit(':', 1)[1], '/ok'))
        d.send(signal.SIGHUP)
        wait_for(lambda: len(hook.bodies()) == 2, timeout=30, what='the outage resolved')
        assert hook.bodies()[1]['kind'] == 'resolve'
        assert hook.bodies()[1]['alert']['rule'] == 'vigil.network'
        wait_for(lambda: all(m['status'] == 'up'
                             for m in api(d, '/api/v1/monitors', OPS)['monitors']),
                 timeout=10, what='every monitor up')
        time.sleep(1)
        assert len(hook.bodies()) == 2, [b['alert']['rule'] for b in hook.bodies()]
        assert 'looks broken' in d.log()
    finally:
        hook.stop()


def test_lone_network_failure_is_told_after_the_hold(daemon, targets):
    hook = Receiver().start()
    try:
        ok = targets.http.rsplit(':', 1)[1]
        cfg = (AUTH + 'alerting:\n  channels_on: [hook]\n'
               '  correlation: {window: 20s, share: 75, min_monitors: 3, hold: 2s}\n'
               '  channels:\n' + hooks(('hook', 'webhook', hook)) + 'monitors:\n' +
               monitor_yaml('Slow', type='http', url=f'http://127.0.0.1:{targets.hang_port}/',
                            interval='500ms', timeout='300ms') + ''.join(
                   monitor_yaml(n, type='http', url=f'http://127.0.0.1:{ok}/ok',
                                interval='500ms')
                   for n in ['A', 'B', 'C']))
        d = daemon(cfg)
        wait_for(lambda: api(d, '/api/v1/monitors/slow', OPS)['status'] == 'down',
                 what='slow down')
        assert hook.bodies() == []  # held for the correlation verdict
        body = wait_for(lambda: hook.bodies() or None, timeout=10, what='the trigger')[0]
        assert body['monitor']['id'] == 'slow' and body['reason'] == 'timeout'
    finally:
        hook.stop()


def test_pending_rule_keeps_its_time_across_a_restart(daemon):
    hook = Receiver().start()
    try:
        cfg = (AUTH + 'host:\n  interval: 1s\nalerting:\n  channels:\n' +
               hooks(('hook', 'webhook', hook)) +
               '  rules:\n    - {name: mem, metric: host.memory.percent, op: ">", '
               'threshold: 0, for: 8s}\n')
        d = daemon(cfg)
        time.sleep(4)  # pending for a few seconds
        assert hook.bodies() == []
        d.kill9()
        restarted = time.time()
        d.start()
        body = wait_for(lambda: hook.bodies() or None, timeout=20, what='the rule')[0]
        assert body['alert']['rule'] == 'mem'
        firing = api(d, '/api/v1/alerts?state=firing', OPS)['alerts']
        started = [a for a in firing if a['rule'] == 'mem'][0]['started']
        started = datetime.datetime.fromisoformat(started.replace('Z', '+00:00')).timestamp()
        # it fired counting from before the restart, not 8 s after it
        assert started < restarted - 1, (started, restarted)
    finally:
        hook.stop()


def test_own_channels_outlive_a_restart(daemon):
    hook, pager = Receiver().start(), Receiver().start()
    try:
        cfg = (AUTH + 'alerting:\n  channels_on: [hook]\n  repeat_interval: 2s\n  channels:\n' +
               hooks(('hook', 'webhook', hook), ('pager', 'webhook', pager)) + 'monitors:\n' +
               monitor_yaml('Svc', type='tcp', host='127.0.0.1', port=1, interval='300ms',
                            alerts={'channels': ['pager']}))
        d = daemon(cfg)
        wait_for(lambda: pager.bodies() or None, what='the trigger')
        d.stop()
        before = len(pager.bodies())
        d.start()
        wait_for(lambda: [b for b in pager.bodies()[before:] if b['kind'] == 'repeat'] or None,
                 timeout=15, what='a reminder after the restart')
        assert hook.bodies() == []  # never to the default channels
    finally:
        hook.stop()
        pager.stop()
