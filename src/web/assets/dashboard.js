/*
 * Vigil operators' dashboard. The page is a static shell: everything comes
 * from Vigil's JSON API, read with the token the operator enters (kept in
 * sessionStorage, sent as "Authorization: Bearer", never as a cookie). Values
 * reach the DOM only through textContent, setAttribute and createElementNS:
 * monitor names, messages and reasons are attacker-influenced text. A module:
 * strict, deferred, its own scope.
 */
const KEY = 'vigil.dashboard.token';
const EVERY = 5000, DAY_EVERY = 60000, DETAIL_EVERY = 60000, SERIES_EVERY = 300000;
const DETAILS_PER_TICK = 4; /* so hundreds of monitors stay within the rate limit */
const SPARK = 60, SVGNS = 'http://www.w3.org/2000/svg';
const RANGES = {
	'1h': { ms: 3600000, step: '15s', words: 'last hour', ticks: ['−60 min', '−30 min'] },
	'24h': { ms: 86400000, step: '10m', words: 'last day', ticks: ['−24 h', '−12 h'] },
};
const STATES = ['down', 'degraded', 'unknown', 'maintenance', 'paused', 'up'];
const map = () => Object.create(null); /* for keys that come from the network */
let st = null;

function reset(token) {
	st = {
		token, timer: st && st.timer, busy: false, failures: 0, seen: false, range: st ? st.range : '1h',
		etags: map(), bodies: map(), monitors: [], names: map(), details: map(), host: null,
		series: null, seriesAt: 0, chartsAt: map(), acking: map(),
	};
}

const $ = (id) => document.getElementById(id);
const str = (v) => (typeof v === 'string' ? v : '');
const num = (v) => (typeof v === 'number' && isFinite(v) ? v : null);
const arr = (v) => (Array.isArray(v) ? v : []);

function el(tag, cls, text) {
	const e = document.createElement(tag);

	if (cls)
		e.className = cls;
	if (text !== undefined)
		e.textContent = text;
	return e;
}

function svg(tag, attrs) {
	const e = document.createElementNS(SVGNS, tag);

	for (const k in attrs)
		e.setAttribute(k, attrs[k]);
	return e;
}

/* Both change the DOM only when the value changes (no flicker, selections kept). */
function setText(e, text) {
	if (e.textContent !== (text = String(text ?? '')))
		e.textContent = text;
}

function setAttr(e, name, value) {
	if (value == null)
		e.removeAttribute(name);
	else if (e.getAttribute(name) !== String(value))
		e.setAttribute(name, value);
}

function clear(e) {
	while (e.firstChild)
		e.removeChild(e.firstChild);
}

/* ---- formatting ---- */

