// Small helpers: free ports, bounded waits.
import net from 'node:net';

/** An error that ends a wait at once (a daemon that died will not answer later). */
export class Fatal extends Error {}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** PROMISE's value, or null when it has not settled within MS (the timer is cleared either way). */
export async function within(promise, ms) {
	let timer;
	const late = new Promise((resolve) => { timer = setTimeout(() => resolve(null), ms); });
	try {
		return await Promise.race([promise, late]);
	} finally {
		clearTimeout(timer);
	}
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.on('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

/**
 * Polls the async FN until it returns a truthy value, which it returns; throws
 * after TIMEOUT ms, saying WHAT it waited for and what FN last gave, or at
 * once when FN throws a Fatal.
 */
export async function waitFor(fn, { timeout = 10000, interval = 100, what = 'a condition' } = {}) {
	const deadline = Date.now() + timeout;
	let last;
	for (;;) {
		try {
			last = await fn();
			if (last)
				return last;
		} catch (e) {
			if (e instanceof Fatal)
				throw e;
			last = e;
		}
		if (Date.now() >= deadline)
			break;
		await sleep(interval);
	}
	const shown = last instanceof Error ? last.message : JSON.stringify(last);
	throw new Error(`timed out after ${timeout} ms waiting for ${what} (last: ${shown})`);
}
