/* libyaml document loading and config file reading. */
#include "conf/yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/schema.h"
#include "util/xmalloc.h"

static void syntax_error(const char *name, yaml_parser_t *p, struct conf_diag *diag)
{
	const char *what = p->problem ? p->problem : "invalid YAML";

	if (p->context != NULL)
		conf_diag_add(diag, "%s:%zu:%zu: syntax error: %s %s", name,
		              p->problem_mark.line + 1, p->problem_mark.column + 1, what,
		              p->context);
	else
		conf_diag_add(diag, "%s:%zu:%zu: syntax error: %s", name, p->problem_mark.line + 1,
		              p->problem_mark.column + 1, what);
}

int conf_yaml_load(const char *name, const char *text, size_t len, yaml_document_t *doc,
                   struct conf_diag *diag)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int r = -1;

	if (!yaml_parser_initialize(&parser)) {
		conf_diag_add(diag, "%s: out of memory", name);
		return -1;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, doc)) {
		syntax_error(name, &parser, diag);
		goto out;
	}
	if (!yaml_parser_load(&parser, &extra)) {
		syntax_error(name, &parser, diag);
		yaml_document_delete(doc);
		goto out;
	}
	if (yaml_document_get_root_node(&extra) != NULL) {
		conf_diag_add(diag, "%s:%zu:%zu: only one YAML document is allowed", name,
		              extra.start_mark.line + 1, extra.start_mark.column + 1);
		yaml_document_delete(&extra);
		yaml_document_delete(doc);
		goto out;
	}
	yaml_document_delete(&extra);
	r = 0;
out:
	yaml_parser_delete(&parser);
	return r;
}

char *conf_read_file(const char *path, size_t *len, struct conf_diag *diag)
{
	struct stat st;
	char *data;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		conf_diag_add(diag, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		conf_diag_add(diag, "%s: cannot stat: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > CONF_FILE_MAX) {
		conf_diag_add(diag, "%s: %s", path,
		              !S_ISREG(st.st_mode) ? "not a regular file" : "larger than 4 MiB");
		close(fd);
		return NULL;
	}
	data = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			conf_diag_add(diag, "%s: cannot read: %s", path,
			              n < 0 ? strerror(errno) : "file shrank while reading");
			free(data);
			close(fd);
			return NULL;
		}
		got += (size_t)n;
	}
	close(fd);
	data[got] = '\0';
	*len = got;
	return data;
}
