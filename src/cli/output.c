/* Terminal output: apk-style log lines on stderr and a progress bar. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <jansson.h>

#include "repo/repo.h"

struct term_progress {
	FILE *tty;     /* NULL: not drawing */
	int fd;        /* --progress-fd, or -1 */
	uint64_t fd_done, fd_total; /* last line written to fd */
	FILE *out;     /* the applets' stdout stream while a bar may be drawn */
	bool color;    /* false when NO_COLOR is set */
	int last_pct;  /* avoid redrawing the same state */
	bool drawn;
};

static struct term_progress progress_state;

static const char *const level_prefix[] = {
	[PARE_LOG_ERROR] = "ERROR: ",
	[PARE_LOG_WARNING] = "WARNING: ",
	[PARE_LOG_INFO] = "",
	[PARE_LOG_VERBOSE] = "",
	[PARE_LOG_DEBUG] = "DEBUG: ",
};

static void progress_clear(struct term_progress *p)
{
	if (p->tty && p->drawn) {
		fputs("\r\033[K", p->tty);
		fflush(p->tty);
		p->drawn = false;
	}
}

static void log_to_stderr(void *ctx, enum pare_log_level level, const char *msg)
{
	struct pare_cli *cli = ctx;
	progress_clear(&progress_state);
	fprintf(cli->errout, "%s%s\n", level_prefix[level], msg);
}

static int term_width(FILE *f)
{
	struct winsize ws;
	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void progress_draw(void *ctx, const char *label, uint64_t done, uint64_t total)
{
	struct term_progress *p = ctx;
	if (p->fd >= 0 && (done != p->fd_done || total != p->fd_total)) {
		dprintf(p->fd, "%llu/%llu\n", (unsigned long long)done, (unsigned long long)total);
		p->fd_done = done;
		p->fd_total = total;
	}
	if (!p->tty)
		return;
	if (p->out)
		fflush(p->out); /* what the applet printed goes before the bar */
	if (total && done >= total) {
		progress_clear(p);
		p->last_pct = -1;
		return;
	}
	int pct = total ? (int)(done * 100 / total) : 0;
	if (pct == p->last_pct && p->drawn)
		return;
	p->last_pct = pct;
	int bar = term_width(p->tty) - 30;
	if (bar > 50)
		bar = 50;
	int fill = bar * pct / 100;
	fputs("\r\033[K", p->tty);
	if (p->color)
		fputs("\033[7m", p->tty);
	for (int i = 0; i < bar; i++) {
		if (i == fill && p->color)
			fputs("\033[0m", p->tty);
		fputc(p->color ? ' ' : (i < fill ? '#' : '.'), p->tty);
	}
	if (p->color && fill >= bar)
		fputs("\033[0m", p->tty);
	fprintf(p->tty, " %3d%% %.20s", pct, label ? label : "");
	fflush(p->tty);
	p->drawn = true;
}

/* The applets' stdout while a bar may be drawn: every write first clears
 * the bar, so a printed line never lands on top of it (apk's habit). */
static ssize_t out_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	progress_clear(&progress_state);
	size_t k = fwrite(buf, 1, n, stdout);
	fflush(stdout);
	return k == n ? (ssize_t)n : -1;
}

void pare_cli_output_init(struct pare_cli *cli)
{
	cli->log = (struct pare_log){ .fn = log_to_stderr, .ctx = cli, .level = PARE_LOG_INFO };
	progress_state = (struct term_progress){ .last_pct = -1, .fd = -1 };
	progress_state.color = getenv("NO_COLOR") == NULL || getenv("NO_COLOR")[0] == '\0';
	cli->progress = (struct pare_progress){ .fn = progress_draw, .ctx = &progress_state };
}

/* Called after option parsing: verbosity decides what is shown. */
void pare_cli_output_configure(struct pare_cli *cli)
{
	int v = cli->opts.verbosity;
	cli->log.level = v <= 0 ? PARE_LOG_WARNING : PARE_LOG_INFO + (v - 1);
	int want = cli->opts.progress;
	if (want < 0)
		want = v > 0 && isatty(STDOUT_FILENO);
	progress_state.tty = want ? stdout : NULL;
	progress_state.fd = cli->opts.progress_fd;
	if (progress_state.tty) {
		cookie_io_functions_t io = { .write = out_write };
		FILE *f = fopencookie(NULL, "w", io);
		if (f) {
			setvbuf(f, NULL, _IOLBF, 0);
			progress_state.out = cli->out = f;
		}
	}
}

int pare_cli_print_arch(struct pare_cli *cli)
{
	char buf[64] = "";
	const char *arch = cli->opts.arch;
	if (!arch) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/etc/apk/arch", cli->opts.root);
		FILE *f = fopen(path, "re");
		if (f && fgets(buf, sizeof(buf), f))
			buf[strcspn(buf, " \t\r\n")] = '\0';
		if (f)
			fclose(f);
		arch = buf[0] ? buf : pare_repo_host_arch();
	}
	fprintf(cli->out, "%s\n", arch);
	return 0;
}

void pare_cli_output_release(struct pare_cli *cli)
{
	if (progress_state.out) {
		fclose(progress_state.out);
		progress_state.out = NULL;
		cli->out = stdout;
	}
	progress_clear(&progress_state);
	progress_state.tty = NULL;
}

void pare_cli_error(struct pare_cli *cli, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	progress_clear(&progress_state);
	fprintf(cli->errout, "ERROR: %s\n", msg);
}

void pare_cli_report(struct pare_cli *cli, int code, const struct pare_error *err)
{
	pare_cli_error(cli, "%s", pare_error_text(err, code));
}

void pare_cli_json_print(struct pare_cli *cli, json_t *doc)
{
	/* 10 significant digits: 99.21, not 99.209999999999994 */
	json_dumpf(doc, cli->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	fputc('\n', cli->out);
	json_decref(doc);
}
