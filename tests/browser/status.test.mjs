// The status page of a daemon whose monitors are up, degraded, down (a
// critical one: a major outage with its automatic incident), under
// maintenance, with an operator's incident: rendering, states, live refresh
// and the page without JavaScript.
import fs from 'node:fs';
import path from 'node:path';

import { isPoll, watch } from './lib/browser.mjs';
import { Daemon } from './lib/daemon.mjs';
import { readScreen, screenDiff, stateKey, STATE_LABELS } from './lib/page.mjs';
import { check } from './lib/tap.mjs';
import { sleep, waitFor } from './lib/util.mjs';

export const VIEW = 'viewer-token-browser-0123456789';
export const OPS = 'operator-token-browser-0123456789';
export const AUTH = 'auth:\n  tokens:\n'
	+ `    - {name: view, token: ${VIEW}}\n`
	+ `    - {name: ops, token: ${OPS}, role: operator}\n`
	+ 'security:\n  targets: {allow: ["127.0.0.0/8"]}\n';
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="32" height="32">'
	+ '<rect width="32" height="32" rx="6" fill="#1d4ed8"/></svg>';

/** One monitors list item as YAML (values JSON-encoded, which YAML reads). */
export function monitorYaml(name, keys) {
	let s = `  - name: ${JSON.stringify(name)}\n`;
	for (const [k, v] of Object.entries(keys))
		s += `    ${k}: ${JSON.stringify(v)}\n`;
	return s;
}

/* The monitors: id -> [name, target path, first mode, extra keys]; every one but internal-db public. */
const MONITORS = {
	website: ['Website', '/web', 'ok', { group: 'Frontend', interval: '300ms' }],
	api: ['API', '/api', 'slow', { group: 'Frontend', interval: '3s', timeout: '2900ms',
		degraded_if: ['[RESPONSE_TIME] > 500ms'] }],
	payments: ['Payments', '/pay', '500', { group: 'Backend', interval: '500ms', critical: true }],
	search: ['Search', '/search', 'ok', { group: 'Backend', interval: '500ms' }],
	docs: ['Docs', '/docs', 'ok', { interval: '500ms' }],
	'internal-db': ['Internal DB', '/internal', 'ok', { interval: '500ms', public: false }],
};
const WANT = { website: 'operational', api: 'degraded_performance', payments: 'major_outage',
	search: 'under_maintenance', docs: 'operational' };
export const INCIDENT = { title: 'Checkout is slow for some customers', impact: 'minor',
	monitors: ['api'], message: 'We are looking into reports of slow checkouts.' };
export const INCIDENT_UPDATE = { status: 'identified',
	message: 'A slow database query; a fix is rolling out.' };

function config(targets, dir, layout = 'auto') {
	const logo = path.join(dir, 'logo.svg');
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(logo, LOGO);
	let y = AUTH + 'status_page:\n  title: "Acme Status"\n'
		+ '  description: "How the Acme shop and its API are doing"\n'
		+ `  logo: ${JSON.stringify(logo)}\n  refresh: 1s\n  layout: ${layout}\n`
		+ `maintenance:\n  - {name: "Search index rebuild", start: "${new Date(Date.now() - 3600e3).toISOString()}", `
		+ 'duration: 29d, monitors: [search]}\n'
		+ 'monitors:\n';
	for (const [name, p, , keys] of Object.values(MONITORS))
		y += monitorYaml(name, { type: 'http', url: targets.url(p), public: true, ...keys });
	return y;
}

/**
 * Starts the daemon of these tests (in WORLD.daemons, to be stopped) and waits
 * until every state is there; sets WORLD.daemon and WORLD.incidentId.
 */
