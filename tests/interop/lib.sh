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
# IT_DUMP: directories whose logs a failure prints.
IT_DUMP=""
it_fail() {
	printf 'interop: FAIL: %s\n' "$*" >&2
	[ -n "$IT_DUMP" ] && [ -z "${IT_QUIET:-}" ] && it_dump $IT_DUMP
	exit 1
}

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

# ---- reswand in a namespace ----

# it_reswand_start NS DIR [ARGS...]: run reswand in NS with DIR/reswan.conf,
# control socket DIR/ctl, accounting DIR/acct.csv, log DIR/reswand.log.
it_reswand_start() {
	ns=$1 dir=$2
	shift 2
	: "${RESWAND:?RESWAND must name the reswand binary}"
	ip netns exec "$ns" "$RESWAND" -c "$dir/reswan.conf" --socket "$dir/ctl" \
		--accounting "$dir/acct.csv" --log-level debug "$@" \
		>"$dir/reswand.log" 2>&1 &
	pid=$!
	echo "$pid" >"$dir/reswand.pid"
	IT_PIDS="$IT_PIDS $pid"
	i=0
	while [ ! -S "$dir/ctl" ]; do
		i=$((i + 1))
		[ $i -gt 100 ] && it_fail "reswand in $ns did not start: $(tail -5 "$dir/reswand.log")"
		kill -0 "$pid" 2>/dev/null || it_fail "reswand in $ns exited: $(tail -5 "$dir/reswand.log")"
		sleep 0.1
	done
}

# it_reswan DIR COMMAND ARGS...: the reswan CLI against DIR's daemon.
it_reswan() {
	dir=$1 cmd=$2
	shift 2
	"$RESWAN" "$cmd" --socket "$dir/ctl" "$@"
}

# it_sa_json DIR: reswan status --json of DIR's daemon, on stdout.
it_sa_json() {
	it_reswan "$1" status --json
}

# it_swanctl_sas DIR: `swanctl --list-sas --raw` of DIR's charon flattened
# to "event/IKE-SA/key=value" and "event/IKE-SA/child-sas/CHILD/key=value"
# lines; list values are comma-separated.
it_swanctl_sas() {
	it_swanctl "$1" --list-sas --raw | awk '
# Flattens `swanctl --list-sas --raw` into "section/.../key=value" lines;
# list values become comma-separated.
function setpath(   j) { path = ""; for (j = 1; j <= d; j++) path = path stack[j] "/" }
{
	n = split($0, t, " ")
	for (i = 1; i <= n; i++) {
		tok = t[i]
		while (substr(tok, 1, 1) == "{") {
			stack[++d] = pending; setpath(); tok = substr(tok, 2)
		}
		closes = 0
		while (length(tok) && substr(tok, length(tok)) == "}") {
			tok = substr(tok, 1, length(tok) - 1); closes++
		}
		if (tok == "") {
		} else if (inlist) {
			end = substr(tok, length(tok)) == "]"
			if (end) tok = substr(tok, 1, length(tok) - 1)
			lv = lv (lv == "" ? "" : ",") tok
			if (end) { print path lk "=" lv; inlist = 0 }
		} else if (index(tok, "=") == 0) {
			pending = tok
		} else {
			eq = index(tok, "="); k = substr(tok, 1, eq - 1); v = substr(tok, eq + 1)
			if (substr(v, 1, 1) == "[") {
				v = substr(v, 2)
				if (substr(v, length(v)) == "]") print path k "=" substr(v, 1, length(v) - 1)
				else { inlist = 1; lk = k; lv = v }
			} else print path k "=" v
		}
		while (closes-- > 0 && d > 0) { d--; setpath() }
	}
}
	'
}

# The flattened list-sas of DIR's charon, or the snapshot taken by
# it_compare_once.
it_swan_flat() {
	if [ -n "${IT_SWAN_SNAPSHOT:-}" ]; then
		printf '%s\n' "$IT_SWAN_SNAPSHOT"
	else
		it_swanctl_sas "$1"
	fi
}

# it_swan_ike DIR KEY: KEY of the first IKE SA ("-" if absent).
it_swan_ike() {
	v=$(it_swan_flat "$1" | sed -n "s|^event/[^/]*/$2=||p" | head -n 1)
	echo "${v:--}"
}

# it_swan_child DIR KEY: KEY of the first INSTALLED Child SA ("-" if
# absent); rekeyed ones linger as DELETED in strongSwan for a while.
it_swan_child() {
	flat=$(it_swan_flat "$1")
	c=$(echo "$flat" | sed -n 's|^\(event/[^/]*/child-sas/[^/]*\)/state=INSTALLED$|\1|p' | head -n 1)
	v=$(echo "$flat" | sed -n "s|^$c/$2=||p" | head -n 1)
	echo "${v:--}"
}

