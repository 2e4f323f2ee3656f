//! # alstra-bpm-core
//!
//! The ground floor of AlstraNet's BPM: what the BPMN compiler emits, what the registry and the
//! engine (`contracts/bpm`) store and execute, and what the prover and the runtime will read, in
//! one `no_std` crate (it builds for `wasm32v1-none` without its default `std` feature).
//!
//! * [`model`]: the on-chain records of a process definition (`BpmnModel.sol`): pools,
//!   swimlanes, scopes, elements and their [`ElementKind`], sequence flows with their places,
//!   message flows, variables;
//! * [`limits`]: the limits of a definition and of the engine;
//! * [`condition`]: the condition VM (opcodes, evaluation, static validation);
//! * [`engine`]: the engine's state machine (instances, markings, firing rules, events, errors),
//!   the rule `ProcessExecution.sol` is held to by the conformance traces;
//! * [`solidity`]: the Solidity file generated from the three above
//!   (`contracts/bpm/src/generated/BpmCore.sol`), so that no kind, opcode or limit is copied by hand;
//! * [`proof`]: the proven state machine: the encoding of instances and firing rules for the
//!   rollup's validity proof, circomlib Poseidon, the sparse Merkle tree, the transition
//!   function the circuit enforces;
//! * `vectors` (feature `generate`): conformance vectors the Solidity engine replays in `forge`.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod condition;
pub mod engine;
pub mod limits;
pub mod model;
pub mod proof;
pub mod solidity;
#[cfg(feature = "generate")]
pub mod vectors;

pub use condition::{eval_condition, validate_condition, Int256, VmError};
pub use model::{
    keccak256, to_hex, ActivitySequenceFlow, Bitmap256, CompiledModel, Element, ElementKind,
    EventTrigger, GatewaySequenceFlow, Pool, Scope, Subprocess, Summary, Swimlane, TaskVerification,
    Variable, VariableType,
};

/// Every file generated from the core: `(path relative to the repository root, text)`.
#[cfg(feature = "generate")]
pub fn generated_files() -> alloc::vec::Vec<(&'static str, alloc::string::String)> {
    alloc::vec![
        (solidity::SOLIDITY_PATH, solidity::generated_solidity()),
        (vectors::CONDITIONS_PATH, vectors::condition_vectors()),
        (proof::poseidon::CONSTANTS_PATH, proof::poseidon::generated_constants()),
        (proof::l1::SOLIDITY_PATH, proof::l1::generated_solidity()),
    ]
}