export async function setup(world, dir) {
	const { targets } = world;
	for (const [, p, mode] of Object.values(MONITORS))
		targets.set(p, mode);
	const d = new Daemon(dir, config(targets, dir));
	world.daemons.push(d);
	world.daemon = d;
	await d.start();
	await waitFor(async () => {
		const doc = await d.json('/api/v1/status');
		const got = Object.fromEntries(doc.components.map((c) => [c.id, c.status]));
		return JSON.stringify(got) === JSON.stringify(WANT) && doc.incidents.length > 0 ? doc : null;
	}, { timeout: 30000, what: `the components in their states ${JSON.stringify(WANT)} and the automatic incident` });
	const made = await d.post('/api/v1/incidents', INCIDENT, OPS);
	await d.post(`/api/v1/incidents/${made.id}/updates`, INCIDENT_UPDATE, OPS);
	await waitFor(async () => {
		const doc = await d.json('/api/v1/status');
		const inc = doc.incidents.find((i) => i.title === INCIDENT.title);
		return inc && inc.updates.length === 2;
	}, { timeout: 15000, what: 'the operator\'s incident and its update on /api/v1/status' });
	world.incidentId = Number(made.id);
}

/** Reads the screen and the API until two API reads around the screen agree; returns the differences. */
async function compare(page, d) {
	let last;
	for (let i = 0; i < 10; i++) {
		const before = await d.json('/api/v1/status');
		const screen = await readScreen(page);
		const after = await d.json('/api/v1/status');
		last = { screen, doc: after };
		if (stateKey(before) === stateKey(after))
			return { diff: screenDiff(screen, after), screen, doc: after };
		await sleep(300);
	}
	return { diff: screenDiff(last.screen, last.doc), ...last };
}

/* 1: renders at two sizes without errors; screenshots; nothing overflows on a phone. */
export async function testRenders({ browser, daemon: d, artifacts }) {
	const sizes = [
		['desktop', { width: 1280, height: 800 }, {}],
		['mobile', { width: 375, height: 812 }, { isMobile: true, hasTouch: true }],
	];
	const problems = [];
	for (const [label, viewport, extra] of sizes) {
		const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1, ...extra });
		try {
			const page = await ctx.newPage();
			const w = watch(page);
			const polled = page.waitForResponse((r) => isPoll(r), { timeout: 15000 });
			const resp = await page.goto(d.url('/status'), { waitUntil: 'load' });
			check(resp.status() === 200, `GET /status answered ${resp.status()}`);
			await polled.catch(() => problems.push(`${label}: status.js did not poll /api/v1/status(/summary) within 15 s`));
			await page.screenshot({ path: path.join(artifacts, `status-${label}.png`), fullPage: true });
			const wide = await page.evaluate(() => {
				const de = document.documentElement;
				const over = [...document.querySelectorAll('body *')]
					.filter((el) => el.getBoundingClientRect().right > de.clientWidth + 0.5)
					.slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.className.baseVal ?? el.className}"> right=${Math.round(el.getBoundingClientRect().right)}`);
				return { scroll: de.scrollWidth, client: de.clientWidth, over };
			});
			if (label === 'mobile' && wide.scroll > wide.client)
				problems.push(`mobile (375 px): the page overflows horizontally: scrollWidth ${wide.scroll} > clientWidth ${wide.client}; ${wide.over.join('; ')}`);
			if (label === 'mobile') { /* docs/status-page.md: nothing overflows at 320 px either */
				await page.setViewportSize({ width: 320, height: 640 });
				const narrow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
				if (narrow[0] > narrow[1])
					problems.push(`320 px: the page overflows horizontally: scrollWidth ${narrow[0]} > clientWidth ${narrow[1]}`);
			}
			w.stop();
			problems.push(...w.problems.map((p) => `${label}: ${p}`));
		} finally {
			await ctx.close();
		}
	}
	check(problems.length === 0, problems.join('\n'));
}

/* 2: the banner and every component's state on screen are those of GET /api/v1/status. */
export async function testStatesMatch({ browser, daemon: d }) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	try {
		const page = await ctx.newPage();
		const w = watch(page);
		await page.goto(d.url('/status'), { waitUntil: 'load' });
		const { diff, doc } = await compare(page, d);
		check(diff.length === 0, diff.join('\n'));
		// the mix the daemon was set up with is what was compared
		const states = new Set(doc.components.map((c) => c.status));
		for (const s of Object.values(WANT))
			check(states.has(s), `no component is ${s} on /api/v1/status: ${JSON.stringify(doc.components.map((c) => [c.id, c.status]))}`);
		check(doc.status.description === 'Major Outage', `banner ${doc.status.description}, expected Major Outage (Payments is critical and down)`);
		check(!doc.components.some((c) => c.id === 'internal-db'), 'a monitor that is not public is on /api/v1/status');
		check(!(await page.content()).includes('Internal DB'), 'a monitor that is not public is on /status');
		w.stop();
		check(w.problems.length === 0, w.problems.join('\n'));
	} finally {
		await ctx.close();
	}
}

