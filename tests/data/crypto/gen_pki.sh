#!/bin/sh
# gen_pki.sh - regenerate the fixed keys and certificates the crypto unit
# tests load (tests/data/crypto/pki/).  Uses only the openssl command line;
# run it from anywhere, no root needed.  The tests never depend on the
# date the files were made: expiry is tested at times computed from each
# certificate's own notBefore/notAfter.
#
#   pki/root.pem      self-signed CA "reswan test root" (P-256), 20 years
#   pki/inter.pem     intermediate CA signed by root (P-256)
#   pki/leaf.pem      end entity signed by inter (P-256 key leaf.key),
#                     subject CN=vpn.example,O=reswan, SANs DNS:vpn.example,
#                     email:ops@vpn.example, IP:192.0.2.7, IP:2001:db8::7,
#                     valid 365 days
#   pki/other.pem     an unrelated self-signed CA (wrong-CA tests)
#   pki/leaf.key      leaf private key, SEC1 "EC PRIVATE KEY" PEM
#   pki/rsa-pkcs8.pem RSA-2048, PKCS#8 PEM      pki/rsa-trad.pem same, PKCS#1
#   pki/ec384-pkcs8.der P-384, PKCS#8 DER       pki/ed25519.pem Ed25519 PKCS#8
#   pki/rsa-enc.pem   RSA-2048, encrypted PKCS#8 (must be refused)
#   pki/rsa-1024.pem  RSA-1024 (too small: must be refused)
#   pki/rsa-pub.pem   public half of rsa-pkcs8.pem (SubjectPublicKeyInfo)
#   pki/leaf.spki-sha1 hex SHA-1 of leaf's DER subjectPublicKeyInfo (CERTREQ)
#   pki/legacy.txt, pki/legacy-rsa-sha1.sig  a PKCS#1 v1.5 SHA-1 signature by
#                     rsa-pkcs8.pem, for the legacy RSA_SIG verify test
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/pki"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
q() { "$@" 2>/dev/null; }

q openssl ecparam -name prime256v1 -genkey -noout -out "$work/root.key"
q openssl req -x509 -new -key "$work/root.key" -subj "/CN=reswan test root" -days 7300 \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
	-out "$out/root.pem"

q openssl ecparam -name prime256v1 -genkey -noout -out "$work/inter.key"
q openssl req -new -key "$work/inter.key" -subj "/CN=reswan test intermediate" -out "$work/inter.csr"
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' >"$work/inter.ext"
q openssl x509 -req -in "$work/inter.csr" -CA "$out/root.pem" -CAkey "$work/root.key" \
	-CAcreateserial -days 3650 -extfile "$work/inter.ext" -out "$out/inter.pem"

q openssl ecparam -name prime256v1 -genkey -noout -out "$out/leaf.key"
q openssl req -new -key "$out/leaf.key" -subj "/O=reswan/CN=vpn.example" -out "$work/leaf.csr"
printf 'subjectAltName=DNS:vpn.example,email:ops@vpn.example,IP:192.0.2.7,IP:2001:db8::7\nkeyUsage=critical,digitalSignature\n' >"$work/leaf.ext"
q openssl x509 -req -in "$work/leaf.csr" -CA "$out/inter.pem" -CAkey "$work/inter.key" \
	-CAcreateserial -days 365 -extfile "$work/leaf.ext" -out "$out/leaf.pem"

q openssl ecparam -name prime256v1 -genkey -noout -out "$work/other.key"
q openssl req -x509 -new -key "$work/other.key" -subj "/CN=reswan test root" -days 7300 \
	-addext "basicConstraints=critical,CA:TRUE" -out "$out/other.pem"

q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$out/rsa-pkcs8.pem"
q openssl rsa -in "$out/rsa-pkcs8.pem" -traditional -out "$out/rsa-trad.pem"
q openssl pkey -in "$out/rsa-pkcs8.pem" -pubout -out "$out/rsa-pub.pem"
q openssl pkcs8 -topk8 -in "$out/rsa-pkcs8.pem" -v2 aes-128-cbc -passout pass:secret \
	-out "$out/rsa-enc.pem"
q openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out "$out/rsa-1024.pem"
q openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -outform DER \
	-out "$out/ec384-pkcs8.der"
q openssl genpkey -algorithm ED25519 -out "$out/ed25519.pem"
openssl x509 -in "$out/leaf.pem" -pubkey -noout | openssl pkey -pubin -outform DER |
	openssl dgst -sha1 -r | cut -c1-40 >"$out/leaf.spki-sha1"
printf 'InitiatorSignedOctets stand-in for the legacy RSA_SIG test\n' >"$out/legacy.txt"
q openssl dgst -sha1 -sign "$out/rsa-pkcs8.pem" -out "$out/legacy-rsa-sha1.sig" "$out/legacy.txt"
rm -f "$out"/*.srl
echo "gen_pki: wrote $(ls "$out" | tr '\n' ' ')"
