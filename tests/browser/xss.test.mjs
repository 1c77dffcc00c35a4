// The XSS corpus in every user string that reaches a public surface of a
// daemon of its own: no script of a payload runs, no dialog opens, no element
// or attribute of a payload exists, and each payload shows as text where it
// belongs. Theme colours that try to carry CSS are refused at load.
import fs from 'node:fs';
import path from 'node:path';

import { isPoll, watch } from './lib/browser.mjs';
import { Daemon, runCli } from './lib/daemon.mjs';
import { BAD_COLOURS, PAYLOADS } from './lib/payloads.mjs';
import { check } from './lib/tap.mjs';
import { sleep, waitFor, within } from './lib/util.mjs';
import { AUTH, OPS, monitorYaml } from './status.test.mjs';

const N = PAYLOADS.length;
const TITLE = `Acme ${PAYLOADS[37]} ${PAYLOADS[4]}`; /* </title> breaker first */
const DESCRIPTION = `About ${PAYLOADS[46]} ${PAYLOADS[8]}`;
const MAINTENANCE = `Upgrade ${PAYLOADS[47]}`;
const LOGO = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>';
const COLOUR_KEYS = ['primary', 'operational', 'degraded', 'outage', 'maintenance'];
const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

/* ${NAME} is an environment reference: refused in monitors made through the API, as it should be. */
const noEnv = (s) => s.replaceAll('${', '$ {');

/* The monitors made through the API: a name and a group with a payload each, some failing. */
function apiMonitors(targets) {
	return PAYLOADS.map((p, i) => ({
		name: noEnv(`x${i} ${p}`),
		group: noEnv(`g${i} ${PAYLOADS[(i + 1) % N]}`),
		type: 'http',
		url: targets.url(i % 10 === 0 ? '/xss-down' : i % 10 === 5 ? '/xss-flip' : '/xss'),
		interval: '2s',
		public: true,
	}));
}

function config(dir, targets) {
	fs.mkdirSync(dir, { recursive: true });
	const logo = path.join(dir, 'logo.svg');
	fs.writeFileSync(logo, LOGO);
	return AUTH + `status_page:\n  title: ${JSON.stringify(TITLE)}\n`
		+ `  description: ${JSON.stringify(DESCRIPTION)}\n  logo: ${JSON.stringify(logo)}\n  refresh: 1s\n`
		+ `maintenance:\n  - {name: ${JSON.stringify(MAINTENANCE)}, start: "${new Date(Date.now() - 3600e3).toISOString()}", `
		+ 'duration: 1d, monitors: [cfg-script-top-xss-1-script]}\n'
		+ 'monitors:\n'
		+ monitorYaml(`Cfg ${PAYLOADS[0]}`, { type: 'http', url: targets.url('/xss'), interval: '2s', public: true,
			group: `Cfg ${PAYLOADS[13]}` })
		+ monitorYaml(`Cfg2 ${PAYLOADS[54]}`, { type: 'http', url: targets.url('/xss'), interval: '2s', public: true });
}

