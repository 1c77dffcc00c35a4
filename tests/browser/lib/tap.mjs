// A tiny TAP producer: each test is one line, `ok N - name`, `not ok N - name`
// or `ok N - name # SKIP why`, with its diagnostics as `# ...` lines.

export class Skip extends Error {}

/** Throws unless COND holds; MSG says what was expected. */
export function check(cond, msg) {
	if (!cond)
		throw new Error(msg);
}

/** Throws unless A and B are equal (compared as JSON). */
export function same(a, b, what) {
	const ja = JSON.stringify(a), jb = JSON.stringify(b);
	if (ja !== jb)
		throw new Error(`${what}: got ${ja}, expected ${jb}`);
}

export class Tap {
	constructor() {
		this.n = 0;
		this.failed = 0;
	}

	diag(text) {
		for (const line of String(text).split('\n'))
			process.stdout.write(`# ${line}\n`);
	}

	/** Runs FN as test NAME; a Skip thrown from it is a TAP skip. */
	async test(name, fn) {
		const n = ++this.n;
		const t0 = Date.now();
		try {
			await fn();
			this.diag(`${Date.now() - t0} ms`);
			process.stdout.write(`ok ${n} - ${name}\n`);
		} catch (e) {
			if (e instanceof Skip) {
				process.stdout.write(`ok ${n} - ${name} # SKIP ${e.message}\n`);
				return;
			}
			this.failed++;
			this.diag(`${Date.now() - t0} ms`);
			process.stdout.write(`not ok ${n} - ${name}\n`);
			this.diag(e && e.stack ? e.stack : String(e));
		}
	}

	/** A failure found outside any test (setup, teardown). */
	fail(name, text) {
		const n = ++this.n;
		this.failed++;
		process.stdout.write(`not ok ${n} - ${name}\n`);
		if (text)
			this.diag(text);
	}

	end() {
		process.stdout.write(`1..${this.n}\n`);
	}
}
