#!/usr/bin/env bash
# The Groth16 phase-2 trusted-setup ceremony of the batch circuit, with snarkjs (see
# docs/prover.md, "Trusted setup"). One coordinator keeps the ceremony directory; each
# participant runs `contribute` on it in turn (on its own machine: the directory travels, the
# entropy does not); anyone can `verify` the transcript; the coordinator finishes with a public
# `beacon` chosen in advance and `import`s the final zkey into a keys directory for the prover,
# the relayer and `alstra l1 deploy`. The keys are sound if one participant (of phase 2, and one
# of the powers of tau) destroyed its secret.
#
#   scripts/ceremony.sh new DIR (--ptau FILE | --local-ptau) [--batch-size N] [--state-depth D] [--defs-depth D]
#       writes DIR/circuit.r1cs and DIR/params.json (`alstra prover ceremony r1cs`; default
#       shape: the runtime's, 16 slots, depths 16), takes the powers of tau (phase 1): a public
#       file such as the Perpetual Powers of Tau (`--ptau`, prepared for phase 2, power at least
#       the one printed), or, for tests only, one made here by a single party (`--local-ptau`:
#       INSECURE), and runs `snarkjs groth16 setup` (DIR/zkeys/0000.zkey).
#   scripts/ceremony.sh contribute DIR NAME
#       one participant's contribution (entropy: 64 bytes of /dev/urandom, never written down);
#       prints its hash, which the participant publishes.
#   scripts/ceremony.sh beacon DIR BEACON_HEX [ITERATIONS_EXP=10]
#       the final, public contribution (e.g. the hash of an Ethereum block announced in advance).
#   scripts/ceremony.sh verify DIR
#       `snarkjs zkey verify`: the latest zkey derives from the R1CS and the powers of tau through
#       the recorded contributions; prints every contribution's hash.
#   scripts/ceremony.sh import DIR KEYS
#       verifies, then `alstra prover ceremony import` (checks the zkey against the circuit) into
#       KEYS, and `alstra prover export` (verification_key.json, Verifier.sol) into KEYS/export.
# Environment: ALSTRA (the alstra binary; default the build's), SNARKJS (snarkjs' cli.cjs;
# default contracts/node_modules, installed by `npm ci` in contracts/).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$HOME/.cache/alstranet/target}"
ALSTRA="${ALSTRA:-$TARGET/release/alstra}"
SNARKJS="${SNARKJS:-$ROOT/contracts/node_modules/snarkjs/build/cli.cjs}"

die() { echo "ceremony: $*" >&2; exit 1; }
snarkjs() { node --max-old-space-size=16384 "$SNARKJS" "$@"; }
[ -f "$SNARKJS" ] || die "snarkjs not found at $SNARKJS (run npm ci in contracts/, or set SNARKJS)"

