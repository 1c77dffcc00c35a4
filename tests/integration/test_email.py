"""The email channel against a real SMTP server (Debian's python3-aiosmtpd)."""
import email
import email.policy
import signal
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import api, free_port, monitor_yaml, run_cli, wait_for

OPS = 'operator-token-email-01234'
PASSWORD = 'SMTPSECRET-77aa'


class Box:
    """Accepts, defers (451) or refuses (550) messages; keeps what it accepted."""

    def __init__(self):
        self.mode = '250 OK'
        self.messages = []
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        if self.mode.startswith('250'):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos),
                                  email.message_from_bytes(envelope.content,
                                                           policy=email.policy.default)))
        return self.mode


def authenticator(box):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.password == PASSWORD.encode()
        box.logins.append((mechanism, ok))
        return AuthResult(success=ok)
    return check


def start(box):
    port = free_port()
    c = Controller(box, hostname='127.0.0.1', port=port, authenticator=authenticator(box),
                   auth_require_tls=False)
    c.start()
    return c, port


def config(port, target):
    return (f'auth:\n  tokens:\n    - {{name: ops, token: {OPS}, role: operator}}\n'
            'alerting:\n  retry_initial: 200ms\n  retry_max: 1s\n  channels:\n'
            f'    - {{name: mail, type: email, url: "smtp://127.0.0.1:{port}", '
            'from: "Vigil <vigil@example.com>", to: "ops@example.com, lead@example.com", '
            f'username: vigil, password: "{PASSWORD}"}}\n'
            'monitors:\n' + monitor_yaml('Checkout', type='tcp', host='127.0.0.1', port=target,
                                         interval='200ms', timeout='150ms'))


def test_email_trigger_and_resolve(daemon, targets):
    box = Box()
    ctl, port = start(box)
    try:
        d = daemon(config(port, 1))
        wait_for(lambda: box.messages, what='the alert e-mail')
        sender, rcpts, msg = box.messages[0]
        assert sender == 'Vigil <vigil@example.com>' or 'vigil@example.com' in sender
        assert sorted(rcpts) == ['lead@example.com', 'ops@example.com']
        assert msg['Subject'] == '[critical] Checkout is down'
        assert msg.get_content_type() == 'multipart/alternative'
        parts = {p.get_content_type(): p.get_content() for p in msg.iter_parts()}
        assert 'connect_refused' in parts['text/plain'] and '<h2' in parts['text/html']
        assert box.logins and box.logins[0][1]  # logged in with the password
        d.write_config(config(port, targets.banner_port))
        d.send(signal.SIGHUP)
        wait_for(lambda: len(box.messages) == 2, what='the resolution e-mail')
        assert box.messages[1][2]['Subject'] == '[critical] Checkout is up'
        assert PASSWORD not in d.log()
        assert PASSWORD not in d.get('/api/v1/notifications',
                                     headers={'Authorization': f'Bearer {OPS}'}).text
    finally:
        ctl.stop()


def test_smtp_4xx_is_retried_5xx_is_not(daemon):
    box = Box()
    ctl, port = start(box)
    try:
        box.mode = '451 4.3.0 try later'
        d = daemon(config(port, 1))
        wait_for(lambda: 'trying again' in d.log(), what='a deferred attempt')
        box.mode = '250 OK'
        wait_for(lambda: box.messages, what='delivery after the 451')
        # a refusal is final
        box.mode = '550 5.7.1 no'
        d2 = daemon(config(port, 2))
        n = wait_for(lambda: api(d2, '/api/v1/notifications?status=failed', OPS)
                     ['notifications'] or None, what='the refusal recorded')
        assert n[0]['attempts'] == 1 and 'SMTP 550' in n[0]['last_error']
    finally:
        ctl.stop()


def test_notify_test_email(tmp_path):
    box = Box()
    ctl, port = start(box)
    try:
        f = tmp_path / 'v.yaml'
        f.write_text(config(port, 1))
        r = run_cli('notify', 'test', 'mail', '-c', str(f))
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.startswith('mail: SMTP 250')
        assert 'Vigil test message' in box.messages[0][2]['Subject']
    finally:
        ctl.stop()
