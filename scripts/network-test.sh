#!/usr/bin/env bash
# Network test: the consortium network of zombienet/network.toml (4 validators, a standby
# validator, a regular node and an unauthorised node of the `local` chain) run by zombienet's
# native provider, with the assertions of zombienet/consortium.zndsl. Part of scripts/test.sh.
#   scripts/network-test.sh
# Environment: CARGO_TARGET_DIR; ALSTRANET_MEASUREMENTS (file to append the measurements to).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
setup_all
[ -x "$NODE_BIN" ] && [ -x "$ALSTRA_BIN" ] || build_node
# The next runtime release (spec_version + 1) that the council applies to the running network
# (zombienet/scripts/runtime-upgrade.cjs); scripts/test.sh builds it before the e2e tests.
export ALSTRANET_NEXT_RUNTIME="${ALSTRANET_NEXT_RUNTIME:-$CARGO_TARGET_DIR/release/wbuild/alstranet-runtime/alstranet_runtime_next.compact.compressed.wasm}"
[ -f "$ALSTRANET_NEXT_RUNTIME" ] || workspace_cargo build --release --locked -p alstranet-runtime-next

work="$(mktemp -d "${TMPDIR:-/tmp}/alstranet-zombienet-XXXXXX")"
# The raw form of the committed `local` chain spec: zombienet uses a raw spec as it is.
"$NODE_BIN" build-spec --chain "$ROOT/chain-specs/local.json" --raw --disable-default-bootnode \
	>"$work/local-raw.json" 2>"$work/build-spec.log" || {
	cat "$work/build-spec.log" >&2
	exit 1
}
export ALSTRANET_NODE="$NODE_BIN" ALSTRANET_RAW_SPEC="$work/local-raw.json" ALSTRA="$ALSTRA_BIN" ALSTRANET_L1_DIR="$work/l1"
# Ethereum L1 for the validator-set handovers (zombienet/scripts/l1-bridge.cjs): anvil (the binary
# of tests/e2e's @foundry-rs/anvil) on a free port, automining; stopped with the relayer on exit.
anvil="$(cd "$ROOT/tests/e2e" && node -e "import('./lib/anvil.js').then((m) => console.log(m.anvilBin()))")"
l1_port="$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")"
"$anvil" --host 127.0.0.1 --port "$l1_port" >"$work/anvil.log" 2>&1 &
anvil_pid=$!
trap 'kill "$anvil_pid" 2>/dev/null; pkill -f -- "--data-dir $work/l1/relayer" 2>/dev/null || true' EXIT
export ALSTRANET_L1_RPC="http://127.0.0.1:$l1_port"
for _ in $(seq 60); do
	curl -sf -H 'content-type: application/json' -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$ALSTRANET_L1_RPC" >/dev/null && break
	sleep 0.5
done
log "zombienet: consortium network (7 nodes, native provider); logs under $work/network"
cd "$ROOT/zombienet"
status=0
# zombienet's report is kept too: on failure its failed step and the script's error are printed
# again after the nodes' logs, so that the end of a CI log says which step failed and why.
npx zombienet --provider native --spawn-concurrency 1 --dir "$work/network" test consortium.zndsl 2>&1 |
	tee "$work/zombienet.out" || status=$? # pipefail (env.sh): zombienet's status
if [ "$status" -ne 0 ]; then
	for f in "$work"/network/*.log "$work"/anvil.log "$work"/l1/relayer.log; do
		[ -f "$f" ] || continue
		echo "----- last lines of $(basename "$f") -----" >&2
		tail -n 40 "$f" >&2
	done
	echo "----- zombienet: the failed step and its error -----" >&2
	grep -a -E -A8 'Error running script|❌|Error:' "$work/zombienet.out" | tail -n 60 >&2 || true
	log "network test failed: the nodes' logs are kept in $work/network"
else
	rm -rf "$work"
fi
exit "$status"
