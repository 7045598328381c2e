/*
 * ctl_cache.h - `cache list|stats|revoke ID`: the credential cache over the
 * control socket (reswan cache).
 */
#ifndef RESWAN_DAEMON_CTL_CACHE_H
#define RESWAN_DAEMON_CTL_CACHE_H

struct ctl_req;
struct daemon;

void ctl_cache(struct daemon *d, struct ctl_req *r, int argc, char **argv);

#endif
