"""`vigil top` driven in a tmux pane: keys sent, the screen captured and read."""
import os
import re
import shlex
import subprocess

import pytest

from conftest import OPS, ROLES_AUTH, VIEW, api, free_port, monitor_yaml, sanitizer_report
from conftest import vigil_bin, wait_for

TMUX = '/usr/bin/tmux'

pytestmark = pytest.mark.skipif(not os.path.exists(TMUX), reason='needs tmux')


def config(port):
    return (ROLES_AUTH + 'storage:\n  path: vigil.db\n'
            'alerting:\n  retry_initial: 10s\n  channels:\n'
            '    - {name: hook, type: webhook, url: "http://127.0.0.1:1/hook"}\n'
            'monitors:\n' +
            monitor_yaml('Self', type='http', url=f'http://127.0.0.1:{port}/health/live',
                         interval='500ms') +
            monitor_yaml('Closed port', type='tcp', host='127.0.0.1', port=1, interval='500ms',
                         timeout='300ms'))


class Pane:
    """`vigil top` in a detached tmux session of its own server (socket in the test's dir)."""

    def __init__(self, tmp, url, token, size=(100, 30), term='xterm-256color', args=()):
        self.sock = str(tmp / 'tmux.sock')
        self.err = tmp / 'top.err'
        cmd = ' '.join(['exec', 'env', f'TERM={term}', 'LANG=C.UTF-8', f'VIGIL_URL={url}',
                        f'VIGIL_TOKEN={token}', shlex.quote(vigil_bin()), 'top', '--interval',
                        '500ms', *args, '2>' + shlex.quote(str(self.err))])
        self.tmux('new-session', '-d', '-s', 'top', '-x', str(size[0]), '-y', str(size[1]), cmd)

    def tmux(self, *args, check=True):
        return subprocess.run([TMUX, '-S', self.sock, '-f', '/dev/null', *args],
                              capture_output=True, text=True, check=check, timeout=10)

    def text(self, escapes=False):
        r = self.tmux('capture-pane', '-p', *(['-e'] if escapes else []), '-t', 'top',
                      check=False)
        if r.returncode != 0:
            raise AssertionError(f'the pane is gone: {r.stderr}\n{self.stderr()}')
        return r.stdout

    def lines(self):
        return self.text().split('\n')

    def keys(self, *keys):
        self.tmux('send-keys', '-t', 'top', *keys)

    def wait(self, pred, what, timeout=15):
        last = ['']

        def check():
            last[0] = self.text()
            return pred(last[0])
        try:
            wait_for(check, timeout=timeout, interval=0.1, what=what)
            return last[0]
        except AssertionError as e:
            raise AssertionError(f'{e}\nscreen:\n{last[0]}\nstderr:\n{self.stderr()}')

    def wait_text(self, needle, timeout=15):
        return self.wait(lambda t: needle in t, f'"{needle}" on the screen', timeout)

    def alive(self):
        return self.tmux('has-session', '-t', 'top', check=False).returncode == 0

    def stderr(self):
        return self.err.read_text(errors='replace') if self.err.exists() else ''

    def close(self):
        self.tmux('kill-server', check=False)
        assert not sanitizer_report(self.stderr()), self.stderr()


@pytest.fixture
def pane(tmp_path):
    made = []

    def make(*a, **kw):
        where = tmp_path / f'p{len(made)}'
        where.mkdir()
        p = Pane(where, *a, **kw)
        made.append(p)
        return p
    yield make
    for p in made:
        p.close()


def start(daemon):
    port = free_port()
    d = daemon(config(port), port=port)
    wait_for(lambda: {m['id']: m['status'] for m in api(d, '/api/v1/monitors', VIEW)['monitors']}
             == {'self': 'up', 'closed-port': 'down'}, what='one monitor up, one down')
    wait_for(lambda: api(d, '/api/v1/alerts?state=firing', VIEW)['alerts'], what='the alert')
    return d


def row(text, name):
    """The index of the monitor row of NAME (a line starting with its state)."""
    for i, line in enumerate(text.split('\n')):
        if re.match(r'^(up|down|degraded|unknown|paused|maintenance)\s', line) and name in line:
            return i
    return None


