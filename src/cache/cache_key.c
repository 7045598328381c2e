/*
 * cache_key.c - the sealing key file.
 *
 * The key lives in its own file so that a copy of the database alone
 * (a backup, a disk image, a stray scp) reveals nothing.  It is created
 * once with 32 random octets (O_EXCL, mode 0600, fsync'd with its
 * directory) and afterwards must stay private: a key file readable or
 * writable by anyone but its owner, owned by another user, or of the wrong
 * size is refused rather than used, since either the key already leaked
 * or it is not the file we wrote.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache/cache_store.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "crypto/rand.h"

static int fsync_dir(const char *path)
{
	char copy[PATH_MAX];
	int fd, ret = 0;

	if (strlen(path) >= sizeof(copy))
		return ERR_INVAL;
	strcpy(copy, path);
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return ERR_IO;
	if (fsync(fd))
		ret = ERR_IO;
	close(fd);
	return ret;
}

static int create_key(const char *path, struct rand_src *rnd, uint8_t key[CACHE_KEY_LEN])
{
	int fd, ret;
	ssize_t n;

	ret = rand_priv_bytes(rnd, key, CACHE_KEY_LEN);
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = errno == EEXIST ? ERR_EXISTS : ERR_IO;
		if (ret == ERR_IO)
			log_error("cache key %s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	/* The umask may only have narrowed 0600; make it exact. */
	n = write(fd, key, CACHE_KEY_LEN);
	if (n != CACHE_KEY_LEN || fchmod(fd, 0600) || fsync(fd)) {
		log_error("cache key %s: cannot write: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		ret = ERR_IO;
		goto out;
	}
	close(fd);
	ret = fsync_dir(path);
	if (ret == 0)
		log_info("cache key %s: created", path);
out:
	if (ret)
		wipe(key, CACHE_KEY_LEN);
	return ret;
}

int cache_key_load(const char *path, struct rand_src *rnd, uint8_t key[CACHE_KEY_LEN])
{
	uint8_t k[CACHE_KEY_LEN + 1];
	struct stat st;
	ssize_t n;
	int fd, ret = ERR_CONFIG;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		ret = create_key(path, rnd, key);
		if (ret != ERR_EXISTS)
			return ret;
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);	/* lost a race */
	}
	if (fd < 0) {
		log_error("cache key %s: cannot open: %s", path, strerror(errno));
		return ERR_IO;
	}
	if (fstat(fd, &st)) {
		log_error("cache key %s: cannot stat: %s", path, strerror(errno));
		ret = ERR_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		log_error("cache key %s: not a regular file", path);
		goto out;
	}
	if (st.st_uid != geteuid()) {
		log_error("cache key %s: owned by uid %u, not by us (uid %u)", path,
			  (unsigned)st.st_uid, (unsigned)geteuid());
		goto out;
	}
	if (st.st_mode & 077) {
		log_error("cache key %s: mode %03o lets others read or write it; "
			  "want 0600 (chmod 600, and consider the key leaked)", path,
			  (unsigned)(st.st_mode & 0777));
		goto out;
	}
	n = read(fd, k, sizeof(k));
	if (n != CACHE_KEY_LEN) {
		log_error("cache key %s: %zd octets, want exactly %d", path, n, CACHE_KEY_LEN);
		goto out;
	}
	memcpy(key, k, CACHE_KEY_LEN);
	ret = 0;
out:
	wipe(k, sizeof(k));
	close(fd);
	return ret;
}
