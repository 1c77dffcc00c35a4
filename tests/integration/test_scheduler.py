"""The scheduler: phases spread by id, the in-flight window, wall-clock jumps change nothing."""
import re
import subprocess
import time
from datetime import datetime

from conftest import api, monitor_yaml, wait_for

TOKEN = 'scheduler-test-token-012345678'
AUTH = f'auth:\n  tokens:\n    - {{name: t, token: {TOKEN}}}\n'


def first_results(d, n):
    def all_started():
        ms = api(d, '/api/v1/monitors', TOKEN)['monitors']
        return ms if len(ms) == n and all(m['last_result'] for m in ms) else None
    return wait_for(all_started, 30, what='every monitor to run once')


def ts(s):
    return datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()


def test_phases_spread_over_the_interval(daemon, targets):
    n = 100
    mons = [monitor_yaml(f'spread {i}', type='tcp', host='127.0.0.1', port=targets.banner_port,
                         interval='4s', timeout='1s') for i in range(n)]
    d = daemon(AUTH + 'monitors:\n' + ''.join(mons))
    started = sorted(ts(m['last_result']['time']) for m in first_results(d, n))
    span = started[-1] - started[0]
    assert span > 2.0, f'first checks within {span:.2f}s of each other: not spread'
    # evenly: no quarter of the interval holds more than half the monitors
    t0 = started[0]
    for q in range(4):
        inside = sum(1 for t in started if q <= (t - t0) / 1.0 < q + 1)
        assert inside < n / 2, (q, inside)


def test_in_flight_window(daemon, targets):
    mons = [monitor_yaml(f'slow {i}', type='http', url=targets.http + '/slow/500',
                         interval='1s', timeout='900ms') for i in range(6)]
    d = daemon(AUTH + 'scheduler:\n  max_in_flight: 2\nmonitors:\n' + ''.join(mons))
    seen_in_flight, seen_queued = 0, 0
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        text = d.get('/metrics').text
        seen_in_flight = max(seen_in_flight, int(re.search(
            r'^vigil_checks_in_flight (\d+)', text, re.M).group(1)))
        seen_queued = max(seen_queued, int(re.search(
            r'^vigil_checks_queued (\d+)', text, re.M).group(1)))
        time.sleep(0.05)
    assert seen_in_flight <= 2
    assert seen_queued >= 1
    text = d.get('/metrics').text
    # waiting runs show up as lag: some took longer than 100 ms to start
    count = float(re.search(r'^vigil_scheduler_lag_seconds_count (\S+)', text, re.M).group(1))
    quick = float(re.search(r'^vigil_scheduler_lag_seconds_bucket\{le="0.1"\} (\S+)',
                            text, re.M).group(1))
    assert count > quick
    # and every monitor still ran
    assert all(m['last_result'] for m in api(d, '/api/v1/monitors', TOKEN)['monitors'])


def test_wall_clock_jump_changes_nothing(daemon, targets, tmp_path):
    shim = tmp_path / 'timeshift.so'
    subprocess.run(['gcc', '-shared', '-fPIC', '-O2', '-o', str(shim),
                    str(__import__('pathlib').Path(__file__).parent / 'timeshift.c'), '-ldl'],
                   check=True)
    clock = tmp_path / 'clock'
    clock.write_text('0')
    env = {'LD_PRELOAD': str(shim), 'VIGIL_TEST_CLOCK_FILE': str(clock),
           'ASAN_OPTIONS': 'detect_leaks=1:verify_asan_link_order=0'}
    d = daemon(AUTH + 'monitors:\n' + monitor_yaml('Tick', type='tcp', host='127.0.0.1',
                                                   port=targets.banner_port, interval='200ms'),
               env=env)

    def checks():
        return api(d, '/api/v1/monitors/tick', TOKEN)['state']['checks']
    wait_for(lambda: checks() >= 3, what='a few checks')
    a = checks()
    time.sleep(1.0)
    rate_before = checks() - a
    clock.write_text(str(3 * 3600))  # the wall clock leaps three hours ahead
    time.sleep(0.2)
    a = checks()
    time.sleep(1.0)
    rate_after = checks() - a
    clock.write_text(str(-3 * 3600))  # and then six hours back
    time.sleep(0.2)
    a = checks()
    time.sleep(1.0)
    rate_back = checks() - a
    assert rate_before >= 3
    assert abs(rate_after - rate_before) <= 2 and abs(rate_back - rate_before) <= 2, \
        (rate_before, rate_after, rate_back)