function span(s) {
	if (s < 60)
		return `${s} s`;
	if (s < 3600)
		return `${Math.floor(s / 60)} min`;
	if (s < 86400)
		return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
	return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

function ago(iso) {
	const t = Date.parse(str(iso));

	if (isNaN(t))
		return '—';
	const s = Math.round((Date.now() - t) / 1000);
	return s < 0 ? `in ${span(-s)}` : s < 1 ? 'just now' : `${span(s)} ago`;
}

function local(iso) {
	const t = Date.parse(str(iso));

	return isNaN(t) ? null : new Date(t).toLocaleString();
}

function timeEl(e, iso) {
	setText(e, ago(iso));
	setAttr(e, 'datetime', local(iso) ? iso : null);
	setAttr(e, 'title', local(iso));
}

const fixed = (v, digits) => (num(v) === null ? '—' : v.toFixed(digits || 0));
const pct = (r) => (num(r) === null ? '—' : `${(r * 100).toFixed(r >= 0.9995 && r < 1 ? 3 : 2)} %`);

function ms(v) {
	if (num(v) === null)
		return '—';
	return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ms`;
}

function bytes(v, suffix = '') {
	let i = 0;

	if (num(v) === null)
		return '—';
	for (; Math.abs(v) >= 1000 && i < 4; i++)
		v /= 1000;
	return `${i && v < 10 ? v.toFixed(1) : Math.round(v)} ${['B', 'kB', 'MB', 'GB', 'TB'][i]}${suffix}`;
}

/* ---- the API ---- */

function url(pattern, params, q = {}) {
	const query = new URLSearchParams(q).toString();

	return pattern.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(String((params || {})[name]))) +
	       (query ? `?${query}` : '');
}

function failure(status, body, where, r) {
	const e = new Error(where), err = (body && body.error) || {};

	return Object.assign(e, {
		status, where, code: str(err.code), detail: str(err.message),
		retry: (r && parseInt(r.headers.get('Retry-After'), 10)) || 0,
	});
}

/* METHOD on PATTERN (a route of the API, its {names} from PARAMS), query Q: the decoded JSON. */
async function call(method, pattern, params, q) {
	const u = url(pattern, params, q), token = st.token;
	const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
	let r, body = null;

	if (method === 'GET' && st.etags[u])
		headers['If-None-Match'] = st.etags[u];
	try {
		r = await fetch(u, { method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error' });
	} catch (e) {
		throw failure(0, null, pattern);
	}
	if (r.status === 304 && u in st.bodies) {
		await r.text(); /* read the (empty) answer: an unread one is cancelled, a failed request */
		return st.bodies[u];
	}
	try {
		body = JSON.parse(await r.text());
	} catch (ignored) { /* a proxy's error page: the status says enough */ }
	if (!r.ok)
		throw failure(r.status, body, pattern, r);
	const etag = r.headers.get('ETag');
	if (method === 'GET' && etag && st.token === token) {
		st.etags[u] = etag;
		st.bodies[u] = body;
	}
	return body;
}

const settle = (p) => p.then((v) => ({ ok: true, v }), (e) => ({ ok: false, e }));

function describe(e) {
	if (e.status === 0)
		return 'Vigil cannot be reached';
	return `${e.where}: HTTP ${e.status}${e.code ? ` ${e.code}` : ''}${e.detail ? ` (${e.detail})` : ''}`;
}

function notice(kind, text) {
	const n = $('notice');

	setAttr(n, 'data-kind', kind);
	setText(n, text);
	n.hidden = !text;
}

/* ---- signing in and out ---- */

function signIn(token) {
	reset(token);
	$('login-section').hidden = true;
	$('logout').hidden = false;
	notice('info', 'Connecting…');
	schedule(0);
}

function signOut(kind, text) {
	clearTimeout(st.timer);
	reset(null);
	try {
		sessionStorage.removeItem(KEY);
	} catch (ignored) { /* storage off: nothing was kept */ }
	$('board').hidden = $('logout').hidden = true;
	$('login-section').hidden = false;
	setText($('updated'), '');
	notice(kind, text);
	$('token').focus();
}

const refused = () => signOut('auth', 'Vigil refused this token (401 unauthorized): check it and enter it again.');

/* ---- the refresh loop ---- */

function schedule(delay) {
	clearTimeout(st.timer);
	st.timer = setTimeout(tick, delay);
}

async function tick() {
	const token = st.token;

	if (!token || st.busy || document.hidden)
		return; /* visibilitychange starts it again */
	st.busy = true;
	if (!st.seen) { /* one request tries a new token: a wrong one is one failure, not six */
		const r = await settle(call('GET', '/api/v1/monitors'));

		if (st.token !== token)
			return; /* signed out meanwhile */
		if (!r.ok) {
			st.busy = false;
			return finish([r.e], 1);
		}
	}
	const res = await Promise.all([
		call('GET', '/api/v1/monitors').then(monitorsDone),
		call('GET', '/api/v1/alerts', null, { state: 'firing', limit: 200 }).then(renderAlerts),
		call('GET', '/api/v1/notifications', null, { limit: 20 }).then(renderNotifications),
		call('GET', '/api/v1/security').then(renderSecurity),
		call('GET', '/api/v1/monitoring/dashboard').then(renderStats),
		hostNow(),
	].map(settle));
	if (st.token !== token)
		return; /* signed out meanwhile */
	st.busy = false;
	finish(res.filter((r) => !r.ok).map((r) => r.e), res.length);
}

function finish(errors, total) {
	let delay = EVERY;

	for (const e of errors)
		if (e.status === undefined)
			console.error(e); /* ours: the console has the trace */
	errors = errors.filter((e) => e.status !== undefined);
	const offline = errors.filter((e) => e.status === 0).length;
	const limited = errors.find((e) => e.status === 429);
	if (errors.some((e) => e.status === 401))
		return refused();
	if (offline === total) {
		delay = Math.min(EVERY * 2 ** ++st.failures, 60000);
		notice('offline', `Vigil cannot be reached (down or restarting?). Retrying in ${delay / 1000} s` +
		       (st.seen ? `; the figures below are from ${$('updated').textContent.slice(8)}.` : '.'));
	} else if (limited) {
		delay = Math.max(EVERY, (limited.retry || 5) * 1000);
		notice('warn', `Vigil is rate-limiting this address (429): next refresh in ${delay / 1000} s.`);
	} else {
		st.failures = 0;
		notice(errors.length ? 'warn' : null,
		       errors.length ? `Some parts could not be read: ${errors.map(describe).join('; ')}.` : '');
	}
	if (!offline && errors.length < total) {
		st.seen = true;
		$('board').hidden = false;
		setText($('updated'), `Updated ${new Date().toLocaleTimeString()}`);
	}
	schedule(delay);
}

/* Updates TBODY to one row per item (by KEY), keeping rows, and so focus, where they are. */
function syncRows(tbody, items, key, make, update) {
	const old = map(), keep = map();

	for (const tr of tbody.rows)
		old[tr.getAttribute('data-key')] = tr;
	items.forEach((item, i) => {
		const k = String(key(item)), tr = old[k] || make();

		tr.setAttribute('data-key', k);
		keep[k] = true;
		update(tr, item);
		if (tbody.rows[i] !== tr)
			tbody.insertBefore(tr, tbody.rows[i] || null);
	});
	for (const k in old)
		if (!keep[k])
			tbody.removeChild(old[k]);
}

/* A copy of the page's template ID (rows and charts are written in the HTML). */
const copy = (id) => $(id).content.firstElementChild.cloneNode(true);

/* ---- monitors ---- */

async function monitorsDone(doc) {
	const list = arr(doc && doc.monitors);

	st.monitors = list;
	st.names = map();
	for (const m of list) {
		st.names[str(m.id)] = str(m.name);
		mergeLast(m);
	}
	fillFilter($('filter-group'), list, 'group');
	fillFilter($('filter-type'), list, 'type');
	renderMonitors();
	for (const r of await Promise.all([details(list), charts()].map(settle)))
		if (!r.ok && [401, 0, 429, undefined].includes(r.e.status))
			throw r.e;
}

function fillFilter(sel, list, field) {
	const want = [...new Set(list.map((m) => str(m[field])).filter(Boolean))].sort(), cur = sel.value;

	if ([...sel.options].slice(1).map((o) => o.value).join('\n') === want.join('\n'))
		return;
	sel.length = 1;
	for (const v of want)
		sel.add(new Option(v, v));
	sel.value = want.includes(cur) ? cur : '';
}

function matches(m) {
	const g = $('filter-group').value, s = $('filter-state').value, t = $('filter-type').value;
	const q = $('filter-text').value.trim().toLowerCase();

	return (!g || m.group === g) && (!s || m.status === s) && (!t || m.type === t) &&
	       (!q || str(m.name).toLowerCase().includes(q) || str(m.id).includes(q));
}

function renderMonitors() {
	const counts = {}, all = st.monitors, shown = all.filter(matches);

	for (const m of all)
		counts[m.status] = (counts[m.status] || 0) + 1;
	setText($('state-summary'), STATES.filter((s) => counts[s]).map((s) => `${counts[s]} ${s}`).join(' · ') ||
	        'No monitor is configured.');
	setText($('monitors-count'), `(${shown.length < all.length ? `${shown.length} of ` : ''}${all.length})`);
	$('monitors-empty').hidden = !all.length || shown.length > 0;
	syncRows($('monitors-body'), shown, (m) => m.id, () => copy('tpl-monitor'), updateMonitorRow);
}

function updateMonitorRow(tr, m) {
	const c = tr.cells, l = m.last_result || null, d = st.details[m.id] || {};
	const tags = [str(m.group), str(m.type), m.public ? 'public' : '', m.critical ? 'critical' : ''];

	setAttr(tr, 'data-monitor-id', str(m.id));
	setAttr(tr, 'data-state', str(m.status));
	setText(c[0].firstChild, str(m.name));
	setText(c[0].lastChild, tags.filter(Boolean).join(' · '));
	setAttr(c[1].firstChild, 'data-state', str(m.status));
	setText(c[1].firstChild, str(m.status));
	setText(c[1].lastChild, m.since ? `for ${ago(m.since).replace(' ago', '')}` : '');
	timeEl(c[2].firstChild, l && l.time);
	if (!l)
		setText(c[2].firstChild, 'not checked yet');
	setText(c[2].lastChild, l && l.attempts > 1 ? `${l.attempts} attempts` : '');
	setText(c[3], ms(l && l.latency_ms));
	setText(c[4].firstChild, str(l && l.reason));
	setText(c[4].lastChild, str(l && l.message));
	sparkline(c[5].firstChild, d.points || []);
	setText(c[6], pct(m.uptime_24h));
	setText(c[7], d.uptime === undefined ? '…' : pct(d.uptime));
}

/* The sparkline's points: the stored results, then each newer last_result. */
function mergeLast(m) {
	const d = st.details[m.id], l = m.last_result, t = Date.parse(str(l && l.time));

	if (d && d.points && !isNaN(t) && (!d.points.length || t > d.points[d.points.length - 1].t)) {
		d.points.push({ t, v: num(l.latency_ms), bad: l.status === 'down' });
		if (d.points.length > SPARK)
			d.points.shift();
	}
}

/* Sparklines and 30-day uptimes: a few monitors a tick, each once a minute at most. */
async function details(list) {
	const now = Date.now(), at = (m) => (st.details[m.id] || { at: 0 }).at;
	const due = list.filter((m) => now - at(m) >= DETAIL_EVERY).sort((a, b) => at(a) - at(b));

	await Promise.all(due.slice(0, DETAILS_PER_TICK).map(async (m) => {
		const d = st.details[m.id] || (st.details[m.id] = {});

		d.at = now; /* also when it fails: no storm of retries */
		const [res, up] = await Promise.all([
			call('GET', '/api/v1/monitors/{id}/results', { id: m.id }, { since: '1h', limit: SPARK }),
			call('GET', '/api/v1/monitors/{id}/uptime', { id: m.id }, { window: '30d' }),
		]);
		d.points = arr(res && res.results).map((x) => ({ t: Date.parse(str(x.time)), v: num(x.latency_ms),
			bad: x.status === 'down' })).filter((p) => !isNaN(p.t)).reverse();
		d.uptime = num(up && up.uptime);
		mergeLast(m);
	}));
	renderMonitors();
}

function sparkline(s, points) {
	const vals = points.map((p) => p.v).filter((v) => v !== null), n = points.length;
	const max = Math.max(0, ...vals), key = `${n}:${n && points[n - 1].t}`;
	let d = '';

	if (s.getAttribute('data-k') === key)
		return;
	s.setAttribute('data-k', key);
	clear(s);
	points.forEach((p, i) => {
		const x = n > 1 ? (i * 120) / (n - 1) : 60;

		if (p.bad)
			s.appendChild(svg('rect', { x: Math.min(x, 118), y: 0, width: 2, height: 24, class: 'bad' }));
		if (p.v !== null)
			d += `${d ? 'L' : 'M'}${x.toFixed(1)},${(22 - (max > 0 ? (p.v / max) * 20 : 0)).toFixed(1)}`;
	});
	s.appendChild(svg('path', { d: d || 'M0,22' }));
	s.setAttribute('aria-label', vals.length ? `Latency of the last ${n} checks: ${ms(Math.min(...vals))} to ` +
	               `${ms(max)}, last ${ms(vals[vals.length - 1])}` : 'No latency recorded in the last hour');
}

/* ---- alerts ---- */

function renderAlerts(doc) {
	const t = (a) => Date.parse(str(a.started)) || 0;
	const list = arr(doc && doc.alerts).slice().sort((a, b) => t(b) - t(a) || b.id - a.id);

	setText($('alerts-count'), list.length ? `(${list.length})` : '');
	$('alerts-empty').hidden = list.length > 0;
	$('alerts-table').parentNode.hidden = !list.length;
	syncRows($('alerts-body'), list, (a) => a.id, () => copy('tpl-alert'), updateAlertRow);
	return list;
}

function updateAlertRow(tr, a) {
	const c = tr.cells, id = String(a.id), b = c[4].firstChild, done = c[4].children[1];
	const mon = str(a.monitor), by = typeof a.acked_by === 'string' ? a.acked_by : null;

	setAttr(tr, 'data-alert-id', id);
	setAttr(tr, 'data-acked-by', by);
	timeEl(c[0].firstChild, a.started);
	setText(c[1].firstChild, st.names[mon] || mon || str(a.rule));
	setText(c[1].lastChild, st.names[mon] ? `${mon} · ${str(a.rule)}` : 'threshold rule');
	setAttr(c[2].firstChild, 'data-severity', str(a.severity));
	setText(c[2].firstChild, str(a.severity));
	setText(c[3], str(a.message));
	setAttr(b, 'data-ack', id);
	setAttr(b, 'aria-label', `Acknowledge alert ${id}: ${str(a.message)}`);
	if (by !== null)
		delete st.acking[id];
	b.hidden = by !== null || st.acking[id] === 'done';
	b.disabled = st.acking[id] === 'sending';
	setText(b, b.disabled ? 'Acknowledging…' : 'Acknowledge');
	setText(done, by !== null ? `Acknowledged by ${by}` : b.hidden ? 'Acknowledged; waiting for Vigil to record it…' : '');
	setAttr(done, 'title', local(a.acked_at));
	done.hidden = !done.textContent;
}

function ackMessage(tr, text) {
	if (tr && tr.parentNode)
		setText(tr.cells[4].lastChild, text);
	setText($('ack-notice'), text);
	$('ack-notice').hidden = !text;
}

async function acknowledge(b) {
	const id = b.getAttribute('data-ack'), tr = b.closest('tr');

	if (!id || st.acking[id])
		return;
	st.acking[id] = 'sending';
	b.disabled = true;
	setText(b, 'Acknowledging…');
	ackMessage(tr, '');
	try {
		await call('POST', '/api/v1/alerts/{id}/ack', { id });
		st.acking[id] = 'done';
		refreshAlerts(id, 20);
	} catch (e) {
		delete st.acking[id];
		b.disabled = false;
		setText(b, 'Acknowledge');
		if (e.status === 401)
			return refused();
		ackMessage(tr, e.status === 403 && e.code === 'blocked' ? 'Vigil has blocked this address (403 blocked).'
			: e.status === 403 ? 'Not allowed: this token may only view. Acknowledging needs an operator token ' +
			  '(forget this one and sign in with one).'
			: e.status === 404 ? `Alert ${id} is no longer firing.`
			: e.status === 0 ? `Vigil cannot be reached: alert ${id} is not acknowledged. Try again.`
			: `Acknowledging alert ${id} failed: ${describe(e)}.`);
		if (e.status === 404)
			refreshAlerts(id, 1);
	}
}

/* The acknowledgement reaches the store within a second or so: look again until it shows. */
async function refreshAlerts(id, tries) {
	try {
		const list = renderAlerts(await call('GET', '/api/v1/alerts', null, { state: 'firing', limit: 200 }));

		if (tries > 1 && list.some((a) => String(a.id) === id && a.acked_by === null))
			setTimeout(refreshAlerts, 300, id, tries - 1);
	} catch (ignored) { /* the next refresh says what is wrong */ }
}

/* ---- notifications ---- */

function renderNotifications(doc) {
	const list = arr(doc && doc.notifications).slice().sort((a, b) => b.id - a.id);

	$('notifications-empty').hidden = list.length > 0;
	$('notifications-table').parentNode.hidden = !list.length;
	syncRows($('notifications-body'), list, (n) => n.id, () => copy('tpl-notification'), (tr, n) => {
		const c = tr.cells, status = str(n.status);

		setAttr(tr, 'data-notification-id', String(n.id));
		setAttr(tr, 'data-status', status);
		timeEl(c[0].firstChild, n.created);
		setText(c[1], str(n.channel));
		setText(c[2], str(n.kind));
		setText(c[3], num(n.alert) === null ? '—' : `#${n.alert}`);
		setAttr(c[4].firstChild, 'data-status', status);
		setText(c[4].firstChild, status);
		setText(c[4].lastChild, status === 'delivered' ? ago(n.delivered)
			: status === 'pending' && n.next_attempt ? `next try ${ago(n.next_attempt)}` : '');
		setText(c[5], fixed(n.attempts));
		setText(c[6], str(n.last_error));
	});
}

