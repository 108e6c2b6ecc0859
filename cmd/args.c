/*
 * args.c: the one parser of every command's options and operands, from
 * the command table (cmd.h), and the usage and help text made from it.
 *
 * Options follow GNU conventions as getopt_long did: options and operands
 * in any order, "--" ends options, "--name=VALUE" or "--name VALUE", a
 * unique prefix of a long name, short options "-mTEXT" or "-m TEXT".  A
 * word that looks like a negative number ("-2", "-0.5") is an operand.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "../lib/store.h"

/* ================ usage and help ================ */

static const char *
form_title(const struct coach_cmd *cmd, const struct coach_form *f,
	char *buf, size_t size)
{
	if (f->name)
		snprintf(buf, size, "coach %s %s", cmd->name, f->name);
	else
		snprintf(buf, size, "coach %s", cmd->name);
	return buf;
}

static void
print_form_usage(FILE *f, const struct coach_cmd *cmd,
	const struct coach_form *form, const char **lead)
{
	char title[64];
	const char *u = form->usage ? form->usage : "";
	form_title(cmd, form, title, sizeof(title));
	do {
		size_t n = strcspn(u, "\n");
		fprintf(f, "%s %s%s%.*s\n", *lead, title, n ? " " : "", (int)n,
		    u);
		*lead = "      ";
		u += n;
	} while (*u++ == '\n');
}

void
coach_print_usage(FILE *f, const struct coach_cmd *cmd,
	const struct coach_form *form)
{
	const char *lead = "usage:";
	if (form) {
		print_form_usage(f, cmd, form, &lead);
		return;
	}
	for (const struct coach_form *x = cmd->forms; x->exec; x++)
		print_form_usage(f, cmd, x, &lead);
}

/* "    -m, --message TEXT    help", the help from column 30 as git's. */
static void
print_opt(FILE *f, char letter, const char *name, const char *value,
	const char *help)
{
	char left[96];
	if (letter)
		snprintf(left, sizeof(left), "    -%c, --%s%s%s", letter, name,
		    value ? " " : "", value ? value : "");
	else
		snprintf(left, sizeof(left), "    --%s%s%s", name,
		    value ? " " : "", value ? value : "");
	if (strlen(left) + 2 > 30)
		fprintf(f, "%s\n%30s%s\n", left, "", help);
	else
		fprintf(f, "%-30s%s\n", left, help);
}

static void
print_form_options(FILE *f, const struct coach_form *form)
{
	for (const struct coach_opt *o = form->opts; o && o->name; o++) {
		char help[256];
		snprintf(help, sizeof(help), "%s%s", o->help,
		    o->flags & COACH_OPT_REPEAT ? " (may be repeated)" : "");
		print_opt(f, o->letter, o->name, o->flags & COACH_OPT_VALUE ?
		    (o->value ? o->value : "VALUE") : NULL, help);
	}
}

void
coach_print_help(FILE *f, const struct coach_cmd *cmd,
	const struct coach_form *form)
{
	char title[64];
	coach_print_usage(f, cmd, form);
	if (form) {
		fputc('\n', f);
		print_form_options(f, form);
	} else {
		for (const struct coach_form *x = cmd->forms; x->exec; x++) {
			if (x->opts == NULL || x->opts->name == NULL)
				continue;
			fprintf(f, "\n%s:\n", form_title(cmd, x, title,
			    sizeof(title)));
			print_form_options(f, x);
		}
		fputc('\n', f);
	}
	print_opt(f, 'h', "help", NULL, "this help (--help: the manual, when "
	    "installed)");
}

/*
 * The manual page of cmd through man(1), as "git CMD --help" does; without
 * man or the page (or with $COACH_NO_MAN set), the summary, usage and
 * options from the table.
 */
static void
show_manual(const struct coach_cmd *cmd, const struct coach_form *form)
{
	char page[64];
	snprintf(page, sizeof(page), "coach-%s", cmd->name);
	if (getenv("COACH_NO_MAN") == NULL) {
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			/* man's own "No manual entry" stays quiet: the table's
			 * text follows instead. */
			FILE *null = fopen("/dev/null", "w");
			if (null == NULL || dup2(fileno(null), 2) == -1)
				_exit(127);
			execlp("man", "man", page, (char *)NULL);
			_exit(127);
		}
		int status;
		if (pid > 0 && waitpid(pid, &status, 0) == pid &&
		    WIFEXITED(status) && WEXITSTATUS(status) == 0)
			return;
	}
	printf("coach %s: %s\n\n", cmd->name, cmd->summary);
	coach_print_help(stdout, cmd, form);
}

