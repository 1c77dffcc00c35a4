/* libFuzzer target: the config loader (YAML, expansion, every section's checks). */
#include <stdint.h>
#include <stdlib.h>

#include "conf/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_diag diag = { 0 };
	struct vigil_config *cfg;

	if (size > 64 * 1024)
		return 0;
	cfg = conf_load_string("fuzz.yaml", (const char *)data, size, &diag);
	if (cfg != NULL) {
		char *dump = conf_dump(cfg);

		free(dump);
		conf_unref(cfg);
	}
	conf_diag_free(&diag);
	return 0;
}
