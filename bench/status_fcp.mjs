// First contentful paint of a status page in Debian's Chromium on loopback,
// through playwright-core (tests/browser/node_modules: run tests/browser/run.sh
// once first). Prints the median of ROUNDS fresh page loads in milliseconds.
//
//   node bench/status_fcp.mjs URL [ROUNDS]
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const url = process.argv[2];
const rounds = Number(process.argv[3] || 7);
const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
		'--disable-component-update', '--disable-sync', '--no-first-run'],
});
const times = [];
try {
	for (let i = 0; i < rounds; i++) {
		const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
		const page = await context.newPage();
		await page.goto(url, { waitUntil: 'load' });
		const fcp = await page.evaluate(() => new Promise((resolve) => {
			const seen = performance.getEntriesByName('first-contentful-paint');
			if (seen.length) return resolve(seen[0].startTime);
			new PerformanceObserver((list) => resolve(list.getEntries()[0].startTime))
				.observe({ type: 'paint', buffered: true });
		}));
		times.push(fcp);
		await context.close();
	}
} finally {
	await browser.close();
}
times.sort((a, b) => a - b);
console.log(`FCP|${times[Math.floor(times.length / 2)].toFixed(1)}|${times.map((t) => t.toFixed(1)).join(',')}`);