def test_shows_moves_filters_opens_and_acknowledges(daemon, pane):
    d = start(daemon)
    p = pane(d.base, OPS)
    t = p.wait(lambda t: row(t, 'Self') is not None and 'FIRING ALERTS (1)' in t, 'the monitors')
    assert row(t, 'Closed port') < row(t, 'Self')  # down first
    assert 'CRITICAL' in t.split('\n')[0] and '1 down 0 degraded 1 up' in t
    assert 'connect_refused' in t.split('\n')[row(t, 'Closed port')]
    assert re.search(r'cpu +(-|\d+\.\d%)', t)
    # move down and open: the second monitor's detail
    p.keys('j', 'Enter')
    t = p.wait_text('Self (self)')
    p.wait(lambda t: 'RECENT RESULTS' in t and 'EVENTS (1)' in t and 'ok: HTTP 200' in t,
           'the results and events of Self')
    p.keys('Escape')
    p.wait(lambda t: row(t, 'Self') is not None, 'the list again')
    p.keys('k', 'Enter')
    p.wait(lambda t: 'Closed port (closed-port)' in t and 'connect_refused' in t
           and 'unknown -> down' in t, 'the detail of Closed port')
    p.keys('q')  # back, not out
    p.wait(lambda t: row(t, 'Self') is not None, 'the list again')
    # filter
    p.keys('/', 's', 'e', 'l', 'f')
    p.wait(lambda t: 'filter: self_' in t and row(t, 'Closed port') is None, 'filtering')
    p.keys('Enter')
    p.wait(lambda t: 'filter: self' in t and '1 shown' in t and row(t, 'Self') is not None,
           'the filter kept')
    p.keys('/', 'C-u', 'Enter')
    p.wait(lambda t: '2 shown' in t, 'the filter cleared')
    # sort
    p.keys('s')
    t = p.wait_text('sort: name')
    assert row(t, 'Closed port') < row(t, 'Self')
    p.keys('s')
    p.wait_text('sort: latency')
    # help, and back
    p.keys('?')
    p.wait_text('cycle the sort')
    p.keys('x')
    p.wait_text('sort: latency')
    # acknowledge the alert
    aid = api(d, '/api/v1/alerts?state=firing', VIEW)['alerts'][0]['id']
    p.keys('Tab', 'a')
    p.wait(lambda t: f'alert {aid} acknowledged' in t or '[acked by ops]' in t, 'the ack')
    p.wait_text('[acked by ops]')
    assert api(d, '/api/v1/alerts?state=firing', VIEW)['alerts'][0]['acked_by'] == 'ops'
    # colours follow the states
    assert re.search(r'\x1b\[(?:[0-9;]*;)?31(?:;[0-9;]*)?m', p.text(escapes=True))  # red
    p.keys('q')
    wait_for(lambda: not p.alive(), what='top to quit')
    assert p.stderr() == ''


def test_survives_the_daemon_restarting(daemon, pane):
    d = start(daemon)
    p = pane(d.base, VIEW)
    p.wait(lambda t: row(t, 'Self') is not None, 'the monitors')
    d.stop()
    t = p.wait_text('daemon unreachable')
    assert 'Connection refused' in t and 'retrying every 500ms' in t, t
    assert row(t, 'Self') is not None  # the last data stays on the screen
    d.start()
    p.wait(lambda t: 'daemon unreachable' not in t and 'sort: state' in t
           and row(t, 'Closed port') is not None, 'the recovery')
    assert p.alive()


def test_wrong_token_and_a_viewer_cannot_acknowledge(daemon, pane):
    d = start(daemon)
    p = pane(d.base, 'not-a-token-0000')
    t = p.wait_text('token refused')
    assert 'the token is wrong or lacks the viewer role' in t
    assert 'not-a-token-0000' not in t
    assert 'retrying every 30s' in t  # failed authentications are violations: slowly
    assert p.alive()
    v = pane(d.base, VIEW)
    v.wait_text('FIRING ALERTS (1)')
    v.keys('Tab', 'a')
    t = v.wait_text('cannot acknowledge')
    assert 'lacks the operator role' in t
    assert api(d, '/api/v1/alerts?state=firing', VIEW)['alerts'][0]['acked_by'] is None


def test_80x24_resize_and_no_colours(daemon, pane):
    d = start(daemon)
    p = pane(d.base, VIEW, size=(80, 24))
    t = p.wait(lambda t: row(t, 'Closed port') is not None and 'FIRING ALERTS' in t,
               'the monitors at 80x24')
    lines = t.rstrip('\n').split('\n')
    assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
    assert lines[-1].startswith(' q quit') and '? help' in lines[-1]
    p.tmux('resize-window', '-t', 'top', '-x', '60', '-y', '14')
    p.wait(lambda t: len(t.rstrip('\n').split('\n')) == 14
           and t.rstrip('\n').split('\n')[-1].startswith(' q quit'), 'the redraw at 60x14')
    p.tmux('resize-window', '-t', 'top', '-x', '120', '-y', '40')
    p.wait(lambda t: len(t.rstrip('\n').split('\n')) == 40 and row(t, 'Self') is not None,
           'the redraw at 120x40')
    assert p.alive()
    # a terminal without colours: the same screen, plain
    mono = pane(d.base, VIEW, term='vt100')
    t = mono.wait(lambda t: row(t, 'Closed port') is not None, 'the monitors on a vt100')
    assert not re.search(r'\x1b\[(?:[0-9;]*;)?3[0-7](?:;[0-9;]*)?m', mono.text(escapes=True))