void
coach_cmd_manual(const struct coach_cmd *cmd)
{
	show_manual(cmd, NULL);
}

/* ================ parsing ================ */

static size_t
opt_count(const struct coach_form *f)
{
	size_t n = 0;
	while (f->opts && f->opts[n].name)
		n++;
	return n;
}

static int
looks_negative_number(const char *s)
{
	return s[0] == '-' && (isdigit((unsigned char)s[1]) ||
	    (s[1] == '.' && isdigit((unsigned char)s[2])));
}

/* "unknown option '--emial'; did you mean '--email'?" */
static struct coach_error *
unknown_long(const struct coach_ctx *ctx, const char *typed, size_t len)
{
	const struct coach_form *f = ctx->form;
	size_t n = opt_count(f);
	const char **names = coach_xcalloc(n + 2, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = f->opts[i].name;
	names[n] = "help";
	char *word = coach_xstrndup(typed, len);
	const char *guess = coach_suggest(word, names, n + 1);
	struct coach_error *err = guess ?
	    coach_usage(ctx, "unknown option '--%s'; did you mean '--%s'?",
	    word, guess) : coach_usage(ctx, "unknown option '--%s'", word);
	free(word);
	free(names);
	return err;
}

/* The option typed as "--word" (up to '=' or the end): exact, or the one
 * option it is a prefix of.  -1 and *err on failure; -2 for --help. */
static int
find_long(const struct coach_ctx *ctx, const char *word, size_t len,
	struct coach_error **err)
{
	const struct coach_form *f = ctx->form;
	size_t n = opt_count(f);
	int found = -1, matches = 0;
	for (size_t i = 0; i < n; i++) {
		const char *name = f->opts[i].name;
		if (strncmp(name, word, len) != 0)
			continue;
		if (name[len] == '\0')
			return (int)i;
		found = (int)i;
		matches++;
	}
	if (len == 4 && strncmp(word, "help", 4) == 0)
		return -2;
	if (matches == 1)
		return found;
	if (matches > 1) {
		struct coach_buf b = COACH_BUF_INIT;
		for (size_t i = 0; i < n; i++)
			if (strncmp(f->opts[i].name, word, len) == 0)
				coach_buf_printf(&b, "%s--%s", b.len ? ", " :
				    "", f->opts[i].name);
		*err = coach_usage(ctx, "option '--%.*s' is ambiguous: it "
		    "could be %s", (int)len, word, coach_buf_str(&b));
		coach_buf_free(&b);
		return -1;
	}
	*err = unknown_long(ctx, word, len);
	return -1;
}

static int
find_short(const struct coach_form *f, char c)
{
	for (size_t i = 0; f->opts && f->opts[i].name; i++)
		if (f->opts[i].letter == c)
			return (int)i;
	return -1;
}

/* Records option i's value (NULL for a flag); typed is how the user
 * wrote the option, for the error. */
static struct coach_error *
take(struct coach_ctx *ctx, int i, const char *value, const char *typed)
{
	const struct coach_opt *o = &ctx->form->opts[i];
	struct coach_strlist *l = &ctx->args.values[i];
	if (value && l->n > 0 && !(o->flags & COACH_OPT_REPEAT) &&
	    strcmp(l->v[l->n - 1], value) != 0)
		return coach_usage(ctx, "option '%s' is given twice, as '%s' "
		    "and '%s'; give it once", typed, l->v[l->n - 1], value);
	ctx->args.given[i]++;
	if (value)
		coach_strlist_add(l, value);
	return NULL;
}

/* "--name", "--name=VALUE" or "--name VALUE"; *k is moved past what was
 * used. */
static struct coach_error *
parse_long(struct coach_ctx *ctx, int argc, char **argv, int *k)
{
	const char *word = argv[*k] + 2;
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	struct coach_error *err = NULL;
	char typed[80];
	snprintf(typed, sizeof(typed), "--%.*s", (int)len, word);
	int i = find_long(ctx, word, len, &err);
	if (i == -2) {
		ctx->args.help = 2;
		return NULL;
	}
	if (i < 0)
		return err;
	const struct coach_opt *o = &ctx->form->opts[i];
	if (!(o->flags & COACH_OPT_VALUE)) {
		if (eq)
			return coach_usage(ctx, "option '%s' takes no value",
			    typed);
		return take(ctx, i, NULL, typed);
	}
	if (eq)
		return take(ctx, i, eq + 1, typed);
	if (*k + 1 >= argc)
		return coach_usage(ctx, "option '%s' needs a value (%s)", typed,
		    o->value ? o->value : "VALUE");
	return take(ctx, i, argv[++*k], typed);
}

/* "-m TEXT", "-mTEXT", "-h"; clusters of flags ("-ab"). */
static struct coach_error *
parse_short(struct coach_ctx *ctx, int argc, char **argv, int *k)
{
	const char *w = argv[*k];
	for (size_t j = 1; w[j]; j++) {
		char typed[3] = { '-', w[j], '\0' };
		int i = find_short(ctx->form, w[j]);
		if (i < 0 && w[j] == 'h') {
			ctx->args.help = ctx->args.help ? ctx->args.help : 1;
			continue;
		}
		if (i < 0 && j > 1)
			return coach_usage(ctx, "unknown option '%s' (in '%s')",
			    typed, w);
		if (i < 0)
			return coach_usage(ctx, "unknown option '%s'", typed);
		const struct coach_opt *o = &ctx->form->opts[i];
		if (!(o->flags & COACH_OPT_VALUE)) {
			struct coach_error *err = take(ctx, i, NULL, typed);
			if (err)
				return err;
			continue;
		}
		if (w[j + 1])
			return take(ctx, i, w + j + 1, typed);
		if (*k + 1 >= argc)
			return coach_usage(ctx, "option '%s' needs a value (%s)",
			    typed, o->value ? o->value : "VALUE");
		return take(ctx, i, argv[++*k], typed);
	}
	return NULL;
}

/* Whether a word is an operand rather than options. */
static int
is_operand(const struct coach_form *f, const char *w)
{
	if (w[0] != '-' || w[1] == '\0')
		return 1;
	return looks_negative_number(w) && find_short(f, w[1]) < 0;
}

/*
 * Options into ctx->args; operands into ops (argv[0] first).  Stops at -h
 * or --help: what follows may be half typed.
 */
static struct coach_error *
parse(struct coach_ctx *ctx, int argc, char **argv,
	struct coach_strlist *ops)
{
	size_t n = opt_count(ctx->form);
	struct coach_error *err = NULL;
	ctx->args.form = ctx->form;
	ctx->args.values = coach_xcalloc(n + 1, sizeof(*ctx->args.values));
	ctx->args.given = coach_xcalloc(n + 1, sizeof(*ctx->args.given));
	coach_strlist_add(ops, argv[0]);
	int k = 1;
	for (; k < argc && err == NULL && !ctx->args.help; k++) {
		const char *w = argv[k];
		if (strcmp(w, "--") == 0) {
			k++;
			break;
		}
		if (is_operand(ctx->form, w))
			coach_strlist_add(ops, w);
		else if (w[1] == '-')
			err = parse_long(ctx, argc, argv, &k);
		else
			err = parse_short(ctx, argc, argv, &k);
	}
	for (; k < argc && err == NULL && !ctx->args.help; k++)
		coach_strlist_add(ops, argv[k]);
	return err;
}

void
coach_args_free(struct coach_args *a)
{
	size_t n = a->form ? opt_count(a->form) : 0;
	for (size_t i = 0; a->values && i < n; i++)
		coach_strlist_free(&a->values[i]);
	free(a->values);
	free(a->given);
	memset(a, 0, sizeof(*a));
}

static struct coach_error *
check_operands(const struct coach_ctx *ctx, const struct coach_strlist *ops)
{
	const struct coach_form *f = ctx->form;
	int n = (int)ops->n - 1;
	const char *name = f->name ? f->name : ctx->cmd->name;
	if (n < f->min)
		return coach_usage(ctx, "%s needs %s", name,
		    f->need ? f->need : "more arguments");
	if (f->max == 0 && n > 0)
		return coach_usage(ctx, "unexpected argument '%s': %s takes no "
		    "arguments", ops->v[1], name);
	if (f->max > 0 && n > f->max)
		return coach_usage(ctx, "unexpected argument '%s'%s%s",
		    ops->v[f->max + 1], f->extra ? "; " : "",
		    f->extra ? f->extra : "");
	return NULL;
}

/* The form argv names; *shift is 1 when argv[1] named it. */
static struct coach_error *
find_form(struct coach_ctx *ctx, int argc, char **argv, int *shift)
{
	const struct coach_cmd *cmd = ctx->cmd;
	*shift = 0;
	if (cmd->forms[0].name == NULL) {
		ctx->form = &cmd->forms[0];
		return NULL;
	}
	const char *name = cmd->dflt;
	if (argc >= 2 && argv[1][0] != '-') {
		name = argv[1];
		*shift = 1;
	}
	size_t n = 0;
	for (const struct coach_form *f = cmd->forms; f->exec; f++, n++) {
		if (strcmp(f->name, name) == 0) {
			ctx->form = f;
			return NULL;
		}
	}
	/* "add, list or show" */
	struct coach_buf names = COACH_BUF_INIT;
	const char **v = coach_xcalloc(n + 1, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		v[i] = cmd->forms[i].name;
		coach_buf_printf(&names, "%s%s", i == 0 ? "" : i + 1 < n ?
		    ", " : " or ", v[i]);
	}
	const char *guess = coach_suggest(name, v, n);
	char *hint = guess ? coach_xasprintf("did you mean '%s'? U", guess) :
	    coach_xstrdup("u");
	struct coach_error *err = cmd->noun ?
	    coach_usage(ctx, "'%s' is not a %s subcommand; %sse %s", name,
	    cmd->noun, hint, coach_buf_str(&names)) :
	    coach_usage(ctx, "unknown subcommand '%s'; %sse %s", name, hint,
	    coach_buf_str(&names));
	free(hint);
	free(v);
	coach_buf_free(&names);
	return err;
}

struct coach_error *
coach_cmd_run(struct coach_ctx *ctx, int argc, char **argv)
{
	struct coach_strlist ops = COACH_STRLIST_INIT;
	struct coach_error *err;
	int shift;

	if ((err = find_form(ctx, argc, argv, &shift)))
		return err;
	err = parse(ctx, argc - shift, argv + shift, &ops);
	if (ctx->args.help) {
		/* Without a subcommand, help is the whole command's. */
		const struct coach_form *f = shift || ctx->form->name == NULL ?
		    ctx->form : NULL;
		coach_error_free(err);
		err = NULL;
		if (ctx->args.help == 2)
			show_manual(ctx->cmd, f);
		else
			coach_print_help(stdout, ctx->cmd, f);
		goto done;
	}
	if (err || (err = check_operands(ctx, &ops)))
		goto done;
	if (ctx->cmd->flags & COACH_CMD_LOCAL)
		coach_store_tls_lazy();
	if ((ctx->cmd->flags & COACH_CMD_REPO) && ctx->repo == NULL &&
	    (err = coach_repo_open(&ctx->repo, ctx->dir)))
		goto done;
	err = ctx->form->exec(ctx, (int)ops.n, ops.v);
done:
	coach_strlist_free(&ops);
	return err;
}

/* ================ what exec reads ================ */

static size_t
opt_index(const struct coach_ctx *ctx, const char *name)
{
	const struct coach_form *f = ctx->args.form;
	for (size_t i = 0; f && f->opts && f->opts[i].name; i++)
		if (strcmp(f->opts[i].name, name) == 0)
			return i;
	fprintf(stderr, "coach: bug: no option --%s in the table of '%s'\n",
	    name, f && f->name ? f->name : ctx->cmd->name);
	abort();
}

const char *
coach_opt_value(const struct coach_ctx *ctx, const char *name)
{
	const struct coach_strlist *l = coach_opt_values(ctx, name);
	return l->n ? l->v[l->n - 1] : NULL;
}

int
coach_opt_given(const struct coach_ctx *ctx, const char *name)
{
	return ctx->args.given[opt_index(ctx, name)];
}

const struct coach_strlist *
coach_opt_values(const struct coach_ctx *ctx, const char *name)
{
	return &ctx->args.values[opt_index(ctx, name)];
}
