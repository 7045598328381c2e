#!/bin/sh
# capture.sh - regenerate the strongSwan-derived test data in this folder.
#
# Runs two Debian strongSwan 5.9.8 charons (initiator and responder) in
# network namespaces, logging at level 4 so that nonces, the DH shared
# secret, SKEYSEED, the derived keys and every received packet appear in the
# logs, and completes one IKE_SA_INIT + IKE_AUTH exchange per scenario:
#
#   psk   PSK, IKE aes256gcm16-prfsha256-x25519, ESP aes256gcm16
#   cert  ECDSA P-256 certificates from a test CA, IKE aes128-sha256-modp2048
#         (CBC + HMAC-SHA2-256-128), ESP aes128-sha256
#
# For each scenario it writes <scenario>/ with the two logs trimmed to the
# lines tests use ([IKE] key material and [NET] packet dumps) and every
# received message as msgN-<exchange>-<req|resp>.bin (raw UDP payload; on
# port 4500 it starts with the four-zero non-ESP marker).  Needs root.
#
#   tests/data/strongswan/capture.sh [psk|cert ...]
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../../interop/lib.sh"
interop_require_root
command -v openssl >/dev/null || it_fail "needs the openssl command"

work="$(mktemp -d /tmp/rswcap.XXXXXX)"
trap 'interop_cleanup; rm -rf "$work"' EXIT

conf() { # conf DIR LADDR RADDR LID RID LTS RTS PROPOSALS ESP AUTH
	cat >"$1/swanctl/swanctl.conf" <<EOC
connections {
	t {
		local_addrs = $2
		remote_addrs = $3
		proposals = $8
		local {
			auth = ${10}
			id = $4
$( [ "${10}" = pubkey ] && printf '\t\t\tcerts = %s.pem\n' "$4" )
		}
		remote {
			auth = ${10}
			id = $5
		}
		children {
			net {
				local_ts = $6
				remote_ts = $7
				esp_proposals = $9
			}
		}
	}
}
secrets {
	ike-1 {
		id-1 = gw.example
		id-2 = client.example
		secret = "interop-test-psk"
	}
}
EOC
}

make_ca() { # make_ca DIR: CA + ECDSA P-256 certs for gw.example, client.example
	d=$1
	openssl ecparam -name prime256v1 -genkey -noout -out "$d/ca.key" 2>/dev/null
	openssl req -x509 -new -key "$d/ca.key" -subj "/CN=reswan test CA" \
		-days 3650 -out "$d/ca.pem" 2>/dev/null
	for id in gw.example client.example; do
		openssl ecparam -name prime256v1 -genkey -noout -out "$d/$id.key" 2>/dev/null
		openssl req -new -key "$d/$id.key" -subj "/CN=$id" -out "$d/$id.csr" 2>/dev/null
		printf 'subjectAltName=DNS:%s\n' "$id" >"$d/$id.ext"
		openssl x509 -req -in "$d/$id.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" \
			-CAcreateserial -days 3650 -extfile "$d/$id.ext" -out "$d/$id.pem" 2>/dev/null
	done
}

# extract LOG PREFIX: write each "received packet => N bytes" hex dump as a file.
extract() {
	awk -v pfx="$2" '
	/\[NET\] received packet => [0-9]+ bytes/ {
		# "Mon DD HH:MM:SS TT[NET] received packet => N bytes @ ADDR"
		th = $4; sub(/\[NET\].*/, "", th); want = $8 + 0; got = 0; n++
		file = sprintf("%s%02d.hex", pfx, n); active = 1; next
	}
	active && index($4, th "[NET]") == 1 && $5 ~ /^[0-9]+:$/ {
		for (i = 6; i <= NF && got < want; i++) {
			if ($i !~ /^[0-9A-F][0-9A-F]$/) break
			printf "%s", $i > file; got++
		}
		if (got >= want) { active = 0; close(file) }
	}' "$1"
}

