/* Logging with verbosity levels, through a sink the caller provides.
 *
 * The library never writes to a terminal itself: it hands messages to a
 * `struct pare_log` owned by the caller (the CLI installs one that prints
 * to stderr in apk's style).  A NULL log, or a NULL fn, discards messages.
 */
#ifndef PARE_BASE_LOG_H
#define PARE_BASE_LOG_H

enum pare_log_level {
	PARE_LOG_ERROR = 0,
	PARE_LOG_WARNING = 1,
	PARE_LOG_INFO = 2,   /* default verbosity shows up to here */
	PARE_LOG_VERBOSE = 3,
	PARE_LOG_DEBUG = 4,
};

typedef void (*pare_log_fn)(void *ctx, enum pare_log_level level, const char *msg);

struct pare_log {
	pare_log_fn fn;
	void *ctx;
	int level; /* messages above this level are dropped */
};

void pare_log_msg(const struct pare_log *log, enum pare_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define pare_log_error(log, ...) pare_log_msg((log), PARE_LOG_ERROR, __VA_ARGS__)
#define pare_log_warning(log, ...) pare_log_msg((log), PARE_LOG_WARNING, __VA_ARGS__)
#define pare_log_info(log, ...) pare_log_msg((log), PARE_LOG_INFO, __VA_ARGS__)
#define pare_log_verbose(log, ...) pare_log_msg((log), PARE_LOG_VERBOSE, __VA_ARGS__)
#define pare_log_debug(log, ...) pare_log_msg((log), PARE_LOG_DEBUG, __VA_ARGS__)

#endif
