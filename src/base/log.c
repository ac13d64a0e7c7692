#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>

void pare_log_msg(const struct pare_log *log, enum pare_log_level level, const char *fmt, ...)
{
	if (!log || !log->fn || (int)level > log->level)
		return;
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log->fn(log->ctx, level, msg);
}