/* ---- Vigil itself ---- */

function renderStats(d) {
	d = d || {};
	const dl = $('stats'), rps = d.requests_per_second || {};
	const items = [
		['Monitors', fixed(d.monitors)],
		['Checks running / queued', `${fixed(d.active_checks)} / ${fixed(d.queued_checks)}`],
		['Requests', fixed(d.request_count)],
		['Errors 4xx / 5xx', `${fixed(d.client_error_count)} / ${fixed(d.server_error_count)}`],
		['Requests/s, 1 min', fixed(rps['1m'], 2)],
		['Response time avg / p95', `${ms(d.avg_response_time_ms)} / ${ms(d.p95_response_time_ms)}`],
		['Store queue', fixed(d.store_queue_depth)],
		['Vigil up for', num(d.uptime_seconds) === null ? '—' : span(Math.round(d.uptime_seconds))],
	];

	items.forEach(([name, value], i) => {
		let div = dl.children[i];

		if (!div) {
			div = dl.appendChild(el('div'));
			div.append(el('dt'), el('dd'));
		}
		setText(div.firstChild, name);
		setText(div.lastChild, value);
	});
}

function renderSecurity(d) {
	d = d || {};
	const v = d.violations || {}, types = v.by_type || {}, b = d.blocked_ips || {}, s = $('security-status');

	setAttr(s, 'data-level', str(d.security_status));
	setText(s, `Status: ${str(d.security_status).replace(/_/g, ' ') || 'unknown'} · violations: ${fixed(v.last_1h)} in 1 h, ` +
	        `${fixed(v.last_24h)} in 24 h, ${fixed(v.last_7d)} in 7 d · ${fixed(b.current)} address(es) blocked now`);
	syncRows($('violations-body'), Object.keys(types), String, () => copy('tpl-violation'), (tr, k) => {
		setText(tr.cells[0], k.replace(/_/g, ' '));
		['last_1h', 'last_24h', 'last_7d', 'total'].forEach((w, i) => setText(tr.cells[i + 1], fixed((types[k] || {})[w])));
	});
	list('blocks', arr(b.list), (x) => `${str(x.ip)} — since ${ago(x.since)}, until ${local(x.until) || 'unblocked'}` +
	     `${x.by ? `, by ${x.by}` : ''}${x.reason ? `: ${x.reason}` : ''}`);
	list('suspects', arr(d.top_suspicious_ips_24h), (x) => `${str(x.ip)} — ${fixed(x.violations)} violation(s)`);
}