/* 3: a target breaks and recovers; the component's state follows on screen without a reload. */
export async function testLiveRefresh({ browser, daemon: d, targets }) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	try {
		const page = await ctx.newPage();
		const w = watch(page);
		await page.goto(d.url('/status'), { waitUntil: 'load' });
		check(await page.evaluate(() => document.body.dataset.refresh) === '1000',
			'the page does not say it refreshes every 1000 ms (body data-refresh)');
		const navigations = [];
		page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
		const origin = await page.evaluate(() => { window.__marker = 'still-here'; return performance.timeOrigin; });
		const label = () => page.evaluate(() => {
			const li = [...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].find((a) => decodeURIComponent(a.getAttribute('href').slice(19)) === 'website')?.parentElement;
			const el = li?.querySelector(':scope > .s');
			return el ? el.innerText.trim() : null;
		});
		check(await label() === STATE_LABELS.operational, `Website shows ${await label()} before its target breaks`);
		/* 500, then no answer at all (the monitor's timeout), each time back to ok */
		for (const [mode, state] of [['500', 'partial_outage'], ['ok', 'operational'],
			['hang', 'partial_outage'], ['ok', 'operational']]) {
			targets.set('/web', mode);
			await waitFor(async () => (await label()) === STATE_LABELS[state],
				{ timeout: 20000, interval: 200, what: `Website to show ${STATE_LABELS[state]} on the page after its target answers ${mode}` });
			const kept = await page.evaluate(() => [window.__marker, performance.timeOrigin,
				performance.getEntriesByType('navigation').length]);
			check(kept[0] === 'still-here' && kept[1] === origin && kept[2] === 1,
				`the page was reloaded to show the change (marker ${kept[0]}, timeOrigin ${kept[1]} vs ${origin})`);
			check(navigations.length === 0, `the page navigated: ${navigations.join(', ')}`);
		}
		const { diff } = await compare(page, d);
		check(diff.length === 0, `after the live updates: ${diff.join('\n')}`);
		w.stop();
		check(w.problems.length === 0, w.problems.join('\n'));
	} finally {
		targets.set('/web', 'ok');
		await ctx.close();
	}
}

/* 4: without JavaScript the page has everything: banner, components, states, incidents, uptimes. */
export async function testWithoutJs({ browser, daemon: d, incidentId }) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
	try {
		const page = await ctx.newPage();
		/* it loads the page again when a state changed between reads: the logo's load may be cut short */
		const w = watch(page, { ignore: /net::ERR_ABORTED/ });
		let doc, problems;
		for (let i = 0; i < 10; i++) { /* a state may change between the two reads: read again */
			await page.goto(d.url('/status'), { waitUntil: 'load' });
			doc = await d.json('/api/v1/status');
			problems = screenDiff(await readScreen(page), doc);
			if (problems.length === 0)
				break;
			await sleep(300);
		}
		const body = await page.evaluate(() => document.body.innerText);
		for (const inc of doc.incidents)
			if (!body.includes(inc.title))
				problems.push(`the incident ${JSON.stringify(inc.title)} is not on the page`);
		for (const m of doc.scheduled_maintenances)
			if (!body.includes(m.name))
				problems.push(`the maintenance ${JSON.stringify(m.name)} is not on the page`);
		for (const t of [INCIDENT_UPDATE.message, 'Acme Status', 'How the Acme shop and its API are doing'])
			if (!body.includes(t))
				problems.push(`${JSON.stringify(t)} is not on the page`);
		const shown = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].map((a) => [
			decodeURIComponent(a.getAttribute('href').slice(19)), {
				up: a.parentElement.innerText.replace(/\s+/g, ' '),
				bars: [...a.parentElement.querySelectorAll('svg')].filter((s) => s.getAttribute('aria-label') || s.querySelector('title')).length,
			}])));
		for (const c of doc.components) {
			const s = shown[c.id];
			if (!s)
				continue; /* reported by screenDiff */
			if (s.bars === 0)
				problems.push(`${c.id}: no uptime bar with a text alternative`);
			const pcts = [...s.up.matchAll(/(\d+(?:\.\d+)?)\s*%/g)].map((m) => Number(m[1]));
			for (const win of ['24h', '30d', '90d']) {
				const v = c.uptime[win];
				if (v !== null && !pcts.some((p) => Math.abs(p - v) <= 1))
					problems.push(`${c.id}: its ${win} uptime (${v}% on the API) is not on the page (it shows ${JSON.stringify(s.up)})`);
			}
		}
		// the incident page too
		await page.goto(d.url(`/status/incidents/${incidentId}`), { waitUntil: 'load' });
		const inc = await page.evaluate(() => document.body.innerText);
		for (const t of [INCIDENT.title, INCIDENT.message, INCIDENT_UPDATE.message])
			if (!inc.includes(t))
				problems.push(`/status/incidents/${incidentId} without JavaScript lacks ${JSON.stringify(t)}`);
		w.stop();
		problems.push(...w.problems);
		check(problems.length === 0, problems.join('\n'));
	} finally {
		await ctx.close();
	}
}

