"""A notification receiver for tests: records what it is sent and answers as told."""
import http.server
import json
import socketserver
import threading
import time


class Receiver:
    """Listens on 127.0.0.1:PORT; MODE is 'ok', a status code (500, 404...), or 'hang'."""

    def __init__(self, port=0):
        self.requests = []
        self.mode = 'ok'
        self.retry_after = None
        self.lock = threading.Lock()
        self.port = port
        self.server = None
        self.thread = None

    def start(self):
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get('Content-Length', 0)))
                with outer.lock:
                    mode, retry = outer.mode, outer.retry_after
                    outer.requests.append({'method': self.command, 'path': self.path,
                                           'headers': dict(self.headers), 'body': body,
                                           'mode': mode, 'time': time.time()})
                if mode == 'hang':
                    time.sleep(30)
                    return
                if mode == 'alternate':  # 200, 500, 200, 500...
                    with outer.lock:
                        outer.flip = not getattr(outer, 'flip', False)
                        status = 200 if outer.flip else 500
                else:
                    status = 200 if mode == 'ok' else int(mode)
                self.send_response(status)
                if retry is not None:
                    self.send_header('Retry-After', str(retry))
                self.send_header('Content-Length', '2')
                self.end_headers()
                self.wfile.write(b'ok')

            do_PUT = do_POST
            do_GET = do_POST

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(('127.0.0.1', self.port), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return f'http://127.0.0.1:{self.port}'

    def bodies(self, mode='ok'):
        """JSON bodies of the requests answered in MODE."""
        with self.lock:
            return [json.loads(r['body']) for r in self.requests if r['mode'] == mode]

    def accepted(self):
        with self.lock:
            return [r for r in self.requests if r['mode'] == 'ok']