function list(id, items, text) {
	const ul = $(id);

	$(`${id}-empty`).hidden = items.length > 0;
	while (ul.children.length > items.length)
		ul.removeChild(ul.lastChild);
	items.forEach((x, i) => setText(ul.children[i] || ul.appendChild(el('li')), text(x)));
}

/* ---- the host ---- */

async function hostNow() {
	let h;

	try {
		h = st.host = (await call('GET', '/api/v1/host')) || {};
	} catch (e) {
		if (e.status !== 503)
			throw e;
		return setText($('host-summary'), 'No host figures: host metrics are off (host.enabled) or not sampled yet.');
	}
	const sys = h.system || {}, mem = h.memory || {}, load = h.load || {}, cpu = h.cpu || {};
	const parts = [str(sys.hostname), str(sys.kernel),
		num(sys.uptime_seconds) === null ? '' : `up ${span(Math.round(sys.uptime_seconds))}`,
		`${fixed(cpu.count)} CPU(s) at ${fixed(cpu.percent, 1)} %`,
		`load ${fixed(load['1'], 2)} ${fixed(load['5'], 2)} ${fixed(load['15'], 2)}`,
		`memory ${fixed(mem.percent, 1)} % of ${bytes(mem.total_bytes)}`,
		...arr(h.filesystems).slice(0, 4).map((f) => `${str(f.mountpoint)} ${fixed(f.percent, 1)} % used`)];
	setText($('host-summary'), parts.filter(Boolean).join(' · '));
}

