// The monitors' targets: one HTTP server on 127.0.0.1 whose answer is chosen
// per path and can be switched while the test runs.
import http from 'node:http';

export const SLOW_MS = 1500; /* "slow" answers after this; monitors call > 500 ms degraded */

export class Targets {
	constructor() {
		this.modes = new Map(); /* path -> ok | slow | 500 | hang */
		this.sockets = new Set();
		this.timers = new Set();
		this.hits = new Map();
		this.server = http.createServer((req, res) => this.answer(req, res));
		this.server.on('connection', (s) => {
			this.sockets.add(s);
			s.on('close', () => this.sockets.delete(s));
		});
	}

	/** PATH answers MODE from now on. */
	set(path, mode) {
		if (!['ok', 'slow', '500', 'hang'].includes(mode))
			throw new Error(`unknown target mode ${mode}`);
		this.modes.set(path, mode);
	}

	answer(req, res) {
		const path = req.url.split('?')[0];
		const mode = this.modes.get(path);
		this.hits.set(path, (this.hits.get(path) || 0) + 1);
		const send = (status, body) => {
			res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
			res.end(body);
		};
		if (mode === 'ok')
			send(200, 'ok\n');
		else if (mode === '500')
			send(500, 'broken\n');
		else if (mode === 'slow') {
			const t = setTimeout(() => {
				this.timers.delete(t);
				if (!res.destroyed)
					send(200, 'ok, slowly\n');
			}, SLOW_MS);
			this.timers.add(t);
		} else if (mode === 'hang')
			; /* never answers: the monitor's timeout ends it */
		else
			send(404, 'no such target\n');
	}

	start() {
		return new Promise((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(0, '127.0.0.1', () => {
				this.port = this.server.address().port;
				resolve(this);
			});
		});
	}

	url(path) {
		return `http://127.0.0.1:${this.port}${path}`;
	}

	stop() {
		for (const t of this.timers)
			clearTimeout(t);
		this.timers.clear();
		for (const s of this.sockets)
			s.destroy();
		return new Promise((resolve) => this.server.close(() => resolve()));
	}
}
