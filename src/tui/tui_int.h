/* Internals of `vigil top` shared by its files: the dashboard's state, drawing and fetching. */
#ifndef VIGIL_TUI_INT_H
#define VIGIL_TUI_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli/client.h"
#include "tui/model.h"

enum top_view { VIEW_LIST, VIEW_DETAIL, VIEW_HELP };
enum top_focus { FOCUS_MONITORS, FOCUS_ALERTS };

/* Colour pairs (0: none). */
enum top_pair { PAIR_UP = 1, PAIR_DEGRADED, PAIR_DOWN, PAIR_OTHER, PAIR_TITLE, PAIR_ERROR };

#define TOP_FILTER_LEN 64

struct top {
	struct client *client; /* borrowed */
	int64_t interval_ms;
	struct model model;
	struct model_detail *detail; /* of detail_id, while in VIEW_DETAIL */
	char detail_id[128];
	enum top_view view, back; /* back: the view under the help */
	enum top_focus focus;
	enum model_sort sort;
	char filter[TOP_FILTER_LEN];
	char edit[TOP_FILTER_LEN]; /* the filter being typed */
	bool editing;
	size_t *idx; /* the monitors shown, in order (model_view) */
	size_t nidx, idx_cap;
	size_t sel, first; /* selected row and first row shown */
	char sel_id[128];  /* the selected monitor, kept across refreshes */
	size_t alert_sel, alert_first;
	int detail_scroll;
	bool have_data;  /* at least one good answer */
	char error[400]; /* the last refresh's failure; "" when it went well */
	enum client_err error_kind;
	char notice[300];     /* a one-off message (acknowledged, ...) */
	int64_t notice_until; /* monotonic ns */
	char updated[16];     /* wall-clock time of the last good refresh, HH:MM:SS */
	int64_t next_fetch;   /* monotonic ns */
	int64_t retry_ms;     /* until the next try after a failure */
	bool colors, ascii, quit;
};

/* fetch.c: refreshes the list (monitors, host, alerts) or the detail; sets error. */
void top_fetch(struct top *t);
/* Acknowledges alert ID; leaves the outcome in notice. */
void top_ack(struct top *t, int64_t id);
/* Recomputes idx from the model, the filter and the sort, keeping the selection. */
void top_reindex(struct top *t);

/* draw.c: draws the current view on the whole screen. */
void top_draw(struct top *t);
/* Sets up the colour pairs when the terminal has colours; returns whether it has. */
bool top_colors_init(void);

/* The notice shown for a few seconds. */
void top_notice(struct top *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
