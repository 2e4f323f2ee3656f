//! # alstra-prover
//!
//! Groth16 (arkworks 0.5, BN254) validity proofs of AlstraNet BPM state transitions, and their
//! export for Ethereum L1 (snarkjs JSON, Solidity verifier).
//!
//! * [`encoding`]: the instance marking layout and the compilation of `alstra-bpmn` models into
//!   firing rules (the leaves of the definitions tree);
//! * [`poseidon`], [`smt`]: circomlib Poseidon and the Poseidon sparse Merkle tree;
//! * [`native`]: the plain-Rust state-transition function, registry and batch builder;
//! * [`gadgets`], [`circuit`]: the same rules in R1CS;
//! * [`groth`]: setup (INSECURE seeded test keys), prove, verify, key/proof files;
//! * [`export`]: snarkjs `verification_key.json` / `proof.json` / `public.json` and the
//!   Solidity verifier;
//! * [`scenario`]: batches walked on real BPMN models (tests, benchmarks, CLI demo);
//! * [`cli`]: `alstra prover setup|prove|verify|export`.
//!
//! See `docs/prover.md` for the specification.

#![warn(missing_docs)]

pub mod circuit;
pub mod cli;
pub mod encoding;
pub mod export;
pub mod gadgets;
pub mod groth;
pub mod native;
pub mod poseidon;
pub mod scenario;
pub mod smt;
