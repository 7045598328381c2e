# lib.sh - shared helpers for the interop tests (sourced, POSIX sh).
#
# Each test builds its own little network: two network namespaces joined by a
# veth pair, each peer in one of them.  strongSwan's charon runs in its own
# mount namespace too, with private copies bind-mounted over /run,
# /etc/swanctl and /etc/strongswan.conf, so two instances never share a pid
# file or vici socket.  Everything a test creates is removed by
# interop_cleanup, which tests install as an EXIT trap.
#
# Namespaces are named from a per-test prefix ($IT_PREFIX, default
# "rsw<pid>") so tests may run in parallel.

IT_PREFIX="${IT_PREFIX:-rsw$$}"
IT_NS_A="${IT_PREFIX}a"
IT_NS_B="${IT_PREFIX}b"
IT_ADDR_A=10.77.0.1
IT_ADDR_B=10.77.0.2
IT_ADDR6_A=fd77::1
IT_ADDR6_B=fd77::2
IT_CHARON_PIDS=""
IT_PIDS=""

it_log() { printf 'interop: %s\n' "$*" >&2; }
it_fail() { printf 'interop: FAIL: %s\n' "$*" >&2; exit 1; }

# Exit 77 (CTest's skip code, see SKIP_RETURN_CODE) when not root.
interop_require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: interop tests need root (network namespaces, TUN devices)"
		exit 77
	fi
	for c in ip unshare nsenter /usr/lib/ipsec/charon swanctl; do
		command -v "$c" >/dev/null 2>&1 || [ -x "$c" ] ||
			it_fail "missing $c (scripts/deps.sh test installs it)"
	done
}

# Create namespaces A and B joined by a veth pair, IPv4 and IPv6.
it_netns_pair() {
	ip netns add "$IT_NS_A" || it_fail "ip netns add $IT_NS_A"
	ip netns add "$IT_NS_B" || it_fail "ip netns add $IT_NS_B"
	ip link add "${IT_PREFIX}va" netns "$IT_NS_A" type veth \
		peer name "${IT_PREFIX}vb" netns "$IT_NS_B" || it_fail "veth"
	for side in A B; do
		eval ns=\$IT_NS_$side addr=\$IT_ADDR_$side addr6=\$IT_ADDR6_$side
		lc=$(echo $side | tr AB ab)
		ip -n "$ns" link set lo up
		ip -n "$ns" addr add "$addr/24" dev "${IT_PREFIX}v$lc"
		ip -n "$ns" addr add "$addr6/64" dev "${IT_PREFIX}v$lc" nodad
		ip -n "$ns" link set "${IT_PREFIX}v$lc" up
	done
}

# it_charon_start NS DIR: start charon in NS with config from DIR, which must
# hold strongswan.conf and swanctl/ (with swanctl.conf).  Waits for vici.
it_charon_start() {
	ns=$1 dir=$2
	mkdir -p "$dir/run"
	for d in conf.d x509 x509ca x509aa x509ac x509crl x509ocsp private rsa ecdsa pkcs8 pkcs12 pubkey bliss; do
		mkdir -p "$dir/swanctl/$d"
	done
	ip netns exec "$ns" unshare -m sh -c "
		mount --bind '$dir/run' /run &&
		mount --bind '$dir/swanctl' /etc/swanctl &&
		mount --bind '$dir/strongswan.conf' /etc/strongswan.conf &&
		exec /usr/lib/ipsec/charon" >"$dir/charon.out" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/charon.pid"
	IT_CHARON_PIDS="$IT_CHARON_PIDS $pid"
	i=0
	while [ ! -S "$dir/run/charon.vici" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && it_fail "charon in $ns did not start: $(tail -5 "$dir/charon.out")"
		kill -0 "$pid" 2>/dev/null || it_fail "charon in $ns exited: $(tail -5 "$dir/charon.out")"
		sleep 0.1
	done
}

# it_swanctl DIR ARGS...: run swanctl against the charon started from DIR,
# inside that charon's network and mount namespaces.
it_swanctl() {
	dir=$1
	shift
	nsenter -t "$(cat "$dir/charon.pid")" -m -n swanctl "$@"
}

# Write a strongswan.conf for a test charon: the plugins libipsec needs,
# logs at the given level (4 shows keys, for test vectors only).
it_strongswan_conf() {
	dir=$1 level=${2:-1}
	cat >"$dir/strongswan.conf" <<EOC
charon {
	load_modular = no
	load = random nonce openssl aes gcm sha1 sha2 hmac gmp curve25519 chapoly x509 pem pkcs1 pkcs8 pubkey revocation constraints kdf kernel-libipsec kernel-netlink socket-default vici updown
	install_routes = no
	retransmit_tries = 3
	retransmit_timeout = 1.0
	filelog {
		log {
			path = $dir/charon.log
			default = $level
			time_format = %b %e %T
			flush_line = yes
		}
	}
	plugins {
		kernel-libipsec {
			allow_peer_ts = yes
		}
	}
}
EOC
}

it_bg() {
	"$@" &
	IT_PIDS="$IT_PIDS $!"
}

interop_cleanup() {
	for p in $IT_PIDS $IT_CHARON_PIDS; do
		kill "$p" 2>/dev/null || true
	done
	sleep 0.2
	for p in $IT_PIDS $IT_CHARON_PIDS; do
		kill -9 "$p" 2>/dev/null || true
	done
	ip netns del "$IT_NS_A" 2>/dev/null || true
	ip netns del "$IT_NS_B" 2>/dev/null || true
	return 0
}
