#!/usr/bin/env bash
# Makes a certificate authority and one certificate per node for the cluster's mutual TLS.
#   scripts/make-certs.sh OUT_DIR NODE [NODE ...]
# OUT_DIR gets ca.crt (what every node trusts), ca.key (keep it to make more node certificates)
# and NODE.pfx for each node (its certificate and private key, PKCS#12, protected by
# $CLUSTER_TLS_PASSWORD, default "change-me"). An existing CA in OUT_DIR is reused, so more nodes
# can be added later. Nothing made here belongs in git: the repository ignores certs/.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 OUT_DIR NODE [NODE ...]" >&2
  exit 2
fi
out=$1
shift
password=${CLUSTER_TLS_PASSWORD:-change-me}
mkdir -p "$out"
cd "$out"
umask 077
if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 825 \
    -subj "/CN=ProcessRegistry.Akka cluster CA" -keyout ca.key -out ca.crt 2>/dev/null
fi
for node in "$@"; do
  case "$node" in
    *[!A-Za-z0-9._-]*|'') echo "node names are letters, digits, '.', '_' and '-': $node" >&2; exit 2 ;;
  esac
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$node" -keyout "$node.key" -out "$node.csr" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\n' "$node" > "$node.ext"
  openssl x509 -req -sha256 -days 825 -in "$node.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -extfile "$node.ext" -out "$node.crt" 2>/dev/null
  openssl pkcs12 -export -out "$node.pfx" -inkey "$node.key" -in "$node.crt" -passout "pass:$password"
  rm -f "$node.key" "$node.csr" "$node.ext"
done
chmod 644 ca.crt ./*.pfx
echo "made $(pwd)/ca.crt and $(printf '%s.pfx ' "$@")"
