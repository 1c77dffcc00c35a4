/* Loading YAML text into a libyaml document, with located syntax errors. */
#ifndef VIGIL_CONF_YAML_H
#define VIGIL_CONF_YAML_H

#include <stddef.h>
#include <yaml.h>

struct conf_diag;

#define CONF_FILE_MAX (4 * 1024 * 1024)

/*
 * Parses the first YAML document of TEXT into DOC (delete it with
 * yaml_document_delete on success). Returns 0, or -1 after adding a
 * "NAME:line:col: syntax error: ..." to DIAG. A second document is an error.
 */
int conf_yaml_load(const char *name, const char *text, size_t len, yaml_document_t *doc,
                   struct conf_diag *diag);

/*
 * Reads the file at PATH (at most CONF_FILE_MAX bytes) into a newly
 * allocated NUL-terminated buffer. Returns it, or NULL after adding an error
 * naming PATH to DIAG.
 */
char *conf_read_file(const char *path, size_t *len, struct conf_diag *diag);

#endif
