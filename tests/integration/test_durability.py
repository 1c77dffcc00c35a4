"""kill -9 at random moments under sustained writes: the database stays intact and
every batch the daemon reported committed is there after restart."""
import random
import sqlite3
import time

from test_lifecycle import committed_seqs

KILLS = 20


def test_kill9_loses_nothing_committed(daemon):
    rng = random.Random(20261124)
    d = daemon('storage:\n  commit_interval: 50ms\n', env={'VIGIL_TEST_STORE_LOAD': '5000'},
               start=False)
    db_path = d.dir / 'vigil.db'
    checked = 0
    for i in range(KILLS):
        d.start()
        time.sleep(rng.uniform(0.2, 1.2))
        d.kill9()
        first, last = committed_seqs(d.log())
        db = sqlite3.connect(db_path)
        assert db.execute('PRAGMA integrity_check').fetchone()[0] == 'ok'
        if last is not None:
            n = db.execute('SELECT count(*) FROM store_selftest WHERE seq BETWEEN ? AND ?',
                           (first, last)).fetchone()[0]
            assert n == last - first + 1, f'kill {i}: {n} rows of {last - first + 1} committed'
            checked += 1
        runs = db.execute('SELECT count(*), sum(stopped_at IS NULL) FROM daemon_runs').fetchone()
        assert runs == (i + 1, i + 1)  # every run recorded, none stopped cleanly
        db.close()
    assert checked >= KILLS // 2, 'too few kills landed after a commit to prove anything'
    d.start()
    assert d.stop() == 0
