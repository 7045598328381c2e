#!/bin/sh
# gen_pki.sh - regenerate the certificates the IKE engine tests use
# (tests/data/ike/pki/).  openssl command line only; no root needed.
#
#   pki/ca.pem, ca.key        self-signed CA "reswan ike test CA" (P-256), 30 years
#   pki/gw-ecdsa.pem/.key     gw.example    (P-256),     SAN DNS:gw.example
#   pki/client-rsa.pem/.key   client.example (RSA-2048), SAN DNS:client.example
#   pki/client-ed.pem/.key    ed.example    (Ed25519),   SAN DNS:ed.example
#   pki/other-ca.pem          an unrelated CA (untrusted-chain tests)
#   pki/stranger.pem/.key     client.example signed by other-ca
# Certificates are valid from their creation for 30 years; tests set the
# fake wall clock inside that window.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pki"
mkdir -p "$out"
q() { "$@" 2>/dev/null; }

ca() { # ca NAME CN
	q openssl ecparam -name prime256v1 -genkey -noout -out "$out/$1.key"
	q openssl req -x509 -new -key "$out/$1.key" -subj "/CN=$2" -days 10950 \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" -out "$out/$1.pem"
}

leaf() { # leaf NAME CN KEYGEN CA
	name=$1 cn=$2 kind=$3 signer=$4
	case $kind in
	ecdsa) q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$out/$name.key" ;;
	rsa) q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/$name.key" ;;
	ed25519) q openssl genpkey -algorithm ED25519 -out "$out/$name.key" ;;
	esac
	q openssl req -new -key "$out/$name.key" -subj "/CN=$cn" -out "$out/$name.csr"
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:FALSE\n' "$cn" >"$out/$name.ext"
	q openssl x509 -req -in "$out/$name.csr" -CA "$out/$signer.pem" \
		-CAkey "$out/$signer.key" -CAcreateserial -days 10950 \
		-extfile "$out/$name.ext" -out "$out/$name.pem"
	rm -f "$out/$name.csr" "$out/$name.ext"
}

ca ca "reswan ike test CA"
ca other-ca "someone else's CA"
leaf gw-ecdsa gw.example ecdsa ca
leaf client-rsa client.example rsa ca
leaf client-ed ed.example ed25519 ca
leaf stranger client.example ecdsa other-ca
rm -f "$out"/*.srl
