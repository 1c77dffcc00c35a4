/*
 * libFuzzer target: the performance data parser. The input is the text after
 * '|' of a plugin's output; every invariant of the result is checked.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/perfdata.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A string of the result lies in the parser's copy of the input. */
static void check_string(const struct perfdata *pd, size_t size, const char *s)
{
	check(s >= pd->strings && s <= pd->strings + size);
	check(s + strlen(s) <= pd->strings + size);
}

static void check_range(const struct perfdata *pd, size_t size, const struct perfdata_range *r,
                        double v)
{
	if (r->text != NULL)
		check_string(pd, size, r->text);
	else
		check(!r->valid);
	if (r->valid)
		check(r->start <= r->end);
	(void)perfdata_range_alerts(r, v);
}

static void check_item(const struct perfdata *pd, size_t size, const struct perfdata_item *it)
{
	check_string(pd, size, it->label);
	check(it->label[0] != '\0' && strlen(it->label) <= PERFDATA_LABEL_MAX);
	check(strlen(it->uom) < PERFDATA_UOM_MAX);
	if (it->uom[0] != '\0')
		check_string(pd, size, it->uom);
	check(it->scale > 0 && isfinite(it->scale));
	check(isnan(it->value) || isfinite(it->value));
	check(isnan(it->min) || isfinite(it->min));
	check(isnan(it->max) || isfinite(it->max));
	check(perfdata_unit_name(it) != NULL);
	check_range(pd, size, &it->warn, it->value);
	check_range(pd, size, &it->crit, it->value);
	check(perfdata_find(pd, it->label) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfdata pd;
	size_t i;
	int n = perfdata_parse((const char *)data, size, &pd);

	check(n >= 0 && (size_t)n == pd.n && pd.n <= PERFDATA_ITEMS_MAX);
	check(pd.dropped == 0 || pd.n == PERFDATA_ITEMS_MAX);
	check(pd.n + pd.skipped + pd.dropped <= size);
	for (i = 0; i < pd.n; i++)
		check_item(&pd, size, &pd.items[i]);
	perfdata_free(&pd);
	check(pd.n == 0 && pd.items == NULL && pd.strings == NULL);
	return 0;
}
