"""`vigil check` and `vigil wait` on redis:// and postgres:// URLs (Docker HEALTHCHECK, compose)."""
import json
import subprocess

from conftest import run_cli, vigil_bin
from pgserver import PgServer
from redisserver import RedisServer


def test_redis_and_postgres_urls():
    r = RedisServer(password='hunter2-redis').start()
    pg = PgServer().start()
    try:
        out = run_cli('check', r.url(password='hunter2-redis'), '--json')
        assert out.returncode == 0, out.stdout + out.stderr
        doc = json.loads(out.stdout)
        assert doc['type'] == 'redis' and doc['status'] == 'up'
        assert 'hunter2-redis' not in out.stdout + out.stderr
        bad = run_cli('check', r.url(password='wrong'), '--json')
        assert bad.returncode == 2 and json.loads(bad.stdout)['reason'] == 'auth_failed'

        out = run_cli('check', pg.url(), '--json')
        assert out.returncode == 0, out.stdout + out.stderr
        doc = json.loads(out.stdout)
        assert doc['type'] == 'postgres' and doc['values']['server_version'] >= 150000
        assert PgServer.password not in out.stdout + out.stderr

        # wait returns once the server answers, and gives up on a port nobody serves
        w = run_cli('wait', r.url(password='hunter2-redis'), '--timeout', '10s')
        assert w.returncode == 0, w.stderr
        w = subprocess.run([vigil_bin(), 'wait', 'redis://127.0.0.1:1', '--timeout', '1s',
                            '--interval', '200ms'], capture_output=True, text=True, timeout=30)
        assert w.returncode == 2
    finally:
        r.stop()
        pg.stop()
