/* `vigil top`'s loop: the terminal's set-up, the keys, and a refresh every interval. */
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/top.h"
#include "tui/tui_int.h"
#include "util/time.h"
#include "util/xmalloc.h"

#define KEY_ESC       27
#define KEY_TAB       '\t'
#define TICK_MS       100 /* how long getch waits for a key */
#define PAGE_ROWS     10
/*
 * A refused token is retried this seldom at most: every failed
 * authentication is a violation, and enough of them block the address.
 */
#define AUTH_RETRY_MS 30000

static void select_row(struct top *t, long delta)
{
	long n = (long)t->nidx, s = (long)t->sel + delta;

	if (n == 0)
		return;
	s = s < 0 ? 0 : s >= n ? n - 1 : s;
	t->sel = (size_t)s;
	snprintf(t->sel_id, sizeof(t->sel_id), "%s", t->model.mon[t->idx[t->sel]].id);
}

static void select_alert(struct top *t, long delta)
{
	long n = (long)t->model.nalerts, s = (long)t->alert_sel + delta;

	if (n == 0)
		return;
	t->alert_sel = (size_t)(s < 0 ? 0 : s >= n ? n - 1 : s);
}

static void move_by(struct top *t, long delta)
{
	if (t->view == VIEW_DETAIL) {
		t->detail_scroll += (int)delta;
		if (t->detail_scroll < 0)
			t->detail_scroll = 0;
	} else if (t->focus == FOCUS_ALERTS)
		select_alert(t, delta);
	else
		select_row(t, delta);
}

static void open_detail(struct top *t)
{
	if (t->nidx == 0)
		return;
	if (t->detail == NULL)
		t->detail = xcalloc(1, sizeof(*t->detail));
	memset(t->detail, 0, sizeof(*t->detail));
	snprintf(t->detail_id, sizeof(t->detail_id), "%s", t->model.mon[t->idx[t->sel]].id);
	/* start from what the list knows: its sparkline shows at once */
	t->detail->m = t->model.mon[t->idx[t->sel]];
	t->view = VIEW_DETAIL;
	t->detail_scroll = 0;
	t->next_fetch = 0;
}

static void close_detail(struct top *t)
{
	t->view = VIEW_LIST;
	t->next_fetch = 0;
}

/* 'a': the selected alert, or the first unacknowledged one of the selected monitor. */
static void ack(struct top *t)
{
	const struct model_monitor *mm;
	size_t i;

	if (t->focus == FOCUS_ALERTS && t->alert_sel < t->model.nalerts) {
		top_ack(t, t->model.alerts[t->alert_sel].id);
		return;
	}
	if (t->nidx == 0) {
		top_notice(t, "no alert selected");
		return;
	}
	mm = t->view == VIEW_DETAIL ? &t->detail->m : &t->model.mon[t->idx[t->sel]];
	for (i = 0; i < t->model.nalerts; i++)
		if (strcmp(t->model.alerts[i].monitor, mm->id) == 0 &&
		    t->model.alerts[i].acked_by[0] == '\0') {
			top_ack(t, t->model.alerts[i].id);
			return;
		}
	top_notice(t, "%s has no unacknowledged firing alert (Tab selects among the alerts)",
	           mm->name);
}

/* A key while the filter is being typed. */
static void edit_key(struct top *t, int ch)
{
	size_t len = strlen(t->edit);

	if (ch == KEY_ESC) {
		t->editing = false;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		snprintf(t->filter, sizeof(t->filter), "%s", t->edit);
		t->editing = false;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (len > 0)
			t->edit[len - 1] = '\0';
	} else if (ch == 21) { /* ^U */
		t->edit[0] = '\0';
	} else if (ch >= 32 && ch < 127 && len + 1 < sizeof(t->edit)) {
		t->edit[len] = (char)ch;
		t->edit[len + 1] = '\0';
	}
	top_reindex(t);
}

