//! The proven state machine: how the BPM state is encoded for the rollup's validity proof.
//!
//! The engine ([`crate::engine`]) is the state machine every node executes; this module is its
//! image in the field the Groth16 circuit (`prover/`) works in, shared by the prover's native
//! witness builder and the runtime (which must compute the same roots from what happens on
//! chain):
//!
//! * [`encoding`]: the instance marking (5 words of 64 bits), the firing rules compiled from a
//!   definition (the leaves of the definitions tree) and the prover's limits;
//! * [`poseidon`]: circomlib Poseidon over BN254 (`no_std`, generated constants);
//! * [`smt`]: the fixed-depth Poseidon sparse Merkle tree;
//! * [`definitions`]: the definitions tree (rules, leaves, the in-memory registry);
//! * [`field`]: field elements as bytes and decimal strings;
//! * [`state`]: instance and rule leaves, the state root, the transition function
//!   [`state::State::fire`] the circuit enforces, the registry, the batch witness and
//!   commitment;
//! * [`l1`]: the EIP-712 messages the validators sign for the L1 contracts (batch headers,
//!   validator-set handovers);
//! * [`replay`]: the engine's events of one action mapped to rule firings and applied, all
//!   or nothing (what the runtime records for every engine action).
//!
//! What the proof covers and what only the validators attest: `docs/bpm-engine.md`.

pub use ark_bn254::Fr;

pub mod definitions;
pub mod encoding;
pub mod field;
pub mod l1;
pub mod poseidon;
#[rustfmt::skip]
#[allow(clippy::unreadable_literal, missing_docs)]
pub mod poseidon_constants;
pub mod replay;
pub mod smt;
pub mod state;

/// The rollup precompile's index in pallet-revive's precompile address space
/// (`pallet_revive::precompiles::AddressMatcher::Fixed`): the precompile lives at
/// [`ROLLUP_PRECOMPILE_ADDRESS`], `0x00000000000000000000000000000000` + this index big-endian +
/// `0000`. The runtime installs it there; the generated `BpmCore.ROLLUP_PRECOMPILE` gives the
/// contracts the same address.
pub const ROLLUP_PRECOMPILE_INDEX: u16 = 0x0B00;

/// The EVM address of the rollup precompile (see [`ROLLUP_PRECOMPILE_INDEX`]).
pub const ROLLUP_PRECOMPILE_ADDRESS: [u8; 20] = {
    let mut a = [0u8; 20];
    a[16] = (ROLLUP_PRECOMPILE_INDEX >> 8) as u8;
    a[17] = ROLLUP_PRECOMPILE_INDEX as u8;
    a
};
