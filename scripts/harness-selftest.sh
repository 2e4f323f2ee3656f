#!/usr/bin/env bash
# Self-test of the test harness: proves that a failing test of each runner that scripts/test.sh
# uses makes the command that test.sh runs exit non-zero, so that CI cannot pass over a failure.
# For each runner it builds a throw-away project in a temp dir with one passing and one
# deliberately failing test, runs the same command line that test.sh runs, and requires
#   - the passing test alone: exit 0 (the project itself is sound: the failure below is the
#     failing test's, not a compile or set-up error), and
#   - all tests: a non-zero exit status and the failing test named as failed in the output.
# Found by this check: the npm launcher of @foundry-rs/forge 1.7.1 (`npx forge`) exits 0 when
# forge fails; contracts/tools/forge runs the platform binary instead.
#   scripts/harness-selftest.sh [forge] [cargo] [node] [npm] [zombienet]   (default: all but zombienet)
# `zombienet` spawns one node of the `local` chain (the built alstranet-node, about 30 s).
# Exit status: 0 when every runner asked for fails as it must; 1 otherwise, naming the runner.
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

work="$(mktemp -d "${TMPDIR:-/tmp}/alstranet-harness-XXXXXX")"
trap 'rm -rf "$work"' EXIT

# expect_status <runner> <want: pass|fail> <dir> <failing test name or -> <command...>
# Runs the command in <dir>; with `fail`, requires a non-zero status and the failing test's name
# on a line that also says it failed.
expect_status() {
	local runner="$1" want="$2" dir="$3" failing="$4" status=0
	shift 4
	(cd "$dir" && "$@") >"$work/$runner-$want.log" 2>&1 || status=$?
	if [ "$want" = pass ] && [ "$status" -ne 0 ]; then
		tail -n 30 "$work/$runner-$want.log" >&2
		echo "harness self-test ($runner): the passing test alone exited $status, so the set-up itself is broken: $*" >&2
		exit 1
	fi
	if [ "$want" = fail ]; then
		if [ "$status" -eq 0 ]; then
			tail -n 30 "$work/$runner-$want.log" >&2
			echo "harness self-test ($runner): a deliberately failing test exited 0: \`$*\` cannot fail CI" >&2
			exit 1
		fi
		if ! grep -iE "fail|not ok|✖|❌" "$work/$runner-$want.log" | grep -q -- "$failing"; then
			tail -n 30 "$work/$runner-$want.log" >&2
			echo "harness self-test ($runner): exited $status but did not report $failing as failed" >&2
			exit 1
		fi
		log "harness self-test: $runner exits $status on a failing test"
	fi
}

selftest_forge() {
	local dir="$work/forge"
	mkdir -p "$dir/src" "$dir/test"
	# the same compiler and settings as contracts/bpm (solc from npm through contracts/tools/solc)
	cat >"$dir/foundry.toml" <<EOF
[profile.default]
src = "src"
test = "test"
out = "out"
solc = "$ROOT/contracts/tools/solc"
offline = true
auto_detect_solc = false
EOF
	cat >"$dir/test/Harness.t.sol" <<'EOF'
// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

contract HarnessTest {
    function testPasses() public pure {
        require(1 + 1 == 2, "arithmetic");
    }

    function testDeliberatelyFails() public pure {
        require(1 + 1 == 3, "deliberate failure of the harness self-test");
    }
}
EOF
	expect_status forge pass "$dir" - "$ROOT/contracts/tools/forge" test --match-test testPasses
	expect_status forge fail "$dir" testDeliberatelyFails "$ROOT/contracts/tools/forge" test
}

selftest_cargo() {
	local dir="$work/cargo"
	mkdir -p "$dir/src"
	cat >"$dir/Cargo.toml" <<'EOF'
[package]
name = "harness-selftest"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]
EOF
	cat >"$dir/src/lib.rs" <<'EOF'
#[test]
fn passes() {
    assert_eq!(1 + 1, 2);
}

#[test]
fn deliberately_fails() {
    assert_eq!(1 + 1, 3, "deliberate failure of the harness self-test");
}
EOF
	# its own target dir: nothing of this crate in the shared one
	expect_status cargo pass "$dir" - env CARGO_TARGET_DIR="$dir/target" cargo test --offline --quiet passes
	expect_status cargo fail "$dir" deliberately_fails env CARGO_TARGET_DIR="$dir/target" cargo test --offline --quiet
}

# node's test runner, as tests/e2e runs it (`node --test`), and through `npm test --silent`
write_node_project() {
	local dir="$1"
	mkdir -p "$dir/test"
	cat >"$dir/package.json" <<'EOF'
{ "name": "harness-selftest", "private": true, "type": "module",
  "scripts": { "test": "node --test --test-concurrency=1 test/" } }
EOF
	cat >"$dir/test/harness.test.js" <<'EOF'
import assert from 'node:assert/strict';
import { test } from 'node:test';

test('passes', () => assert.equal(1 + 1, 2));
test('deliberately fails', () => assert.equal(1 + 1, 3, 'deliberate failure of the harness self-test'));
EOF
}

selftest_node() {
	write_node_project "$work/node"
	expect_status node pass "$work/node" - node --test --test-name-pattern='^passes$' test/
	expect_status node fail "$work/node" "deliberately fails" node --test --test-concurrency=1 test/
}

selftest_npm() {
	write_node_project "$work/npm"
	expect_status npm fail "$work/npm" "deliberately fails" npm test --silent
}

# zombienet's `test` (as scripts/network-test.sh runs it) on one node of the `local` chain: an
# assertion that holds, then one that cannot (a block height no chain reaches in 5 s).
selftest_zombienet() {
	local dir="$work/zombienet"
	[ -x "$NODE_BIN" ] || build_node
	mkdir -p "$dir"
	"$NODE_BIN" build-spec --chain "$ROOT/chain-specs/local.json" --raw --disable-default-bootnode \
		>"$dir/local-raw.json" 2>"$dir/build-spec.log"
	cat >"$dir/network.toml" <<EOF
[settings]
provider = "native"
timeout = 300

[relaychain]
default_command = "$NODE_BIN"
chain = "local"
chain_spec_path = "$dir/local-raw.json"

  [[relaychain.nodes]]
  name = "alice"
  validator = true
EOF
	cat >"$dir/pass.zndsl" <<EOF
Description: harness self-test (holds)
Network: $dir/network.toml
Creds: config

alice: is up within 120 seconds
EOF
	cat >"$dir/fail.zndsl" <<EOF
Description: harness self-test (fails)
Network: $dir/network.toml
Creds: config

alice: is up within 120 seconds
alice: reports block height is at least 1000000 within 5 seconds
EOF
	expect_status zombienet pass "$ROOT/zombienet" - npx zombienet --provider native --dir "$dir/net-pass" test "$dir/pass.zndsl"
	expect_status zombienet fail "$ROOT/zombienet" "block height is at least 1000000" \
		npx zombienet --provider native --dir "$dir/net-fail" test "$dir/fail.zndsl"
}

runners=("$@")
[ ${#runners[@]} -gt 0 ] || runners=(forge cargo node npm)
for runner in "${runners[@]}"; do
	case "$runner" in
		forge | cargo | node | npm | zombienet) "selftest_$runner" ;;
		*) echo "harness-selftest.sh: unknown runner '$runner' (forge, cargo, node, npm, zombienet)" >&2; exit 2 ;;
	esac
done
