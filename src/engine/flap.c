/* Flap detection: the weighted share of state changes over the last results. */
#include "engine/flap.h"

bool flap_add(struct flap *f, bool down, double high, double low, double *share)
{
	double s = 0;
	int i, prev, cur;

	f->ring[f->pos] = down;
	f->pos = (f->pos + 1) % FLAP_WINDOW;
	if (f->n < FLAP_WINDOW)
		f->n++;
	if (f->n < FLAP_WINDOW || high <= 0)
		return false;
	for (i = 1; i < FLAP_WINDOW; i++) { /* oldest first: the ring starts at pos */
		prev = f->ring[(f->pos + i - 1) % FLAP_WINDOW];
		cur = f->ring[(f->pos + i) % FLAP_WINDOW];
		if (prev != cur)
			s += 0.8 + 0.4 * (double)(i - 1) / (FLAP_WINDOW - 2);
	}
	*share = s * 100 / (FLAP_WINDOW - 1);
	if (f->flapping == (*share > (f->flapping ? low : high)))
		return false;
	f->flapping = !f->flapping;
	return true;
}