/* Waits until daemon D's /api/v1/status shows the states of WANT. */
function settled(d) {
	return waitFor(async () => {
		const doc = await d.json('/api/v1/status');
		const got = Object.fromEntries(doc.components.map((c) => [c.id, c.status]));
		return JSON.stringify(got) === JSON.stringify(WANT) ? doc : null;
	}, { timeout: 30000, what: `the components in their states ${JSON.stringify(WANT)}` });
}

/*
 * 6: status_page.layout compact (what a page of more than 50 components gets):
 * renders without errors or overflow, states and 90-day uptimes match the API,
 * the live refresh works, and a component's link opens its page with the days,
 * uptimes, chart and incidents the compact row leaves out.
 */
export async function testCompact(world) {
	const { browser, targets, tmp, artifacts } = world;
	const dir = path.join(tmp, 'compact');
	const d = new Daemon(dir, config(targets, dir, 'compact'), { name: 'compact' });
	const problems = [];
	world.daemons.push(d); /* stopped (again, harmlessly) and checked at teardown */
	try {
		await d.start();
		const doc = await settled(d);
		await d.post('/api/v1/incidents', INCIDENT, OPS);
		for (const [label, viewport] of [['mobile', { width: 375, height: 812 }], ['desktop', { width: 1280, height: 800 }]]) {
			const ctx = await browser.newContext({ viewport, deviceScaleFactor: 1 });
			try {
				const page = await ctx.newPage();
				/* following a link cuts short the script's poll in flight: no fault */
				const w = watch(page, { ignore: /\/api\/v1\/status\/summary: net::ERR_ABORTED/ });
				await page.goto(d.url('/status'), { waitUntil: 'load' });
				check(await page.evaluate(() => document.querySelector('#components.compact') !== null),
					`${label}: /status with layout compact has no #components.compact`);
				await page.screenshot({ path: path.join(artifacts, `status-compact-${label}.png`), fullPage: true });
				const rows = await page.evaluate(() => [...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].map((a) => {
					const li = a.parentElement, bar = li.querySelector(':scope > svg');
					const lists = [...document.querySelectorAll('ul.cl')];
					return { id: decodeURIComponent(a.getAttribute('href').slice(19)), list: lists.indexOf(li.parentElement),
						up: li.querySelector(':scope > b')?.innerText.trim(), barWidth: bar ? Math.round(bar.getBoundingClientRect().width) : 0,
						charts: li.querySelectorAll('svg').length };
				}));
				for (const c of doc.components) {
					const r = rows.find((x) => x.id === c.id);
					if (!r) {
						problems.push(`${label}: ${c.id} is not on the compact page`);
						continue;
					}
					const v = c.uptime['90d'];
					const shown = parseFloat(r.up);
					if (v === null ? r.up !== '–' : !(Math.abs(shown - v) <= 1))
						problems.push(`${label}: ${c.id} shows ${JSON.stringify(r.up)}, its 90-day uptime is ${v}`);
					if (r.barWidth < 100 || r.charts !== 1)
						problems.push(`${label}: ${c.id} has ${r.charts} SVGs, the bar ${r.barWidth} px wide`);
				}
				for (const list of new Set(rows.map((r) => r.list))) { /* a group's list is inset: alike within a list */
					const widths = rows.filter((r) => r.list === list).map((r) => r.barWidth);
					if (new Set(widths).size !== 1)
						problems.push(`${label}: bars of different widths in one list: ${widths.join(', ')}`);
				}
				const { diff } = await compare(page, d);
				problems.push(...diff.map((x) => `${label}: ${x}`));
				const wide = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
				if (wide)
					problems.push(`${label}: the compact page overflows horizontally`);
				if (label === 'mobile') { /* and at 320 px, the narrowest docs/status-page.md promises */
					await page.setViewportSize({ width: 320, height: 640 });
					const narrow = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
						Math.min(...[...document.querySelectorAll('li[data-state] > svg')].map((b) => b.getBoundingClientRect().width))]);
					if (narrow[0] > narrow[1] || !(narrow[2] >= 100))
						problems.push(`320 px: scrollWidth ${narrow[0]} > clientWidth ${narrow[1]}, or a bar ${narrow[2]} px wide`);
				}
				if (label === 'desktop') {
					/* live refresh: Docs breaks and comes back */
					const docs = () => page.evaluate(() => [...document.querySelectorAll('li[data-state] > a[href="/status/components/docs"]')][0]?.parentElement.dataset.state);
					targets.set('/docs', '500');
					await waitFor(async () => (await docs()) === 'partial_outage', { timeout: 20000, interval: 200,
						what: 'Docs to show Partial Outage on the compact page without a reload' }).catch((e) => problems.push(e.message));
					targets.set('/docs', 'ok');
					await waitFor(async () => (await docs()) === 'operational', { timeout: 20000, interval: 200,
						what: 'Docs to show Operational again' }).catch((e) => problems.push(e.message));
					/* a component's page, by its link */
					await Promise.all([page.waitForURL('**/status/components/api'), page.click('a[href="/status/components/api"]')]);
					await page.screenshot({ path: path.join(artifacts, 'status-component.png'), fullPage: true });
					const api = (await d.json('/api/v1/status')).components.find((c) => c.id === 'api');
					const got = await page.evaluate(() => ({
						h2: document.querySelector('.cp h2')?.innerText.trim(),
						state: document.querySelector('.cp')?.dataset.state,
						label: document.querySelector('.cp > .s')?.innerText.trim(),
						text: document.body.innerText.replace(/\s+/g, ' '),
						tips: [...document.querySelectorAll('.cp svg.u rect title')].map((t) => t.textContent),
						chart: document.querySelectorAll('.cp svg.r').length,
					}));
					if (got.h2 !== 'API' || got.state !== api.status || got.label !== STATE_LABELS[api.status])
						problems.push(`/status/components/api: heading ${got.h2}, state ${got.state} (${got.label}); the API says ${api.status}`);
					for (const t of ['24 h', '7 d', '30 d', '90 d', 'Response time, last 24 h', INCIDENT.title])
						if (!got.text.includes(t))
							problems.push(`/status/components/api lacks ${JSON.stringify(t)}`);
					if (got.tips.length === 0 || !got.tips.every((t) => /^\d{4}-\d\d-\d\d( to \d{4}-\d\d-\d\d)?: .*incident/.test(t)))
						problems.push(`/status/components/api: day tooltips ${JSON.stringify(got.tips.slice(0, 3))}`);
					if (got.chart !== 1)
						problems.push(`/status/components/api: ${got.chart} response-time charts`);
					const missing = await d.request('GET', '/status/components/internal-db');
					if (missing.status !== 404)
						problems.push(`/status/components/internal-db (not public) answered ${missing.status}`);
				}
				w.stop();
				problems.push(...w.problems.map((x) => `${label}: ${x}`));
			} finally {
				await ctx.close();
			}
		}
	} finally {
		targets.set('/docs', 'ok');
		problems.push(...await d.stop());
	}
	check(problems.length === 0, problems.join('\n'));
}