static void list_key(struct top *t, int ch)
{
	switch (ch) {
	case 'q':
		t->quit = true;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (t->focus == FOCUS_MONITORS)
			open_detail(t);
		break;
	case '/':
		t->editing = true;
		snprintf(t->edit, sizeof(t->edit), "%s", t->filter);
		break;
	case 's':
		t->sort = (enum model_sort)((t->sort + 1) % MODEL_SORTS);
		top_reindex(t);
		break;
	case KEY_TAB:
		t->focus = t->focus == FOCUS_MONITORS && t->model.nalerts ? FOCUS_ALERTS
		                                                          : FOCUS_MONITORS;
		break;
	case KEY_ESC:
		t->focus = FOCUS_MONITORS;
		break;
	default:
		break;
	}
}

static void key(struct top *t, int ch)
{
	if (t->view == VIEW_HELP) {
		t->view = t->back;
		return;
	}
	if (t->editing) {
		edit_key(t, ch);
		return;
	}
	switch (ch) {
	case 'r':
		t->next_fetch = 0;
		return;
	case '?':
		t->back = t->view;
		t->view = VIEW_HELP;
		return;
	case 'a':
		ack(t);
		return;
	case KEY_UP:
	case 'k':
		move_by(t, -1);
		return;
	case KEY_DOWN:
	case 'j':
		move_by(t, 1);
		return;
	case KEY_PPAGE:
		move_by(t, -PAGE_ROWS);
		return;
	case KEY_NPAGE:
		move_by(t, PAGE_ROWS);
		return;
	case KEY_HOME:
		move_by(t, -100000);
		return;
	case KEY_END:
		move_by(t, 100000);
		return;
	default:
		break;
	}
	if (t->view == VIEW_DETAIL) {
		if (ch == 'q' || ch == KEY_ESC || ch == KEY_LEFT || ch == 'h')
			close_detail(t);
		return;
	}
	list_key(t, ch);
}

/* Sets up the terminal; returns its screen, or NULL after saying why. */
static SCREEN *screen_init(struct top *t)
{
	const char *cs, *term = getenv("TERM");
	SCREEN *scr;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "vigil top: needs a terminal (use vigil status for scripts)\n");
		return NULL;
	}
	setlocale(LC_ALL, "");
	cs = nl_langinfo(CODESET);
	t->ascii = cs == NULL || strcmp(cs, "UTF-8") != 0;
	scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		fprintf(stderr, "vigil top: cannot use the terminal (TERM=%s)\n", term ? term : "");
		return NULL;
	}
	set_term(scr);
	set_escdelay(25);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	timeout(TICK_MS);
	t->colors = getenv("NO_COLOR") == NULL && top_colors_init();
	return scr;
}

static void top_free(struct top *t)
{
	model_free(&t->model);
	free(t->detail);
	free(t->idx);
}

int tui_top_run(struct client *c, int64_t interval_ms)
{
	struct top t;
	SCREEN *scr;

	memset(&t, 0, sizeof(t));
	t.client = c;
	t.interval_ms = interval_ms;
	model_init(&t.model);
	if ((scr = screen_init(&t)) == NULL)
		return 1;
	while (!t.quit) {
		int64_t now = time_mono_ns();
		int ch;

		if (now >= t.next_fetch) {
			top_draw(&t); /* show "connecting" / the old data while the call runs */
			top_fetch(&t);
			t.retry_ms = t.error_kind == CLIENT_EAUTH && t.interval_ms < AUTH_RETRY_MS
			                     ? AUTH_RETRY_MS
			                     : t.interval_ms;
			t.next_fetch = time_mono_ns() + t.retry_ms * NS_PER_MS;
		}
		top_draw(&t);
		ch = getch();
		if (ch != ERR && ch != KEY_RESIZE)
			key(&t, ch);
	}
	endwin();
	delscreen(scr);
	top_free(&t);
	return 0;
}
