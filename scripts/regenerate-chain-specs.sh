#!/usr/bin/env bash
# Regenerates chain-specs/dev.json and chain-specs/local.json from the runtime's presets.
# Run after any change to the runtime or its genesis presets, and commit the result.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
install_system_packages
install_rust_targets
build_node
for chain in dev local; do
	"$NODE_BIN" export-chain-spec --chain "$chain" >"$ROOT/chain-specs/$chain.json"
	log "wrote chain-specs/$chain.json"
done