# it_swan_nsas / it_swan_nchildren DIR: IKE SAs, INSTALLED Child SAs.
it_swan_nsas() {
	it_swan_flat "$1" | grep -c '^event/[^/]*/uniqueid='
}

it_swan_nchildren() {
	it_swan_flat "$1" | grep -c '/child-sas/[^/]*/state=INSTALLED$'
}

it_swan_gone() {
	[ "$(it_swan_nsas "$1")" = 0 ]
}

# it_wait_for TIMEOUT_S COMMAND...: poll until COMMAND succeeds.
it_wait_for() {
	t=$1
	shift
	i=0
	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt $((t * 10)) ] && return 1
		sleep 0.1
	done
	return 0
}

# it_dump DIR...: print logs and state of every peer, for a failing test.
it_dump() {
	for d in "$@"; do
		for f in "$d"/reswand.log "$d"/charon.log; do
			[ -f "$f" ] && { printf -- '--- %s (last 60 lines)\n' "$f" >&2; tail -n 60 "$f" >&2; }
		done
	done
}

# it_compare_sas RESWAN_DIR SWAN_DIR: exactly one IKE SA with one Child SA
# on each side, and both sides report the same SPIs, algorithms and
# (mirrored) traffic selectors.  The two sides are read one after the
# other, so a rekey may fall in between: a mismatch is retried for up to
# 10 s before it fails the test.
it_compare_sas() {
	i=0
	while ! out=$( (IT_QUIET=1 it_compare_once "$1" "$2") 2>&1); do
		i=$((i + 1))
		if [ $i -ge 20 ]; then
			printf '%s\n' "$out" >&2
			it_fail "the two sides disagree (see above)"
		fi
		sleep 0.5
	done
	printf '%s\n' "$out" >&2
}

it_compare_once() {
	rd=$1 sd=$2
	# One snapshot of each side, so they are read as close together as
	# possible (a swanctl call costs a fraction of a second).
	IT_SWAN_SNAPSHOT=$(it_swanctl_sas "$sd")
	js=$(it_sa_json "$rd") || it_fail "reswan status --json failed"
	n=$(echo "$js" | jq '."ike-sas" | length')
	[ "$n" = 1 ] || it_fail "reswand has $n IKE SAs, want 1"
	[ "$(it_swan_nsas "$sd")" = 1 ] || it_fail "charon has $(it_swan_nsas "$sd") IKE SAs, want 1"
	j() { echo "$js" | jq -r "$1"; }
	eq() { # eq WHAT RESWAN_VALUE SWAN_VALUE
		[ "$2" = "$3" ] || it_fail "$1: reswan '$2', strongSwan '$3'"
		it_log "same $1: $2"
	}
	eq state "$(j '."ike-sas"[0].state')" "$(it_swan_ike "$sd" state)"
	eq initiator-spi "$(j '."ike-sas"[0]."initiator-spi"')" "$(it_swan_ike "$sd" initiator-spi)"
	eq responder-spi "$(j '."ike-sas"[0]."responder-spi"')" "$(it_swan_ike "$sd" responder-spi)"
	for k in encr-alg encr-keysize integ-alg prf-alg dh-group; do
		eq "IKE $k" "$(j ".\"ike-sas\"[0].\"$k\" // \"-\"")" "$(it_swan_ike "$sd" "$k")"
	done
	nc=$(j '."ike-sas"[0]."child-sas" | length')
	[ "$nc" = 1 ] || it_fail "reswand has $nc Child SAs, want 1"
	[ "$(it_swan_nchildren "$sd")" = 1 ] || it_fail "charon has $(it_swan_nchildren "$sd") installed Child SAs, want 1"
	eq "child spi-in/spi-out" "$(j '."ike-sas"[0]."child-sas"[0]."spi-in"')" "$(it_swan_child "$sd" spi-out)"
	eq "child spi-out/spi-in" "$(j '."ike-sas"[0]."child-sas"[0]."spi-out"')" "$(it_swan_child "$sd" spi-in)"
	for k in encr-alg encr-keysize integ-alg; do
		eq "ESP $k" "$(j ".\"ike-sas\"[0].\"child-sas\"[0].\"$k\" // \"-\"")" \
			"$(it_swan_child "$sd" "$k")"
	done
	eq "local-ts/remote-ts" "$(j '."ike-sas"[0]."child-sas"[0]."local-ts" | join(",")')" \
		"$(it_swan_child "$sd" remote-ts)"
	eq "remote-ts/local-ts" "$(j '."ike-sas"[0]."child-sas"[0]."remote-ts" | join(",")')" \
		"$(it_swan_child "$sd" local-ts)"
}

