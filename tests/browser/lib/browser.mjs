// Debian's Chromium through playwright-core, launched as DESIGN.md says, and a
// watcher for everything a page must not do.
import { chromium } from 'playwright-core';

export const CHROMIUM_ARGS = ['--no-sandbox', '--headless', '--disable-gpu',
	'--disable-background-networking', '--disable-component-update', '--disable-sync',
	'--no-first-run'];

/** Whether response R answers one of status.js's polls (/api/v1/status, /api/v1/status/summary...). */
export function isPoll(r) {
	return new URL(r.url()).pathname.startsWith('/api/v1/status');
}

export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: CHROMIUM_ARGS,
		timeout: 30000,
	});
}

/**
 * Records on PAGE's WATCH.problems: console errors, uncaught exceptions,
 * failed requests, answers >= 400 and dialogs (which are dismissed).
 * watch.stop() ends the recording (so closing the page aborts nothing that counts).
 * IGNORE: a RegExp of problems not to record (a test that navigates from page
 * to page aborts the status page's polls, which is no fault). ALLOW_304_CANCEL:
 * a request whose 304 answer the page never read (Chromium then cancels it)
 * is no problem either.
 */
export function watch(page, { ignore = null, allow304Cancel = false } = {}) {
	const w = { problems: [], dialogs: [], on: true };
	const notModified = new WeakSet();
	const add = (what) => { if (w.on && !(ignore && ignore.test(what))) w.problems.push(what); };
	page.on('console', (m) => {
		if (m.type() === 'error')
			add(`console error: ${m.text()} (${m.location().url || '?'})`);
	});
	page.on('pageerror', (e) => add(`uncaught exception: ${e.message}`));
	page.on('requestfailed', (r) => {
		if (!(allow304Cancel && notModified.has(r) && r.failure()?.errorText === 'net::ERR_ABORTED'))
			add(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`);
	});
	page.on('response', (r) => {
		if (r.status() === 304)
			notModified.add(r.request());
		if (r.status() >= 400)
			add(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
	});
	page.on('dialog', (d) => {
		w.dialogs.push(`${d.type()}: ${d.message()} (on ${page.url()})`);
		add(`a ${d.type()} dialog opened: ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	w.stop = () => { w.on = false; };
	return w;
}