# The latest zkey of DIR/zkeys (contributions are numbered 0000, 0001, ...).
latest() { ls "$1"/zkeys/*.zkey 2>/dev/null | sort | tail -1; }
next() {
	local last n
	last=$(latest "$1") || true
	[ -n "$last" ] || die "$1 has no zkey: run \`$0 new $1 ...\` first"
	n=$(basename "$last" .zkey)
	printf '%s/zkeys/%04d.zkey' "$1" $((10#$n + 1))
}
require_open() { [ ! -f "$1/final.zkey" ] || die "$1 is finished (final.zkey after the beacon): no more contributions"; }

cmd="${1:-}"
[ $# -ge 2 ] || die "usage: $0 new|contribute|beacon|verify|import DIR ... (see the header of $0)"
DIR="$2"
shift 2
case "$cmd" in
new)
	PTAU="" LOCAL=0 SHAPE=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--ptau) PTAU="$2"; shift 2 ;;
		--local-ptau) LOCAL=1; shift ;;
		--batch-size | --state-depth | --defs-depth) SHAPE+=("$1" "$2"); shift 2 ;;
		*) die "new: unknown option $1" ;;
		esac
	done
	[ -n "$PTAU" ] || [ "$LOCAL" = 1 ] || die "new: give --ptau FILE (a public phase 1) or --local-ptau (tests only)"
	[ ! -e "$DIR/zkeys" ] || die "$DIR already holds a ceremony"
	mkdir -p "$DIR/zkeys"
	[ -x "$ALSTRA" ] || die "alstra not found at $ALSTRA (build alstra-cli, or set ALSTRA)"
	OUT=$("$ALSTRA" prover ceremony r1cs --out "$DIR" "${SHAPE[@]}")
	echo "$OUT"
	POWER=$(echo "$OUT" | sed -n 's/.*power >= \([0-9]*\).*/\1/p')
	[ -n "$POWER" ] || die "cannot read the power of tau needed from: $OUT"
	if [ "$LOCAL" = 1 ]; then
		echo "WARNING: a powers-of-tau file made here by one party is INSECURE (whoever ran it can forge proofs); use a public phase 1 for real keys" >&2
		snarkjs powersoftau new bn128 "$POWER" "$DIR/pot_0000.ptau"
		snarkjs powersoftau contribute "$DIR/pot_0000.ptau" "$DIR/pot_0001.ptau" --name="local phase 1" -e="$(head -c 64 /dev/urandom | base64 -w0)"
		snarkjs powersoftau prepare phase2 "$DIR/pot_0001.ptau" "$DIR/pot.ptau"
		rm -f "$DIR/pot_0000.ptau" "$DIR/pot_0001.ptau"
	else
		[ -f "$PTAU" ] || die "no powers-of-tau file $PTAU"
		cp "$PTAU" "$DIR/pot.ptau"
	fi
	snarkjs groth16 setup "$DIR/circuit.r1cs" "$DIR/pot.ptau" "$DIR/zkeys/0000.zkey"
	echo "ceremony ready in $DIR: next, \`$0 contribute $DIR NAME\` by each participant"
	;;
contribute)
	NAME="${1:-}"
	[ -n "$NAME" ] || die "contribute: give the participant's NAME"
	require_open "$DIR"
	PREV=$(latest "$DIR") NEXT=$(next "$DIR")
	snarkjs zkey contribute "$PREV" "$NEXT" --name="$NAME" -e="$(head -c 64 /dev/urandom | base64 -w0)"
	echo "$NAME contributed: $NEXT"
	;;
beacon)
	BEACON="${1:-}"
	[[ "$BEACON" =~ ^(0x)?[0-9a-fA-F]{64}$ ]] || die "beacon: give the beacon as 32 bytes of hex (e.g. an Ethereum block hash announced in advance)"
	require_open "$DIR"
	PREV=$(latest "$DIR") NEXT=$(next "$DIR")
	snarkjs zkey beacon "$PREV" "$NEXT" "${BEACON#0x}" "${2:-10}" --name="final beacon"
	cp "$NEXT" "$DIR/final.zkey"
	echo "beacon applied: $DIR/final.zkey; next, \`$0 import $DIR KEYS\`"
	;;
verify)
	LAST=$(latest "$DIR")
	[ -n "$LAST" ] || die "$DIR has no zkey"
	snarkjs zkey verify "$DIR/circuit.r1cs" "$DIR/pot.ptau" "$LAST"
	;;
import)
	KEYS="${1:-}"
	[ -n "$KEYS" ] || die "import: give the KEYS directory to write"
	[ -f "$DIR/final.zkey" ] || die "$DIR has no final.zkey: apply the beacon first"
	snarkjs zkey verify "$DIR/circuit.r1cs" "$DIR/pot.ptau" "$DIR/final.zkey" | tee "$DIR/verify.log"
	grep -q "ZKey Ok!" "$DIR/verify.log" || die "snarkjs zkey verify did not accept $DIR/final.zkey"
	"$ALSTRA" prover ceremony import --zkey "$DIR/final.zkey" --params "$DIR/params.json" --out "$KEYS"
	"$ALSTRA" prover export --keys "$KEYS" --out "$KEYS/export"
	;;
*) die "unknown command $cmd: new|contribute|beacon|verify|import" ;;
esac
