# Shared set-up for scripts/run.sh and scripts/test.sh (sourced, not run).
# Installs what a fresh Debian machine lacks, then exports the build environment.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# One persistent cargo target directory outside the clone, reused by CI and every checkout.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/alstranet/target}"
NODE_BIN="$CARGO_TARGET_DIR/release/alstranet-node"
# Reproducible runtime wasm (the committed chain specs embed it, so it must not depend on where the
# repository is checked out). Two things in a wasm build depend on the checkout path: the source
# paths embedded in panic locations, and cargo's `-C metadata` of path crates (hashed from their
# absolute path, and from RUSTFLAGS), which changes symbol names and the order of functions and
# custom sections in the wasm. So, like srtool's fixed `/build`, every cargo call goes through
# one fixed path, BUILD_ROOT, a symlink to this checkout, and the wasm maps it, the cargo
# registry and the Rust sysroot to fixed prefixes.
BUILD_ROOT="${ALSTRANET_BUILD_ROOT:-/tmp/alstranet-build-root}"
export WASM_BUILD_WORKSPACE_HINT="$BUILD_ROOT"
export WASM_BUILD_RUSTFLAGS="--remap-path-prefix=$BUILD_ROOT=/alstranet --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=/cargo --remap-path-prefix=$(rustc --print sysroot 2>/dev/null || echo /nonexistent)=/rust"

# Each line carries the seconds since the script started (bash's SECONDS), so that a CI log
# shows where the time goes.
log() { printf '\033[1;34m[alstranet +%ss]\033[0m %s\n' "$SECONDS" "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

install_system_packages() {
	local missing=()
	command -v clang >/dev/null || missing+=(clang)
	[ -e /usr/lib/llvm-14/lib/libclang.so ] || ls /usr/lib/llvm-*/lib/libclang.so >/dev/null 2>&1 || missing+=(libclang-dev)
	command -v protoc >/dev/null || missing+=(protobuf-compiler)
	command -v mold >/dev/null || missing+=(mold)
	command -v curl >/dev/null || missing+=(curl)
	command -v node >/dev/null || missing+=(nodejs npm)
	# the web app's browser tests (puppeteer-core drives it; its own browser download is unreachable)
	command -v chromium >/dev/null || missing+=(chromium)
	# the analytics indexer's PostgreSQL test starts a throwaway server (indexer/tests/indexer.rs)
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
	# promtool checks and unit-tests the alert rules in monitoring/ (Debian ships it with prometheus)
	command -v promtool >/dev/null || missing+=(prometheus)
	if [ ${#missing[@]} -gt 0 ]; then
		log "installing Debian packages: ${missing[*]}"
		as_root apt-get update -qq
		DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}

install_rust_targets() {
	rustup target list --installed | grep -qx wasm32v1-none || rustup target add wasm32v1-none
	rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
}

# npm packages, pinned by each folder's package-lock.json: tests/e2e (ethers, solc,
# @polkadot/api, Foundry's anvil, puppeteer-core), contracts (Foundry's forge, solc,
# OpenZeppelin), governance (@polkadot/api), zombienet (@zombienet/cli) and webapp (bpmn-js,
# ethers, Pico CSS, esbuild, TypeScript).
install_npm_packages() {
	local dir
	for dir in tests/e2e contracts governance zombienet webapp; do
		if [ ! -d "$ROOT/$dir/node_modules" ] || [ "$ROOT/$dir/package-lock.json" -nt "$ROOT/$dir/node_modules/.package-lock.json" ]; then
			log "installing npm packages ($dir)"
			(cd "$ROOT/$dir" && npm ci --no-audit --no-fund --loglevel=error)
		fi
	done
}

# Points BUILD_ROOT at this checkout. When it pointed at another checkout before, cargo would
# see the same paths with older modification times and could keep that checkout's artifacts:
# mark this checkout's tracked files as modified so that cargo rebuilds the workspace crates.
link_build_root() {
	local last="$CARGO_TARGET_DIR/.alstranet-last-checkout"
	mkdir -p "$CARGO_TARGET_DIR"
	if [ "$(readlink "$BUILD_ROOT" 2>/dev/null || true)" != "$ROOT" ]; then
		ln -sfn "$ROOT" "$BUILD_ROOT"
	fi
	if [ -f "$last" ] && [ "$(cat "$last")" != "$ROOT" ]; then
		log "the last build was of $(cat "$last"): marking this checkout's sources as modified"
		(cd "$ROOT" && git ls-files -z -- ':!:*package-lock.json' | xargs -0 touch -c)
	fi
	echo "$ROOT" >"$last"
}

# cargo on this workspace, through BUILD_ROOT (see above): `workspace_cargo build -p alstranet-node`.
workspace_cargo() {
	local subcommand="$1"
	shift
	link_build_root
	(cd "$ROOT" && cargo "$subcommand" --manifest-path "$BUILD_ROOT/Cargo.toml" "$@")
}

# The node, then the `alstra` CLI with the analytics indexer. Built by separate cargo calls on
# purpose: building the node with the others in one call would unify the features of their
# shared dependencies and rebuild half of the node. The CLI and the indexer share their alloy,
# so they build together (and so do their tests, in scripts/test.sh).
ALSTRA_BIN="$CARGO_TARGET_DIR/release/alstra"
INDEXER_BIN="$CARGO_TARGET_DIR/release/alstra-indexer"
build_node() {
	log "building alstranet-node (release; target dir $CARGO_TARGET_DIR)"
	workspace_cargo build --release --locked -p alstranet-node
	log "building alstra and alstra-indexer"
	workspace_cargo build --release --locked -p alstra-cli -p alstra-indexer
}

setup_all() {
	install_system_packages
	install_rust_targets
	install_npm_packages
}
