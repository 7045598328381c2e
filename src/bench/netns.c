/*
 * netns.c - the benchmark's namespace pair (see netns.h), made with the
 * ip command as tests/interop/lib.sh makes its own.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/netns.h"
#include "bench/proc.h"
#include "common/err.h"

static int ip(char *err, size_t errlen, const char *const *argv)
{
	if (proc_run(argv, NULL) == 0)
		return 0;
	snprintf(err, errlen, "'ip");
	for (const char *const *a = argv + 1; *a; a++)
		snprintf(err + strlen(err), errlen - strlen(err), " %s", *a);
	snprintf(err + strlen(err), errlen - strlen(err), "' failed");
	return ERR_IO;
}

void netns_loopback_addrs(struct addr *resp, struct addr *gen)
{
	const uint16_t port = NETNS_LOOPBACK_IKE_PORT;
	long pid = (long)getpid();
	uint8_t ip[4] = { 127, (uint8_t)(200 + pid % 50), (uint8_t)((pid / 50) % 250 + 1), 1 };

	addr_from_bytes(resp, ip, 4, port);
	ip[3] = NETNS_GEN_FIRST;
	addr_from_bytes(gen, ip, 4, port);
}

int netns_pair_create(struct netns_pair *p, unsigned n_gen, const char *resp_lo,
		      char *err, size_t errlen)
{
	char vg[32], vr[32], a[32], lo[64], batch[4096];
	FILE *f;
	long pid = (long)getpid();

	memset(p, 0, sizeof(*p));
	p->home_fd = -1;
	snprintf(p->gen, sizeof(p->gen), "bench%ldg", pid);
	snprintf(p->resp, sizeof(p->resp), "bench%ldr", pid);
	snprintf(p->gen_path, sizeof(p->gen_path), "/run/netns/%s", p->gen);
	snprintf(p->resp_path, sizeof(p->resp_path), "/run/netns/%s", p->resp);
	/* Interface names: at most 15 characters. */
	snprintf(vg, sizeof(vg), "bch%ldg", pid % 10000000);
	snprintf(vr, sizeof(vr), "bch%ldr", pid % 10000000);
	snprintf(a, sizeof(a), "%s/24", NETNS_RESP_ADDR);
	const char *add_g[] = { "ip", "netns", "add", p->gen, NULL };
	const char *add_r[] = { "ip", "netns", "add", p->resp, NULL };

	if (ip(err, errlen, add_g) != 0)
		return ERR_IO;
	p->made = true;
	if (ip(err, errlen, add_r) != 0)
		goto fail;
	const char *veth[] = { "ip", "link", "add", vg, "netns", p->gen, "type", "veth",
			       "peer", "name", vr, "netns", p->resp, NULL };
	const char *lo_g[] = { "ip", "-n", p->gen, "link", "set", "lo", "up", NULL };
	const char *lo_r[] = { "ip", "-n", p->resp, "link", "set", "lo", "up", NULL };
	const char *addr_r[] = { "ip", "-n", p->resp, "addr", "add", a, "dev", vr, NULL };
	const char *up_r[] = { "ip", "-n", p->resp, "link", "set", vr, "up", NULL };
	const char *up_g[] = { "ip", "-n", p->gen, "link", "set", vg, "up", NULL };
	const char *addr_lo[] = { "ip", "-n", p->resp, "addr", "add", lo, "dev", "lo", NULL };

	if (ip(err, errlen, veth) || ip(err, errlen, lo_g) || ip(err, errlen, lo_r) ||
	    ip(err, errlen, addr_r) || ip(err, errlen, up_r) || ip(err, errlen, up_g))
		goto fail;
	snprintf(lo, sizeof(lo), "%s/32", resp_lo ? resp_lo : "");
	if (resp_lo && ip(err, errlen, addr_lo))
		goto fail;
	/* The generator's addresses in one ip process. */
	snprintf(batch, sizeof(batch), "/tmp/%s.batch", p->gen);
	if (!(f = fopen(batch, "w"))) {
		snprintf(err, errlen, "cannot write %s", batch);
		goto fail;
	}
	for (unsigned k = 0; k < n_gen; k++)
		fprintf(f, "addr add %s.%u/24 dev %s\n", NETNS_GEN_NET, NETNS_GEN_FIRST + k, vg);
	if (fclose(f) != 0) {
		unlink(batch);
		goto fail;
	}
	const char *addrs[] = { "ip", "-n", p->gen, "-batch", batch, NULL };
	int rc = ip(err, errlen, addrs);

	unlink(batch);
	if (rc)
		goto fail;
	return 0;
fail:
	netns_pair_delete(p);
	return ERR_IO;
}

int netns_enter_gen(struct netns_pair *p)
{
	int fd = open(p->gen_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return ERR_IO;
	if (p->home_fd < 0)
		p->home_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (p->home_fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
		close(fd);
		return ERR_IO;
	}
	close(fd);
	return 0;
}

void netns_pair_delete(struct netns_pair *p)
{
	if (!p->made)
		return;
	if (p->home_fd >= 0) {
		(void)setns(p->home_fd, CLONE_NEWNET);
		close(p->home_fd);
		p->home_fd = -1;
	}
	const char *del_g[] = { "ip", "netns", "del", p->gen, NULL };
	const char *del_r[] = { "ip", "netns", "del", p->resp, NULL };

	/* Deleting a namespace deletes the veth end in it, and with it the
	 * other end. */
	(void)proc_run(del_g, NULL);
	(void)proc_run(del_r, NULL);
	p->made = false;
}