scenario() {
	name=$1
	out="$here/$name"
	rm -rf "$out" "$work/i" "$work/r"
	mkdir -p "$out" "$work/i/swanctl" "$work/r/swanctl"
	for s in i r; do it_strongswan_conf "$work/$s" 4; done
	case $name in
	psk)
		conf "$work/r" $IT_ADDR_A $IT_ADDR_B gw.example client.example \
			10.1.0.0/16 10.2.0.0/16 aes256gcm16-prfsha256-x25519 aes256gcm16 psk
		conf "$work/i" $IT_ADDR_B $IT_ADDR_A client.example gw.example \
			10.2.0.0/16 10.1.0.0/16 aes256gcm16-prfsha256-x25519 aes256gcm16 psk
		;;
	cert)
		make_ca "$work"
		for s in i r; do
			mkdir -p "$work/$s/swanctl/x509ca" "$work/$s/swanctl/x509" "$work/$s/swanctl/ecdsa"
			cp "$work/ca.pem" "$work/$s/swanctl/x509ca/"
		done
		cp "$work/gw.example.pem" "$work/r/swanctl/x509/"
		cp "$work/gw.example.key" "$work/r/swanctl/ecdsa/"
		cp "$work/client.example.pem" "$work/i/swanctl/x509/"
		cp "$work/client.example.key" "$work/i/swanctl/ecdsa/"
		cp "$work/ca.pem" "$out/ca.pem"
		cp "$work/gw.example.pem" "$work/client.example.pem" "$out/"
		conf "$work/r" $IT_ADDR_A $IT_ADDR_B gw.example client.example \
			10.1.0.0/16 10.2.0.0/16 aes128-sha256-modp2048 aes128-sha256 pubkey
		conf "$work/i" $IT_ADDR_B $IT_ADDR_A client.example gw.example \
			10.2.0.0/16 10.1.0.0/16 aes128-sha256-modp2048 aes128-sha256 pubkey
		;;
	*) it_fail "unknown scenario $name" ;;
	esac
	it_netns_pair
	ip -n "$IT_NS_A" addr add 10.1.0.1/32 dev lo
	ip -n "$IT_NS_B" addr add 10.2.0.1/32 dev lo
	it_charon_start "$IT_NS_A" "$work/r"
	it_charon_start "$IT_NS_B" "$work/i"
	it_swanctl "$work/r" --load-all >/dev/null
	it_swanctl "$work/i" --load-all >/dev/null
	it_swanctl "$work/i" --initiate --child net >"$work/initiate.out" 2>&1 ||
		it_fail "$name: initiate failed: $(tail -5 "$work/initiate.out")"
	it_swanctl "$work/r" --list-sas >"$out/responder-list-sas.txt"
	sleep 0.5
	interop_cleanup
	IT_CHARON_PIDS=""
	for s in i r; do
		role=initiator; [ $s = r ] && role=responder
		grep -E '\[(IKE|NET|CFG|CHD|ENC)\]' "$work/$s/charon.log" |
			grep -vE 'queueing|activating|loading feature|plugin |\[ENC\] +[0-9]+: |\[ENC\] +(parsing|generating) rule|\[ENC\] +=> ' \
			>"$out/$role.log"
	done
	# Responder receives requests, initiator receives responses.
	extract "$out/responder.log" "$work/req"
	extract "$out/initiator.log" "$work/resp"
	n=1
	for ex in ike_sa_init ike_auth; do
		for dir in req resp; do
			f="$work/$dir$(printf %02d $n).hex"
			[ -f "$f" ] || it_fail "$name: no $dir message $n"
			xxd -r -p "$f" >"$out/msg$n-$ex-$dir.bin"
		done
		n=$((n + 1))
	done
	it_log "$name: $(ls "$out" | tr '\n' ' ')"
}

for s in ${*:-psk cert}; do
	scenario "$s"
done
