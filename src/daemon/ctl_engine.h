/*
 * ctl_engine.h - the control commands that drive the engine and the
 * daemon: up, down, status, stats, reload (handlers of ctl_cmd.c's table).
 */
#ifndef RESWAN_DAEMON_CTL_ENGINE_H
#define RESWAN_DAEMON_CTL_ENGINE_H

struct ctl_req;
struct daemon;

void ctl_engine_up(struct daemon *d, struct ctl_req *r, int argc, char **argv);
void ctl_engine_down(struct daemon *d, struct ctl_req *r, int argc, char **argv);
void ctl_engine_status(struct daemon *d, struct ctl_req *r, int argc,
		       char **argv);
void ctl_engine_stats(struct daemon *d, struct ctl_req *r, int argc,
		      char **argv);
void ctl_engine_reload(struct daemon *d, struct ctl_req *r, int argc,
		       char **argv);

#endif
