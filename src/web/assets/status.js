/*
 * Vigil status page: live refresh. Loaded only when status_page.refresh is
 * set (its milliseconds are in <body data-refresh>). Polls /api/v1/status/summary and
 * updates the banner and each component's state in place; the page is
 * complete without this script. Text goes in through textContent only.
 */
(function () {
	'use strict';

	var body = document.body;
	var every = parseInt(body.getAttribute('data-refresh') || '0', 10);
	var MAX_BACKOFF = 300000;
	var PREFIX = '/status/components/';
	var labels = {
		operational: 'Operational',
		degraded_performance: 'Degraded Performance',
		partial_outage: 'Partial Outage',
		major_outage: 'Major Outage',
		under_maintenance: 'Under Maintenance'
	};
	var rank = {
		operational: 0,
		under_maintenance: 1,
		degraded_performance: 2,
		partial_outage: 3,
		major_outage: 4
	};
	var live = document.getElementById('live');
	var timer = null;
	var busy = false;
	var failures = 0;

	if (!(every > 0) || typeof window.fetch !== 'function')
		return;
	if (every < 1000)
		every = 1000;

	function has(obj, key) {
		return Object.prototype.hasOwnProperty.call(obj, key);
	}

	function setText(el, text) {
		if (el && el.textContent !== text)
			el.textContent = text;
	}

	function setState(el, word) {
		if (el && el.getAttribute('data-state') !== word)
			el.setAttribute('data-state', word);
	}

	function pad(n) {
		return (n < 10 ? '0' : '') + n;
	}

	/* Each component's <li>, by its id: the last segment of its name's link. */
	function componentsById() {
		var map = Object.create(null);
		var links = document.querySelectorAll('li[data-state] > a[href^="' + PREFIX + '"]');
		var i;

		for (i = 0; i < links.length; i++) {
			try {
				map[decodeURIComponent(links[i].getAttribute('href').slice(PREFIX.length))] =
				        links[i].parentNode;
			} catch (e) {
				/* not ours: left alone */
			}
		}
		return map;
	}

	/* A group's summary shows the worst state among its components. */
	function updateGroups() {
		var groups = document.querySelectorAll('li.g');
		var i, j;

		for (i = 0; i < groups.length; i++) {
			var members = groups[i].querySelectorAll('li[data-state]');
			var worst = 'operational';
			var summary = groups[i].querySelector('summary .s');

			for (j = 0; j < members.length; j++) {
				var s = members[j].getAttribute('data-state');

				if (has(rank, s) && rank[s] > rank[worst])
					worst = s;
			}
			setState(summary, worst);
			setText(summary, labels[worst]);
		}
	}

	function apply(data) {
		var banner = document.getElementById('banner');
		var map = componentsById();
		var list = data && Array.isArray(data.components) ? data.components : [];
		var i;

		if (banner && data && data.status && typeof data.status.indicator === 'string' &&
		    typeof data.status.description === 'string') {
			setState(banner, data.status.indicator);
			setText(banner.querySelector('h2'), data.status.description);
		}
		for (i = 0; i < list.length; i++) {
			var c = list[i];
			var el = c && typeof c.id === 'string' ? map[c.id] : null;

			if (!el || !has(labels, c.status))
				continue;
			setState(el, c.status);
			setText(el.querySelector(':scope > .s'), labels[c.status]);
		}
		updateGroups();
	}

	function mark(ok) {
		var d = new Date();

		if (!live)
			return;
		live.hidden = false;
		if (ok) {
			live.removeAttribute('data-stale');
			setText(live, '· Live · updated ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) +
			              ':' + pad(d.getSeconds()));
		} else {
			live.setAttribute('data-stale', '');
			setText(live, '· Reconnecting…');
		}
	}

	function schedule(ms) {
		clearTimeout(timer);
		timer = setTimeout(poll, ms);
	}

	function poll() {
		if (busy)
			return;
		if (document.hidden) {
			schedule(every);
			return;
		}
		busy = true;
		fetch('/api/v1/status/summary', {
			cache: 'no-cache', /* revalidates with the ETag: 304 while nothing changed */
			credentials: 'omit',
			headers: { Accept: 'application/json' }
		})
			.then(function (r) {
				if (!r.ok)
					throw new Error('HTTP ' + r.status);
				return r.json();
			})
			.then(function (data) {
				busy = false;
				failures = 0;
				apply(data);
				mark(true);
				schedule(every);
			})
			.catch(function () {
				busy = false;
				failures++;
				mark(false);
				/* keep the page as it is; retry, backing off while it fails */
				schedule(Math.min(every * Math.pow(2, Math.min(failures, 8)),
				                  Math.max(every, MAX_BACKOFF)));
			});
	}

	document.addEventListener('visibilitychange', function () {
		if (!document.hidden)
			schedule(0);
	});
	schedule(0);
})();