/* The charts and their lines, from the series Vigil has. */
function chartSpecs(ids) {
	const pick = (re, max, word = '') => ids.filter((id) => re.test(id)).slice(0, max).map((id) => {
		const m = /="(.*)"\}$/.exec(id);

		return { id, label: `${word} ${m ? m[1] : ''}`.trim() || id };
	});
	/* the two busiest network interfaces (of /api/v1/host) with traffic, not loopback */
	const total = (n) => (num(n.rx_bytes_total) || 0) + (num(n.tx_bytes_total) || 0);
	const nics = arr(st.host && st.host.network).filter((n) => n.device !== 'lo' && total(n) > 0)
		.sort((a, b) => total(b) - total(a)).slice(0, 2).map((n) => `{device="${n.device}"}`);
	const net = (re, word) => pick(re, 99, word).filter((s) => nics.includes(s.id.slice(s.id.indexOf('{'))));
	return [
		{ key: 'cpu', title: 'CPU', max: 100, series: pick(/^cpu\.percent$/, 1, 'busy') },
		{ key: 'memory', title: 'Memory used', max: 100, series: pick(/^memory\.percent$/, 1, 'memory').concat(pick(/^swap\.percent$/, 1, 'swap')) },
		{ key: 'disk', title: 'Disk space used', max: 100, series: pick(/^disk\.percent\{/, 4) },
		{ key: 'network', title: 'Network', max: 0, series: net(/^net\.rx_bytes_per_s\{/, 'in').concat(net(/^net\.tx_bytes_per_s\{/, 'out')) },
	];
}

async function charts() {
	const now = Date.now(), range = st.range, r = RANGES[range];
	let ids = st.series;

	try {
		if (!ids || now - st.seriesAt >= SERIES_EVERY) {
			const doc = await call('GET', '/api/v1/host/series');

			st.seriesAt = now;
			ids = st.series = arr(doc && doc.series).filter((s) => typeof s === 'string');
		}
	} catch (e) {
		if (e.status === 503)
			return;
		throw e;
	}
	if (range === '24h' && now - (st.chartsAt[range] || 0) < DAY_EVERY)
		return;
	const specs = chartSpecs(ids).filter((spec) => spec.series.length);
	const data = await Promise.all(specs.map((spec) => Promise.all(spec.series.map((s) =>
		call('GET', '/api/v1/host/series', null, { metric: s.id, since: range, step: r.step })))));
	if (st.range !== range)
		return;
	st.chartsAt[range] = Date.now();
	specs.forEach((spec, i) => drawChart(spec, data[i].map((doc) => arr(doc && doc.points)), r));
}

function chartFigure(spec) {
	let f = $(`chart-${spec.key}`);

	if (!f) {
		f = $('charts').appendChild(copy('tpl-chart'));
		f.id = `chart-${spec.key}`;
		f.setAttribute('data-chart', spec.key);
		f.querySelector('span').textContent = spec.title;
	}
	return f;
}

const fmt = (spec, v, digits = 1) => (spec.max ? `${fixed(v, digits)} %` : bytes(v, '/s'));
const yOf = (v, max) => (150 - (Math.min(Math.max(num(v) || 0, 0), max) / max) * 148).toFixed(1);

/* Lines (avg) over bands (min to max) for each series, broken where samples are missing. */
function drawChart(spec, data, range) {
	const f = chartFigure(spec), s = f.querySelector('svg'), g = s.lastChild, legend = f.querySelector('.legend');
	const x = f.querySelector('.xaxis').children, words = [];
	let end = 0, max = spec.max || 1, n = 0;

	for (const p of data.flat()) {
		end = Math.max(end, Date.parse(str(p.time)) || 0);
		max = Math.max(max, spec.max || num(p.max) || num(p.avg) || 0);
	}
	if (!spec.max) { /* 1, 2 or 5 times a power of ten */
		const p10 = 10 ** Math.floor(Math.log10(max)), m = max / p10;

		max = (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p10;
	}
	end = end || Date.now();
	clear(g);
	clear(legend);
	setText(f.querySelector('.yaxis').firstChild, fmt(spec, max, 0));
	setText(x[0], range.ticks[0]);
	setText(x[1], range.ticks[1]);
	spec.series.forEach((ser, i) => {
		const segs = [];
		let seg = null, prev = 0, last = null;

		for (const p of data[i]) {
			const t = Date.parse(str(p.time)), a = num(p.avg);

			if (isNaN(t) || a === null || t < end - range.ms)
				continue;
			if (!seg || t - prev > range.ms / 40)
				segs.push((seg = []));
			seg.push({ x: (((t - end + range.ms) / range.ms) * 600).toFixed(1), a, lo: num(p.min), hi: num(p.max) });
			prev = t;
			last = a;
			n++;
		}
		for (const pts of segs) {
			let line = '', top = '', bottom = '';

			pts.forEach((p, j) => {
				line += `${j ? 'L' : 'M'}${p.x},${yOf(p.a, max)}`;
				top += `${j ? 'L' : 'M'}${p.x},${yOf(p.hi === null ? p.a : p.hi, max)}`;
				bottom = `L${p.x},${yOf(p.lo === null ? p.a : p.lo, max)}${bottom}`;
			});
			if (pts.length > 1)
				g.appendChild(svg('path', { d: `${top}${bottom}Z`, class: `band s${i}` }));
			g.appendChild(svg('path', { d: pts.length > 1 ? line : `${line}h2`, class: `line s${i}` }));
		}
		const now = last === null ? '—' : fmt(spec, last);
		legend.appendChild(el('li')).append(el('span', `key s${i}`), `${ser.label} `, el('b', '', now));
		words.push(`${ser.label} ${last === null ? 'no data' : `${now} now`}`);
	});
	const label = `${spec.title} over the ${range.words}: ${words.join(', ') || 'no series'}`;
	setText(s.firstChild, label);
	s.setAttribute('aria-label', label);
	setText(f.querySelector('.now'), words.length === 1 ? words[0] : '');
	f.querySelector('.empty').hidden = n > 0;
}

function setRange(range) {
	st.range = range;
	st.chartsAt = map();
	for (const k in RANGES)
		$(`range-${k}`).setAttribute('aria-pressed', String(k === range));
	if (st.token)
		charts().catch(() => {}); /* the next refresh says what is wrong */
}

/* ---- wiring ---- */

function start() {
	let saved = null;

	reset(null);
	$('login').addEventListener('submit', (e) => {
		const t = $('token').value.trim();

		e.preventDefault();
		if (!/^[\x21-\x7e]+$/.test(t))
			return notice('auth', 'A token is printable ASCII without spaces.');
		$('token').value = '';
		try {
			sessionStorage.setItem(KEY, t);
		} catch (ignored) { /* kept for this page only */ }
		signIn(t);
	});
	$('filters').addEventListener('submit', (e) => e.preventDefault());
	$('filters').addEventListener('input', renderMonitors);
	$('filters').addEventListener('change', renderMonitors);
	$('logout').addEventListener('click', () => signOut('info', 'The token is forgotten in this tab.'));
	$('alerts-body').addEventListener('click', (e) => {
		const b = e.target.closest('button[data-ack]');

		if (b)
			acknowledge(b);
	});
	for (const k in RANGES)
		$(`range-${k}`).addEventListener('click', () => setRange(k));
	document.addEventListener('visibilitychange', () => {
		if (document.hidden)
			clearTimeout(st.timer);
		else if (st.token && !st.busy)
			schedule(0);
	});
	try {
		saved = sessionStorage.getItem(KEY);
	} catch (ignored) { /* no storage: ask every time */ }
	if (saved)
		signIn(saved);
	else
		$('token').focus();
}

start();
