/* Splitting a command line into words as a POSIX shell would, without running one. */
#include "probe/argv_split.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xmalloc.h"

/* The words being built: one buffer for the current word, the list so far. */
struct split {
	const char *s;
	size_t i;      /* next byte of s */
	char *word;    /* the current word (never longer than s) */
	size_t len;    /* bytes in word */
	bool in_word;  /* a word has begun (even an empty '' one) */
	char **v;      /* the words */
	size_t n, cap; /* words and room, the NULL excluded */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static void word_end(struct split *sp)
{
	if (!sp->in_word)
		return;
	sp->v = xgrow(sp->v, &sp->cap, sp->n + 2, sizeof(*sp->v));
	sp->v[sp->n++] = xstrndup(sp->word, sp->len);
	sp->v[sp->n] = NULL;
	sp->len = 0;
	sp->in_word = false;
}

static void put(struct split *sp, char c)
{
	sp->word[sp->len++] = c;
	sp->in_word = true;
}

/* After the opening quote: copies up to the closing one. Returns -1 when there is none. */
static int single_quoted(struct split *sp)
{
	const char *close = strchr(sp->s + sp->i, '\'');

	if (close == NULL)
		return -1;
	sp->in_word = true;
	while (sp->s + sp->i < close)
		put(sp, sp->s[sp->i++]);
	sp->i++;
	return 0;
}

static int double_quoted(struct split *sp)
{
	sp->in_word = true;
	for (;;) {
		char c = sp->s[sp->i];

		if (c == '\0')
			return -1;
		sp->i++;
		if (c == '"')
			return 0;
		if (c == '\\' && sp->s[sp->i] != '\0' && strchr("$`\"\\\n", sp->s[sp->i])) {
			c = sp->s[sp->i++];
			if (c == '\n')
				continue; /* line continuation */
		}
		put(sp, c);
	}
}

static void fail(char *err, size_t errlen, const char *what, size_t col)
{
	snprintf(err, errlen, "%s (column %zu)", what, col);
}

static int split_all(struct split *sp, char *err, size_t errlen)
{
	char c;

	while ((c = sp->s[sp->i]) != '\0') {
		size_t col = sp->i + 1;

		sp->i++;
		if (is_blank(c)) {
			word_end(sp);
		} else if (c == '\'') {
			if (single_quoted(sp) < 0) {
				fail(err, errlen, "unterminated single quote", col);
				return -1;
			}
		} else if (c == '"') {
			if (double_quoted(sp) < 0) {
				fail(err, errlen, "unterminated double quote", col);
				return -1;
			}
		} else if (c == '\\') {
			c = sp->s[sp->i];
			if (c == '\0') {
				fail(err, errlen, "ends with a backslash", col);
				return -1;
			}
			sp->i++;
			if (c != '\n')
				put(sp, c);
		} else {
			put(sp, c);
		}
	}
	word_end(sp);
	return 0;
}

int argv_split(const char *s, char ***argv, size_t *argc, char *err, size_t errlen)
{
	struct split sp = { .s = s };
	int r;

	sp.word = xmalloc(strlen(s) + 1);
	sp.v = xgrow(NULL, &sp.cap, 1, sizeof(*sp.v));
	sp.v[0] = NULL;
	r = split_all(&sp, err, errlen);
	free(sp.word);
	if (r < 0) {
		argv_free(sp.v);
		*argv = NULL;
		*argc = 0;
		return -1;
	}
	*argv = sp.v;
	*argc = sp.n;
	return 0;
}

void argv_free(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}