# it_conf FILE KEY=VALUE...: one connection "gw" with child "net", in
# swanctl.conf syntax (both reswand and strongSwan read it).  Keys and
# defaults: local remote (addresses, remote may be empty), lid rid,
# auth=psk (or pubkey with cert=FILE), ike=aes256gcm16-prfsha256-x25519,
# esp=aes256gcm16, lts rts, psk, conn= child= top= (extra lines), rauth.
it_conf() {
	f=$1
	shift
	local= remote= lid= rid= auth=psk rauth= cert= lts= rts= conn= child= top=
	ike=aes256gcm16-prfsha256-x25519 esp=aes256gcm16 psk=interop-psk
	for kv in "$@"; do
		eval "${kv%%=*}=\"\${kv#*=}\""
	done
	[ -n "$rauth" ] || rauth=$auth
	{
		echo "connections {"
		echo "	gw {"
		[ -n "$local" ] && echo "		local_addrs = $local"
		[ -n "$remote" ] && echo "		remote_addrs = $remote"
		echo "		proposals = $ike"
		[ -n "$conn" ] && printf '%b\n' "$conn"
		echo "		local {"
		echo "			auth = $auth"
		[ -n "$lid" ] && echo "			id = $lid"
		[ -n "$cert" ] && echo "			certs = $cert"
		echo "		}"
		echo "		remote {"
		echo "			auth = $rauth"
		[ -n "$rid" ] && echo "			id = $rid"
		echo "		}"
		echo "		children {"
		echo "			net {"
		[ -n "$lts" ] && echo "				local_ts = $lts"
		[ -n "$rts" ] && echo "				remote_ts = $rts"
		echo "				esp_proposals = $esp"
		[ -n "$child" ] && printf '%b\n' "$child"
		echo "			}"
		echo "		}"
		echo "	}"
		echo "}"
		if [ "$auth" = psk ] || [ "$rauth" = psk ]; then
			echo "secrets {"
			echo "	ike-1 {"
			[ -n "$lid" ] && echo "		id-1 = $lid"
			[ -n "$rid" ] && echo "		id-2 = $rid"
			echo "		secret = \"$psk\""
			echo "	}"
			echo "}"
		fi
		[ -n "$top" ] && printf '%b\n' "$top"
	} >"$f"
}

# it_setup: two namespaces, reswand in A (dir $R), strongSwan in B (dir $S),
# inner test networks 10.1.0.1 (A) and 10.2.0.1 (B); cleanup on exit.
it_setup() {
	W=$(mktemp -d /tmp/rswi.XXXXXX)
	trap 'interop_cleanup; rm -rf "$W"' EXIT
	R=$W/reswan
	S=$W/swan
	mkdir -p "$R" "$S/swanctl"
	IT_DUMP="$R $S"
	it_netns_pair
	ip -n "$IT_NS_A" addr add 10.1.0.1/32 dev lo
	ip -n "$IT_NS_B" addr add 10.2.0.1/32 dev lo
	it_strongswan_conf "$S" 1
}

# it_pki DIR: a test CA and two end-entity certificates, made with the
# openssl command line: gw-a.example (ECDSA P-256) and gw-b.example
# (RSA-2048), each with its name as DNS subjectAltName.
it_pki() {
	d=$1
	q() { "$@" >/dev/null 2>&1 || it_fail "openssl: $*"; }
	q openssl ecparam -name prime256v1 -genkey -noout -out "$d/ca.key"
	q openssl req -x509 -new -key "$d/ca.key" -subj "/CN=reswan interop CA" \
		-days 30 -addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$d/ca.pem"
	q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/gw-a.key"
	q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$d/gw-b.key"
	for n in gw-a gw-b; do
		q openssl req -new -key "$d/$n.key" -subj "/CN=$n.example" -out "$d/$n.csr"
		printf 'subjectAltName=DNS:%s.example\n' "$n" >"$d/$n.ext"
		q openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
			-CAcreateserial -days 30 -extfile "$d/$n.ext" -out "$d/$n.pem"
	done
}

# it_install_creds CONFDIR NAME: NAME's certificate and key, and the CA,
# where swanctl (and reswand) look for them.
it_install_creds() {
	mkdir -p "$1/x509" "$1/x509ca" "$1/private"
	cp "$W/pki/$2.pem" "$1/x509/"
	cp "$W/pki/$2.key" "$1/private/"
	cp "$W/pki/ca.pem" "$1/x509ca/"
}
