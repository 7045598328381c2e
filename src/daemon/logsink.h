/*
 * logsink.h - where reswand's log lines go: stderr with a UTC timestamp
 * (the default, for systemd's journal and for tests), or syslog.
 */
#ifndef RESWAN_DAEMON_LOGSINK_H
#define RESWAN_DAEMON_LOGSINK_H

/* "2026-11-28T19:04:23.123Z [info] line" on stderr, one write per line. */
void logsink_stderr(void);
/* syslog(3), facility daemon, ident "reswand"; levels map one to one. */
void logsink_syslog(void);
void logsink_close(void);

#endif
