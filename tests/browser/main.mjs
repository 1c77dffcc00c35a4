// Vigil's browser tests: one TAP stream for scripts/run-tests. Starts its own
// loopback targets, daemons and Chromium, and stops all of them at the end.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { launch } from './lib/browser.mjs';
import { ROOT, sanitizerReport } from './lib/daemon.mjs';
import { Tap } from './lib/tap.mjs';
import { Targets } from './lib/targets.mjs';
import { testDashboard } from './dashboard.test.mjs';
import * as status from './status.test.mjs';
import { testXss } from './xss.test.mjs';

const tap = new Tap();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-browser-'));
const artifacts = path.resolve(process.env.VIGIL_ARTIFACTS || path.join(ROOT, 'build-asan', 'browser-artifacts'));
fs.mkdirSync(artifacts, { recursive: true });

const world = { tmp, artifacts, daemons: [], cliLogs: [] };
const stoppers = [];
let setupError = null;

try {
	world.targets = await new Targets().start();
	stoppers.push(() => world.targets.stop());
	world.browser = await launch();
	stoppers.push(() => world.browser.close());
	const t0 = Date.now();
	await status.setup(world, path.join(tmp, 'status'));
	tap.diag(`set up in ${Date.now() - t0} ms`);
} catch (e) {
	setupError = e;
}

const tests = [
	['the page renders at 1280x800 and 375x812 without errors, failed requests or overflow', status.testRenders],
	['the banner and each component\'s state on screen match /api/v1/status', status.testStatesMatch],
	['live refresh: a component\'s state changes on screen without a reload', status.testLiveRefresh],
	['without JavaScript the page is complete', status.testWithoutJs],
	['layout compact: bars, uptimes, live refresh and the component pages', status.testCompact],
	['XSS corpus: no script runs, no dialog opens, payloads show as text', testXss],
	['dashboard', testDashboard],
];
let told = false;
for (const [name, fn] of tests)
	await tap.test(name, async () => {
		if (setupError && told)
			throw new Error('setup failed (see above)');
		if (setupError) {
			told = true;
			throw new Error(`setup failed: ${setupError.stack || setupError}`);
		}
		await fn(world, tap);
	});

// teardown: every daemon stopped; its log, and the CLI runs' output, free of sanitizer reports
const t1 = Date.now();
const problems = [];
for (const d of world.daemons)
	problems.push(...await d.stop());
const cli = world.cliLogs.filter(([, out]) => sanitizerReport(out));
if (cli.length)
	problems.push(`sanitizer report from ${cli.length} CLI runs, the first ${cli[0][0]}: ${sanitizerReport(cli[0][1])}`);
for (const stop of stoppers.reverse())
	await stop().catch((e) => problems.push(`teardown: ${e.message}`));
tap.diag(`stopped in ${Date.now() - t1} ms`);
if (problems.length)
	tap.fail('daemons stop cleanly, without sanitizer reports', problems.join('\n'));
else
	await tap.test('daemons stop cleanly, without sanitizer reports', () => {});
tap.end();
if (tap.failed === 0)
	fs.rmSync(tmp, { recursive: true, force: true });
else
	tap.diag(`daemon directories and logs kept in ${tmp}; screenshots in ${artifacts}`);
process.exitCode = tap.failed ? 1 : 0;
