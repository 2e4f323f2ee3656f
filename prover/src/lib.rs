//! # alstra-prover
//!
//! Groth16 (arkworks 0.5, BN254) validity proofs of AlstraNet BPM state transitions, and their
//! export for Ethereum L1 (snarkjs JSON, Solidity verifier).
//!
//! * [`encoding`], [`poseidon`], [`smt`], [`state`]: the proven state machine, from the BPM
//!   core (`alstra_bpm_core::proof`): marking layout and firing rules, circomlib Poseidon, the
//!   sparse Merkle tree, the native transition function, registry and batch builder;
//! * [`gadgets`], [`circuit`]: the same rules in R1CS;
//! * [`groth`]: setup (INSECURE seeded test keys), prove, verify, key/proof files;
//! * [`export`]: snarkjs `verification_key.json` / `proof.json` / `public.json` and the
//!   Solidity verifier;
//! * [`scenario`]: batches walked on real BPMN models (tests, benchmarks, CLI demo);
//! * [`cli`]: `alstra prover setup|prove|verify|export`.
//!
//! See `docs/prover.md` for the specification.

#![warn(missing_docs)]

pub use alstra_bpm_core::proof::{encoding, poseidon, smt, state};

pub mod chain;
pub mod circuit;
pub mod ceremony;
pub mod cli;
pub mod export;
pub mod gadgets;
pub mod groth;
pub mod scenario;
