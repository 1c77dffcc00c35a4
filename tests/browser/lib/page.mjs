// What the status page shows, read from the browser, and what it should
// show, read from GET /api/v1/status.

export const STATE_LABELS = {
	operational: 'Operational',
	degraded_performance: 'Degraded Performance',
	partial_outage: 'Partial Outage',
	major_outage: 'Major Outage',
	under_maintenance: 'Under Maintenance',
};

const norm = (s) => (s || '').replace(/\s+/g, ' ').trim();

/**
 * The banner and every component as rendered on PAGE: the visible text
 * (innerText, so CSS that hides it counts) and whether it is visible.
 */
export function readScreen(page) {
	return page.evaluate(() => {
		const text = (el) => (el ? el.innerText.replace(/\s+/g, ' ').trim() : null);
		const shown = (el) => !!el && el.checkVisibility({ checkVisibilityCSS: true, checkOpacity: true });
		const banner = document.querySelector('#banner h2, #banner');
		return {
			banner: text(banner),
			bannerShown: shown(banner),
			/* a component: <li data-state> whose name links to /status/components/{id} */
			components: [...document.querySelectorAll('li[data-state] > a[href^="/status/components/"]')].map((a) => ({
				id: decodeURIComponent(a.getAttribute('href').slice('/status/components/'.length)),
				state: a.parentElement.dataset.state,
				name: text(a),
				label: text(a.parentElement.querySelector(':scope > .s')),
				shown: shown(a) && shown(a.parentElement.querySelector(':scope > .s')),
			})),
		};
	});
}

/** What the screen must show for the API document DOC. */
export function expectedScreen(doc) {
	return {
		banner: doc.status.description,
		components: doc.components.map((c) => ({ id: c.id, name: c.name, label: STATE_LABELS[c.status], state: c.status })),
	};
}

/** The differences between SCREEN and what DOC says, as sentences (none: they agree). */
export function screenDiff(screen, doc) {
	const want = expectedScreen(doc);
	const out = [];
	if (norm(screen.banner).toLowerCase() !== want.banner.toLowerCase())
		out.push(`banner shows ${JSON.stringify(screen.banner)}, the API says ${JSON.stringify(want.banner)}`);
	if (!screen.bannerShown)
		out.push('the banner is not visible');
	const byId = new Map(screen.components.map((c) => [c.id, c]));
	if (screen.components.length !== want.components.length)
		out.push(`${screen.components.length} components on screen, ${want.components.length} in the API`);
	for (const w of want.components) {
		const s = byId.get(w.id);
		if (!s) {
			out.push(`component ${JSON.stringify(w.id)} (${w.name}) is not on the page`);
			continue;
		}
		if (s.name !== w.name)
			out.push(`component ${w.id}: name ${JSON.stringify(s.name)}, the API says ${JSON.stringify(w.name)}`);
		if (norm(s.label).toLowerCase() !== w.label.toLowerCase())
			out.push(`component ${w.id}: shows ${JSON.stringify(s.label)}, the API says ${w.state} (${w.label})`);
		if (s.state !== w.state)
			out.push(`component ${w.id}: data-state ${JSON.stringify(s.state)}, the API says ${w.state}`);
		if (!s.shown)
			out.push(`component ${w.id}: its name or state is not visible`);
	}
	return out;
}

/** The part of DOC that the screen shows, to tell whether two API reads agree. */
export function stateKey(doc) {
	return JSON.stringify([doc.status.description, doc.components.map((c) => [c.id, c.status])]);
}

