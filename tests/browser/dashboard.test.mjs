// The operators' dashboard: enter a token, acknowledge a firing alert, see it
// acknowledged (on the page and through the API). Skipped while /dashboard
// does not exist.
import { watch } from './lib/browser.mjs';
import { check, Skip } from './lib/tap.mjs';
import { waitFor } from './lib/util.mjs';
import { OPS, VIEW } from './status.test.mjs';

/* 6 */
export async function testDashboard({ browser, daemon: d }) {
	const probe = await d.request('GET', '/dashboard');
	await probe.arrayBuffer();
	if (probe.status !== 200)
		throw new Skip('not built yet');
	// Payments is critical and down: its alert is firing, not acknowledged
	const alert = await waitFor(async () => (await d.json('/api/v1/alerts?state=firing', VIEW)).alerts
		.find((a) => a.monitor === 'payments' && !a.acked_by), { timeout: 15000, what: 'the firing alert of payments' });
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	try {
		const page = await ctx.newPage();
		/* dashboard.js answers a 304 from its cache without reading it: Chromium cancels those (harmless) */
		const w = watch(page);
		const acks = [];
		page.on('request', (r) => {
			if (r.method() === 'POST' && r.url().includes(`/api/v1/alerts/${alert.id}/ack`))
				acks.push(r.headers());
		});
		await page.goto(d.url('/dashboard'), { waitUntil: 'load' });
		// the token, entered once
		const input = page.locator('input[type="password"], input[name="token"], input#token').first();
		await input.fill(OPS, { timeout: 10000 });
		await input.press('Enter');
		await waitFor(() => page.evaluate((t) => Object.keys(sessionStorage).some((k) => sessionStorage.getItem(k) === t), OPS),
			{ timeout: 10000, what: 'the token in sessionStorage' });
		// the alert's row and its button
		const rows = () => page.locator('tr').filter({ hasText: /payments/i });
		await rows().getByRole('button', { name: /^ack/i }).first().click({ timeout: 15000 });
		await waitFor(async () => {
			for (const text of await rows().allInnerTexts())
				if (/acknowledged/i.test(text) && /\bops\b/.test(text))
					return true;
			return false;
		}, { timeout: 10000, what: 'the alert to show as acknowledged by ops on the dashboard' });
		const after = await waitFor(async () => (await d.json('/api/v1/alerts?state=firing', VIEW)).alerts
			.find((a) => a.id === alert.id && a.acked_by), { timeout: 10000, what: 'the alert acknowledged through the API' });
		check(after.acked_by === 'ops', `acknowledged by ${after.acked_by}, expected the token's name, ops`);
		check(acks.length === 1, `${acks.length} acknowledge requests were sent`);
		check(acks[0].authorization === `Bearer ${OPS}`, 'the acknowledge request did not carry the token as a bearer header');
		check(!acks[0].cookie, 'the acknowledge request carried a cookie');
		check((await ctx.cookies()).length === 0, 'the dashboard set cookies');
		w.stop();
		check(w.problems.length === 0, w.problems.join('\n'));
		// after a reload in the same tab (which aborts the old page's requests: watched anew)
		// the token is still there (sessionStorage) and the alert still acknowledged
		await page.reload({ waitUntil: 'load' });
		const w2 = watch(page);
		await waitFor(async () => (await rows().allInnerTexts()).some((t) => /acknowledged/i.test(t) && /\bops\b/.test(t)),
			{ timeout: 10000, what: 'the dashboard to show the alert acknowledged by ops after a reload' });
		check(await page.locator('#token').isHidden() || !(await page.locator('#login').isVisible()),
			'the dashboard asks for the token again after a reload');
		w2.stop();
		check(w2.problems.length === 0, `after the reload: ${w2.problems.join('\n')}`);
	} finally {
		await ctx.close();
	}
}
