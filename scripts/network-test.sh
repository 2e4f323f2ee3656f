#!/usr/bin/env bash
# Network test: the consortium network of zombienet/network.toml (4 validators, a standby
# validator, a regular node and an unauthorised node of the `local` chain) run by zombienet's
# native provider, with the assertions of zombienet/consortium.zndsl. Part of scripts/test.sh.
#   scripts/network-test.sh
# Environment: CARGO_TARGET_DIR; ALSTRANET_MEASUREMENTS (file to append the measurements to).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
setup_all
[ -x "$NODE_BIN" ] || build_node

work="$(mktemp -d "${TMPDIR:-/tmp}/alstranet-zombienet-XXXXXX")"
# The raw form of the committed `local` chain spec: zombienet uses a raw spec as it is.
"$NODE_BIN" build-spec --chain "$ROOT/chain-specs/local.json" --raw --disable-default-bootnode \
	>"$work/local-raw.json" 2>"$work/build-spec.log" || {
	cat "$work/build-spec.log" >&2
	exit 1
}
export ALSTRANET_NODE="$NODE_BIN" ALSTRANET_RAW_SPEC="$work/local-raw.json"
log "zombienet: consortium network (7 nodes, native provider); logs under $work/network"
cd "$ROOT/zombienet"
status=0
npx zombienet --provider native --spawn-concurrency 1 --dir "$work/network" test consortium.zndsl || status=$?
if [ "$status" -ne 0 ]; then
	for f in "$work"/network/*.log; do
		[ -f "$f" ] || continue
		echo "----- last lines of $(basename "$f") -----" >&2
		tail -n 40 "$f" >&2
	done
	log "network test failed: the nodes' logs are kept in $work/network"
else
	rm -rf "$work"
fi
exit "$status"
