// A real `vigil serve` in its own temporary directory on a free loopback
// port, its output in a log that is checked for sanitizer reports at the end.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Fatal, freePort, sleep, within } from './util.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SANITIZER_MARKERS = ['ERROR: AddressSanitizer', 'ERROR: LeakSanitizer',
	'runtime error:', 'SUMMARY: UndefinedBehaviorSanitizer'];

/** A sanitizer report in TEXT, shortened to its first lines and frames; null when none. */
export function sanitizerReport(text) {
	const at = Math.min(...SANITIZER_MARKERS.map((m) => text.indexOf(m)).filter((i) => i >= 0));
	if (!Number.isFinite(at))
		return null;
	const summary = text.match(/^SUMMARY: .*$/m);
	const lines = text.slice(at).split('\n').filter((l) => /\S/.test(l) && !/^\s+0x|Shadow|^=+$/.test(l));
	return `${summary ? summary[0] : ''}\n${lines.slice(0, 24).join('\n')}`;
}

/** The binary under test: $VIGIL_BIN, else build-asan/vigil, else build/vigil. */
export function vigilBin() {
	if (process.env.VIGIL_BIN)
		return path.resolve(process.env.VIGIL_BIN);
	for (const cand of ['build-asan/vigil', 'build/vigil'])
		if (fs.existsSync(path.join(ROOT, cand)))
			return path.join(ROOT, cand);
	throw new Error('no vigil binary: run make test, or set VIGIL_BIN');
}

/** Runs `vigil ARGS...` to completion (bounded); returns {status, stdout, stderr}. */
export function runCli(args, { cwd, timeout = 30000 } = {}) {
	const r = spawnSync(vigilBin(), args, { cwd, encoding: 'utf8', timeout,
		env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
	return { status: r.status, signal: r.signal, stdout: r.stdout || '', stderr: r.stderr || '' };
}

const live = new Set(); /* daemons to kill if the run dies half-way */
function killAll() {
	for (const d of live)
		try {
			d.proc.kill('SIGKILL');
		} catch {
			/* gone already */
		}
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
	process.once(sig, () => {
		killAll();
		process.exit(1);
	});

export class Daemon {
	/** DIR: its own directory (made here); CONFIG: the YAML text. */
	constructor(dir, config, { name = 'vigil' } = {}) {
		this.dir = dir;
		fs.mkdirSync(dir, { recursive: true });
		this.name = name;
		this.configPath = path.join(dir, `${name}.yaml`);
		this.logPath = path.join(dir, `${name}.log`);
		this.writeConfig(config);
	}

	writeConfig(config) {
		this.config = config;
		fs.writeFileSync(this.configPath, config);
	}

	async start({ ready = true } = {}) {
		this.port = await freePort();
		this.base = `http://127.0.0.1:${this.port}`;
		const log = fs.openSync(this.logPath, 'a');
		this.proc = spawn(vigilBin(), ['serve', '-c', this.configPath], {
			cwd: this.dir,
			env: { ...process.env, VIGIL_LISTEN: `127.0.0.1:${this.port}` },
			stdio: ['ignore', log, log],
		});
		fs.closeSync(log);
		this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
			live.delete(this);
			resolve({ code, signal });
		}));
		this.exit = null;
		this.exited.then((e) => { this.exit = e; });
		live.add(this);
		if (ready)
			await this.waitReady();
		return this;
	}

	async waitReady(timeout = 20000) {
		const deadline = Date.now() + timeout;
		let last = null;
		for (;;) {
			if (this.exit)
				throw new Error(`vigil exited (${JSON.stringify(this.exit)}):\n${this.log().slice(0, 3000)}`);
			try {
				const r = await fetch(this.url('/health/live'), { signal: AbortSignal.timeout(1000) });
				if (r.status === 200)
					return;
				last = `HTTP ${r.status}`;
			} catch (e) {
				last = e.message;
			}
			if (Date.now() >= deadline)
				throw new Error(`vigil did not answer /health/live within ${timeout} ms (last: ${last})`);
			await sleep(100);
		}
	}

	url(p) {
		return this.base + p;
	}

	/** A request to the daemon: METHOD PATH with an optional bearer TOKEN and JSON BODY. */
	async request(method, p, { token, body, timeout = 10000 } = {}) {
		if (this.exit)
			throw new Fatal(`${this.name} has exited (${JSON.stringify(this.exit)}): ${sanitizerReport(this.log()) || this.log().slice(0, 2000)}`);
		const headers = {};
		if (token)
			headers.Authorization = `Bearer ${token}`;
		if (body !== undefined)
			headers['Content-Type'] = 'application/json';
		try {
			return await fetch(this.url(p), { method, headers, signal: AbortSignal.timeout(timeout),
				body: body === undefined ? undefined : JSON.stringify(body) });
		} catch (e) {
			/* a daemon that crashed under the request: say so, with its report */
			const exit = this.proc ? await within(this.exited, 1000) : null;
			if (exit)
				throw new Fatal(`${method} ${p}: ${this.name} died (${JSON.stringify(exit)}): ${sanitizerReport(this.log()) || this.log().slice(-2000)}`);
			throw new Error(`${method} ${p}: ${e.message}${e.cause ? ` (${e.cause.message || e.cause})` : ''}`);
		}
	}

	/** GET PATH as JSON, asserting 200. */
	async json(p, token) {
		const r = await this.request('GET', p, { token });
		const text = await r.text();
		if (r.status !== 200)
			throw new Error(`GET ${p}: ${r.status} ${text.slice(0, 300)}`);
		return JSON.parse(text);
	}

	/** POST BODY to PATH, asserting a 2xx; returns the decoded answer. */
	async post(p, body, token) {
		const r = await this.request('POST', p, { token, body });
		const text = await r.text();
		if (r.status < 200 || r.status > 299)
			throw new Error(`POST ${p}: ${r.status} ${text.slice(0, 500)}`);
		return text ? JSON.parse(text) : null;
	}

	log() {
		try {
			return fs.readFileSync(this.logPath, 'utf8');
		} catch {
			return '';
		}
	}

	/**
	 * Stops it with SIGTERM (SIGKILL after TIMEOUT ms) and returns the problems
	 * seen: an unclean exit, a sanitizer report in its log.
	 */
	async stop(timeout = 15000) {
		const problems = [];
		if (this.proc && !this.exit) {
			this.proc.kill('SIGTERM');
			const done = await within(this.exited, timeout);
			if (!done) {
				this.proc.kill('SIGKILL');
				await this.exited;
				problems.push(`${this.name} did not stop within ${timeout} ms of SIGTERM`);
			} else if (done.code !== 0) {
				problems.push(`${this.name} exited with ${JSON.stringify(done)} after SIGTERM`);
			}
		}
		const report = sanitizerReport(this.log());
		if (report)
			problems.push(`sanitizer report in ${this.logPath}: ${report}`);
		return problems;
	}
}
