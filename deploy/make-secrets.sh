#!/bin/sh
# Makes the secrets pb needs, one file each, in DIR (default: the secrets folder beside this script):
#   PB_SECRET_KEY            signs officials' API tokens (random, 64 characters)
#   PB_VOTER_KEY_SECRET      master secret of the voter pseudonyms (random, 64 characters)
#   PB_SESSION_PRIVATE_KEY   Ed25519 key signing residents' session tokens (PEM)
#   PB_RESULTS_SIGNING_KEY   Ed25519 key signing result manifests (PEM), the fallback for every municipality
#   POSTGRES_PASSWORD        the database password (compose only; CloudNativePG makes its own)
#   PB_DATABASE_URL          pb's URL of the compose database, with that password
# PB_OIDC_CLIENT_SECRET comes from the identity provider: write it into DIR yourself.
#
# An existing file is never replaced: rotating a key is a deliberate step (deploy/README.md, "Key rotation"),
# and a new PB_VOTER_KEY_SECRET in the middle of a round would let every resident vote a second time.
# The folder is private to its owner (0700). The files in it are readable (0644) because compose mounts them
# as they are into containers that run as other users (pb as 10001, PostgreSQL as 999); the folder is what
# keeps them from the host's other users.
set -eu

dir=${1:-"$(dirname "$0")/secrets"}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

random_text() { openssl rand -base64 48 | tr -d '\n'; }
random_hex() { openssl rand -hex 32 | tr -d '\n'; }
ed25519_key() { openssl genpkey -algorithm ed25519; }
compose_database_url() { printf 'postgresql+asyncpg://pb:%s@db:5432/pb' "$(cat "$dir/POSTGRES_PASSWORD")"; }

make() {
    name=$1
    shift
    if [ -e "$dir/$name" ]; then
        echo "kept $dir/$name"
        return
    fi
    "$@" > "$dir/$name.new"
    chmod 644 "$dir/$name.new"
    mv "$dir/$name.new" "$dir/$name"
    echo "made $dir/$name"
}

make PB_SECRET_KEY random_text
make PB_VOTER_KEY_SECRET random_text
make PB_SESSION_PRIVATE_KEY ed25519_key
make PB_RESULTS_SIGNING_KEY ed25519_key
make POSTGRES_PASSWORD random_hex
make PB_DATABASE_URL compose_database_url

if [ ! -e "$dir/PB_OIDC_CLIENT_SECRET" ]; then
    echo "missing $dir/PB_OIDC_CLIENT_SECRET: write the client secret your identity provider issued for pb there" >&2
fi