/** Everything on the current document that only a payload could have made; [] when clean. */
function foreignMarkup(page) {
	return page.evaluate(() => {
		const bad = [];
		const html = document.contentType === 'text/html';
		const XHTML = 'http://www.w3.org/1999/xhtml', SVG = 'http://www.w3.org/2000/svg';
		const forbidden = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'base', 'form', 'input',
			'textarea', 'select', 'button', 'video', 'audio', 'source', 'marquee', 'math', 'xss', 'template',
			'noscript', 'style', 'animate', 'set', 'foreignobject', 'mglyph', 'mtext', 'table']);
		const inHead = new Set(['meta', 'link']);
		const urlAttrs = new Set(['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'srcdoc', 'background']);
		for (const el of document.querySelectorAll('*')) {
			const tag = el.localName.toLowerCase();
			const desc = `<${tag}${[...el.attributes].map((a) => ` ${a.name}="${a.value}"`).join('')}>`.slice(0, 200);
			const markup = el.namespaceURI === XHTML || el.namespaceURI === SVG; /* not a feed's own element */
			if (markup && forbidden.has(tag))
				bad.push(`element ${desc}`);
			if (html && inHead.has(tag) && !el.closest('head'))
				bad.push(`element outside <head>: ${desc}`);
			if (markup && tag === 'script' && !(html && el.getAttribute('src') === '/status/status.js'))
				bad.push(`script ${desc} ${el.textContent.slice(0, 80)}`);
			if (markup && tag === 'img' && el.getAttribute('src') !== '/status/logo')
				bad.push(`image ${desc}`);
			for (const a of el.attributes) {
				const n = a.name.toLowerCase();
				if (n.startsWith('on'))
					bad.push(`event handler attribute ${desc}`);
				else if (urlAttrs.has(n) && /^\s*(javascript|data|vbscript):/i.test(a.value))
					bad.push(`scripting URL ${desc}`);
				else if (markup && html && (n === 'style' || n === 'autofocus' || n === 'srcdoc'))
					bad.push(`attribute ${n}: ${desc}`);
			}
		}
		const pis = document.evaluate('//processing-instruction()', document, null,
			XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
		for (let i = 0; i < pis.snapshotLength; i++)
			bad.push(`processing instruction <?${pis.snapshotItem(i).target} ${pis.snapshotItem(i).data}?>`);
		return bad;
	});
}

/**
 * Loads URL in PAGE and returns what went wrong: a payload ran, markup of a
 * payload exists. SETTLE waits for what may still run after the load event
 * (which comes after every image has loaded or failed, so after onerror).
 */
async function visit(page, url, settle) {
	const problems = [];
	let resp;
	try {
		resp = await page.goto(url, { waitUntil: 'load', timeout: 15000 });
	} catch (e) {
		if (/Download is starting/.test(e.message))
			return { problems, downloaded: true };
		throw e;
	}
	if (!resp || resp.status() !== 200)
		problems.push(`${url}: HTTP ${resp ? resp.status() : 'no answer'}`);
	await settle();
	const ran = await page.evaluate(() => [typeof top.__xss, [...document.querySelectorAll('iframe')].length]);
	if (ran[0] !== 'undefined')
		problems.push(`${url}: a payload ran (window.__xss is ${ran[0]})`);
	for (const b of await foreignMarkup(page))
		problems.push(`${url}: ${b}`);
	return { problems, downloaded: false };
}

/* The status page: each string where it belongs, as text, visible. */
async function checkStatusText(page, monitors, incidents) {
	return page.evaluate(({ monitors, incidents, TITLE, DESCRIPTION, MAINTENANCE }) => {
		const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
		const shown = (el) => !!el && el.checkVisibility({ checkVisibilityCSS: true });
		const out = [];
		const want = (what, el, text) => {
			if (!el)
				out.push(`${what}: not on the page`);
			else if (norm(el.textContent) !== norm(text))
				out.push(`${what}: shows ${JSON.stringify(norm(el.textContent))}, expected ${JSON.stringify(text)}`);
			else if (!shown(el))
				out.push(`${what}: not visible`);
		};
		if (norm(document.title) !== norm(TITLE))
			out.push(`document.title is ${JSON.stringify(document.title)}, expected ${JSON.stringify(TITLE)}`);
		want('the title', document.querySelector('h1'), TITLE);
		want('the description', document.querySelector('.desc'), DESCRIPTION);
		const logo = document.querySelector('img.logo');
		if (!logo || logo.alt !== `${TITLE} logo`)
			out.push(`the logo's alt is ${JSON.stringify(logo && logo.alt)}`);
		const groups = [...document.querySelectorAll('summary h3')].map((h) => norm(h.textContent));
		for (const m of monitors) {
			const li = [...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].find((a) => decodeURIComponent(a.getAttribute('href').slice(19)) === m.id)?.parentElement;
			want(`monitor ${m.id}'s name`, li?.querySelector(':scope > a'), m.name);
			if (m.group && !groups.includes(norm(m.group)))
				out.push(`group ${JSON.stringify(m.group)} is not a group heading`);
		}
		const body = norm(document.body.textContent);
		/* the first open incidents are whole on the page, the rest a line linking to their page */
		const whole = new Set([...document.querySelectorAll('article.inc h3')].map((h) => norm(h.textContent)));
		for (const t of [MAINTENANCE, ...incidents.filter((i) => whole.has(norm(i.title))).flatMap((i) => i.messages)])
			if (!body.includes(norm(t)))
				out.push(`${JSON.stringify(t)} is not on the page as text`);
		/* 10 whole, 40 lines, the rest counted (the component pages and the feed have them) */
		const lines = [...document.querySelectorAll('ul.more a')].map((a) => norm(a.textContent));
		const counted = Number((/And (\d+) more open incidents/.exec(body) || [0, 0])[1]);
		const open = document.querySelectorAll('#incidents article.inc').length + lines.length + counted;
		const listed = incidents.filter((i) => whole.has(norm(i.title)) || lines.includes(norm(i.title))).length;
		if (whole.size !== 10 || lines.length !== 40)
			out.push(`${whole.size} incidents whole and ${lines.length} as lines on the page, expected 10 and 40`);
		if (open < incidents.length || listed + counted < incidents.length)
			out.push(`${listed} of the ${incidents.length} incidents shown and ${counted} counted`);
		return out;
	}, { monitors, incidents, TITLE, DESCRIPTION, MAINTENANCE });
}

/* A feed read as a feed reader would: XML, then each entry's HTML; strings come out as text. */
async function checkFeed(page, url, rss, incidents) {
	return page.evaluate(async ({ url, rss, incidents, TITLE, DESCRIPTION }) => {
		const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();
		const out = [];
		const xml = new DOMParser().parseFromString(await (await fetch(url)).text(), 'application/xml');
		if (xml.querySelector('parsererror'))
			return [`${url}: not well-formed XML: ${xml.querySelector('parsererror').textContent.slice(0, 200)}`];
		const kids = (el, name) => [...el.children].filter((c) => c.localName === name);
		const root = rss ? kids(xml.documentElement, 'channel')[0] : xml.documentElement;
		const title = kids(root, 'title')[0];
		if (norm(title && title.textContent) !== norm(TITLE))
			out.push(`${url}: the feed's title is ${JSON.stringify(title && title.textContent)}`);
		/* Atom's subtitle is type="text"; RSS's description is taken for HTML by readers, like an item's */
		const sub = kids(root, rss ? 'description' : 'subtitle')[0];
		let subText = sub ? sub.textContent : null;
		if (rss && sub) {
			const doc = new DOMParser().parseFromString(sub.textContent, 'text/html');
			if (doc.body.querySelector('*'))
				out.push(`${url}: the channel's description has markup: ${doc.body.innerHTML.slice(0, 200)}`);
			subText = doc.body.textContent;
		}
		if (norm(subText) !== norm(DESCRIPTION))
			out.push(`${url}: the feed's ${rss ? 'description' : 'subtitle'} reads ${JSON.stringify(subText)}, expected ${JSON.stringify(DESCRIPTION)}`);
		const entries = kids(root, rss ? 'item' : 'entry').map((e) => {
			const html = kids(e, rss ? 'description' : 'content')[0];
			const doc = new DOMParser().parseFromString(html ? html.textContent : '', 'text/html');
			const bad = [...doc.querySelectorAll('*')].filter((el) => !['html', 'head', 'body', 'p', 'strong'].includes(el.localName)
				|| [...el.attributes].length > 0).map((el) => el.outerHTML.slice(0, 120));
			return { title: norm(kids(e, 'title')[0]?.textContent), text: norm(doc.body.textContent), bad };
		});
		for (const e of entries)
			for (const b of e.bad)
				out.push(`${url}: entry ${JSON.stringify(e.title)}: its HTML has markup of a payload: ${b}`);
		for (const inc of incidents) {
			const e = entries.find((x) => x.title === norm(inc.title));
			if (!e) {
				out.push(`${url}: no entry titled ${JSON.stringify(inc.title)}`);
				continue;
			}
			for (const m of inc.messages)
				if (!e.text.includes(norm(m)))
					out.push(`${url}: entry ${JSON.stringify(inc.title)} lacks the update ${JSON.stringify(m)} as text`);
		}
		return out;
	}, { url, rss, incidents, TITLE, DESCRIPTION });
}

/* Theme colours carrying CSS, and a javascript: page URL: refused by `vigil config check` and by `vigil serve`. */
async function checkRefused(world, dir) {
	const problems = [];
	fs.mkdirSync(dir, { recursive: true });
	const bad = BAD_COLOURS.map((c, i) => [`theme.${COLOUR_KEYS[i % COLOUR_KEYS.length]}`,
		`status_page:\n  theme:\n    ${COLOUR_KEYS[i % COLOUR_KEYS.length]}: ${JSON.stringify(c)}\n`, 'not a colour']);
	bad.push(['url', 'status_page:\n  url: "javascript:top.__xss=1"\n', 'http']);
	for (const [i, [key, yaml, words]] of bad.entries()) {
		const file = path.join(dir, `bad${i}.yaml`);
		fs.writeFileSync(file, yaml);
		const r = runCli(['config', 'check', file], { cwd: dir });
		world.cliLogs.push([`vigil config check ${file}`, r.stderr]);
		if (r.status === 0 || !r.stderr.includes(`status_page.${key}`) || !r.stderr.includes(words))
			problems.push(`vigil config check accepted (or did not name) status_page.${key} = ${JSON.stringify(yaml)}: `
				+ `exit ${r.status}, ${JSON.stringify(r.stderr.split('\n')[0])}`);
	}
	// the daemon refuses to start with such a colour
	const d = new Daemon(path.join(dir, 'serve'), 'status_page:\n  theme:\n'
		+ COLOUR_KEYS.map((k, i) => `    ${k}: ${JSON.stringify(BAD_COLOURS[i])}\n`).join(''), { name: 'refused' });
	world.daemons.push(d);
	await d.start({ ready: false });
	const exit = await within(d.exited, 15000);
	if (!exit)
		problems.push('vigil serve kept running with CSS in the theme\'s colours');
	else if (exit.code === 0)
		problems.push(`vigil serve exited 0 with CSS in the theme's colours: ${d.log().slice(0, 500)}`);
	else if (!COLOUR_KEYS.every((k) => d.log().includes(`status_page.theme.${k}`)))
		problems.push(`vigil serve did not name every bad colour: ${d.log().slice(0, 1000)}`);
	return problems;
}

/* The control: the corpus put into a page unescaped is caught (a script runs, dialogs open, markup is found). */
async function checkControl(browser) {
	const ctx = await browser.newContext({ bypassCSP: true });
	try {
		const page = await ctx.newPage();
		const w = watch(page);
		await page.setContent(`<!DOCTYPE html><html><head><title>control</title></head><body>${PAYLOADS.join('\n')}</body></html>`,
			{ waitUntil: 'load' });
		const ran = await page.evaluate(() => typeof top.__xss);
		const markup = await foreignMarkup(page);
		w.stop();
		const out = [];
		if (ran === 'undefined')
			out.push('control: the unescaped corpus ran no script: the test cannot see one that runs');
		if (markup.length < 10)
			out.push(`control: only ${markup.length} pieces of foreign markup found in the unescaped corpus`);
		if (w.dialogs.length === 0)
			out.push('control: the unescaped corpus opened no dialog: the test cannot see one');
		return out;
	} finally {
		await ctx.close();
	}
}

/* 5 */
export async function testXss(world, tap) {
	const { browser, targets, tmp } = world;
	const t0 = Date.now();
	const problems = await checkControl(browser);
	problems.push(...await checkRefused(world, path.join(tmp, 'refused')));

	targets.set('/xss', 'ok');
	targets.set('/xss-down', '500');
	targets.set('/xss-flip', 'ok');
	const d = new Daemon(path.join(tmp, 'xss'), config(path.join(tmp, 'xss'), targets), { name: 'xss' });
	world.daemons.push(d);
	await d.start();
	const monitors = [];
	for (const m of apiMonitors(targets)) {
		const made = await d.post('/api/v1/monitors', m, OPS);
		monitors.push({ id: made.id, name: m.name, group: m.group });
	}
	const incidents = [];
	for (const [i, p] of PAYLOADS.entries()) {
		const inc = { title: `i${i} ${p}`, messages: [PAYLOADS[(i + 2) % N], `upd ${PAYLOADS[(i + 5) % N]}`] };
		const made = await d.post('/api/v1/incidents', { title: inc.title, impact: 'minor',
			monitors: [monitors[i].id], message: inc.messages[0] }, OPS);
		await d.post(`/api/v1/incidents/${made.id}/updates`, { status: 'monitoring', message: inc.messages[1] }, OPS);
		incidents.push({ ...inc, id: Number(made.id) });
	}
	// every string is on the JSON (so on the snapshot the pages are made from)
	const doc = await waitFor(async () => {
		const s = await d.json('/api/v1/status');
		const down = s.components.filter((c) => c.status === 'partial_outage').length;
		return s.components.length === monitors.length + 2 && s.incidents.length >= incidents.length + 7
			&& down >= 7 ? s : null;
	}, { timeout: 30000, what: 'every monitor, the failing ones down, and every incident on /api/v1/status' });
	for (const m of monitors) {
		const c = doc.components.find((x) => x.id === m.id);
		if (!c || c.name !== m.name || c.group !== m.group)
			problems.push(`/api/v1/status has ${JSON.stringify(c && [c.name, c.group])} for ${JSON.stringify([m.name, m.group])}`);
	}
	const automatic = doc.incidents.filter((x) => !incidents.some((y) => y.id === x.id)).map((x) => ({ title: x.title, messages: [] }));

	tap.diag(`xss: set up in ${Date.now() - t0} ms`);
	for (const bypassCSP of [false, true]) {
		/* with the page's CSP, and without it: escaping alone must keep every payload inert */
		const mode = bypassCSP ? ' (CSP bypassed)' : '';
		const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP });
		try {
			const page = await ctx.newPage();
			/* polls aborted by leaving the page are no fault; the favicon's 404 is test 1's to report */
			const w = watch(page, { ignore: /net::ERR_ABORTED|\/favicon\.ico/ });
			const poll = () => page.waitForResponse((r) => isPoll(r), { timeout: 10000 });
			// the page, and the live refresh rewriting components whose state changes
			let polled = poll();
			let v = await visit(page, d.url('/status'), async () => { await polled; });
			problems.push(...v.problems.map((p) => p + mode));
			targets.set('/xss-flip', bypassCSP ? 'ok' : '500');
			const want = bypassCSP ? 'operational' : 'partial_outage';
			const flips = monitors.filter((m, i) => i % 10 === 5).map((m) => m.id);
			await waitFor(() => page.evaluate(({ flips, want }) => flips.every((id) =>
				[...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].find((a) => decodeURIComponent(a.getAttribute('href').slice(19)) === id)?.parentElement?.dataset.state === want), { flips, want }),
			{ timeout: 20000, interval: 200, what: `the live refresh to show the flipped monitors ${want}${mode}` })
				.catch((e) => problems.push(e.message));
			tap.diag(`xss: flipped${mode} at ${Date.now() - t0} ms`);
			polled = poll();
			await polled.catch(() => {});
			if (await page.evaluate(() => typeof top.__xss) !== 'undefined')
				problems.push(`/status: a payload ran after the live refresh${mode}`);
			for (const b of await foreignMarkup(page))
				problems.push(`/status after the live refresh${mode}: ${b}`);
			for (const t of await checkStatusText(page, monitors, incidents))
				problems.push(`/status${mode}: ${t}`);
			// feeds, as the browser shows them and as a feed reader reads them
			for (const [feed, rss] of [['/feed.atom', false], ['/feed.rss', true]]) {
				for (const t of await checkFeed(page, d.url(feed), rss, [...incidents, ...automatic]))
					problems.push(t + mode);
				v = await visit(page, d.url(feed), () => sleep(200));
				problems.push(...v.problems.map((p) => p + mode));
				await page.goto(d.url('/status'), { waitUntil: 'load' });
			}
			tap.diag(`xss: /status and feeds${mode} at ${Date.now() - t0} ms`);
			// the incident pages: all without the CSP (escaping alone keeps them inert), some with it
			for (const inc of incidents.filter((x, i) => bypassCSP || i % 8 === 0)) {
				v = await visit(page, d.url(`/status/incidents/${inc.id}`), async () => {});
				problems.push(...v.problems.map((p) => p + mode));
				const text = await page.evaluate(() => [document.title, document.body.textContent]);
				if (!norm(text[0]).startsWith(norm(inc.title)))
					problems.push(`/status/incidents/${inc.id}: its title is ${JSON.stringify(text[0])}${mode}`);
				for (const t of [inc.title, ...inc.messages])
					if (!norm(text[1]).includes(norm(t)))
						problems.push(`/status/incidents/${inc.id}: ${JSON.stringify(t)} is not on it as text${mode}`);
			}
			tap.diag(`xss: incident pages${mode} at ${Date.now() - t0} ms`);
			// the component pages (names and groups with payloads), by the links on /status
			await page.goto(d.url('/status'), { waitUntil: 'load' });
			const links = new Map(await page.evaluate(() => [...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')]
				.map((a) => [decodeURIComponent(a.getAttribute('href').slice(19)), a.getAttribute('href')])));
			for (const m of monitors.filter((x, i) => bypassCSP || i % 8 === 3)) {
				const url = links.get(m.id);
				if (url === undefined) {
					problems.push(`/status: no link to the page of monitor ${JSON.stringify(m.id)}${mode}`);
					continue;
				}
				v = await visit(page, d.url(url), async () => {});
				problems.push(...v.problems.map((p) => p + mode));
				const text = await page.evaluate(() => [document.title, document.querySelector('h2')?.textContent, document.body.textContent]);
				if (!norm(text[0]).startsWith(norm(m.name)) || norm(text[1]) !== norm(m.name))
					problems.push(`${url}: its title and heading are ${JSON.stringify(text.slice(0, 2))}${mode}`);
				if (!norm(text[2]).includes(norm(m.group)))
					problems.push(`${url}: its group ${JSON.stringify(m.group)} is not on it as text${mode}`);
			}
			tap.diag(`xss: component pages${mode} at ${Date.now() - t0} ms`);
			// badges, opened as documents (where an SVG's script would run)
			const badges = monitors.filter((m, i) => i % 6 === 0).map((m) => `/badge/${m.id}/status.svg`);
			for (const what of ['uptime/24h', 'uptime/7d', 'uptime/30d', 'uptime/90d', 'response-time'])
				badges.push(`/badge/${monitors[1].id}/${what}.svg`);
			for (const b of badges) {
				v = await visit(page, d.url(b), async () => {});
				problems.push(...v.problems.map((p) => p + mode));
				if (await page.evaluate(() => document.documentElement.localName) !== 'svg')
					problems.push(`${b}: not an SVG document${mode}`);
			}
			w.stop();
			problems.push(...w.problems.map((p) => `${p}${mode}`));
			tap.diag(`xss: pages checked${mode} at ${Date.now() - t0} ms`);
		} finally {
			await ctx.close();
		}
	}
	check(problems.length === 0, `${problems.length} problems:\n${problems.slice(0, 60).join('\n')}`);
}
