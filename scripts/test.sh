#!/usr/bin/env bash
# README test command: every test of AlstraNet. Installs what a fresh Debian machine lacks.
#   scripts/test.sh
# Environment: CARGO_TARGET_DIR (default ~/.cache/alstranet/target).
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
setup_all
cd "$ROOT"

log "Rust unit tests (runtime, pallets)"
cargo test --release --locked -p alstranet-runtime -p pallet-evm-chain-id

build_node

log "end-to-end tests (node + Ethereum endpoint, ethers, @polkadot/api)"
(cd tests/e2e && ALSTRANET_NODE="$NODE_BIN" npm test --silent)
