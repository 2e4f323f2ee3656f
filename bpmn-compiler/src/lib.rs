//! # alstra-bpmn
//!
//! Compiles BPMN 2.0 XML (Camunda Modeler, Signavio, bpmn.io, Trisotech, ...) into the
//! on-chain records of `contracts/bpm/src/BpmnModel.sol`, following the engine semantics of
//! `docs/bpm-engine.md`. The records, limits and condition VM are those of the BPM core
//! (`alstra-bpm-core`, re-exported here); this crate only parses XML into them.
//!
//! ```no_run
//! let xml = std::fs::read_to_string("invoice.bpmn").unwrap();
//! match alstra_bpmn::compile(&xml) {
//!     Ok(model) => println!("{}", model.summary()),
//!     Err(e) => eprintln!("refused: {e}"), // line 42: <bpmn:boundaryEvent id="X">: ...
//! }
//! ```
//!
//! * [`compile`] / [`compile_file`]: XML -> [`CompiledModel`] or [`CompileError`]; never panics.
//! * [`CompiledModel`]: pools, swimlanes, scopes, elements (activities, then events, then
//!   gateways), activity/gateway sequence flows with their places and condition bytecode,
//!   event triggers (message flows) and variables; `serde::Serialize` gives the JSON used by
//!   the CLI; [`CompiledModel::summary`] gives the counts.
//! * [`eval_condition`], [`validate_condition`]: the core's condition VM (`ConditionVM.sol` is
//!   held to it by conformance vectors).
//!
//! Mapping rules the two contract files leave open (pool order, lanes of sub-process content,
//! task performers as synthetic swimlanes, message flows into plain tasks or black-box
//! pools, ...) are listed in the addendum
//! "Compiler rules" of `docs/bpm-engine.md`. In short: document order everywhere; element
//! indexes are activities, then events, then gateways; places are the sequence flows of a scope
//! in document order, the outgoing flows of an event-based gateway sharing one; names are
//! whitespace-normalized and `role == keccak256(name)`; the first unsupported construct in
//! document order is reported with its id, BPMN type and line.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod compile;
mod error;
pub mod expr;
/// The condition VM of the BPM core (`alstra_bpm_core::condition`), under its former name.
pub use alstra_bpm_core::condition as vm;

pub use compile::{
    compile, compile_file, read_model, ALSTRA_NS, BPMN_NS, MAX_REWARD_UNITS, MAX_ELEMENTS, MAX_LANES, MAX_MESSAGE_FLOWS, MAX_PLACES,
    MAX_POOLS, MAX_SCOPES, MAX_VARIABLES, MAX_XML_DEPTH, MAX_XML_NODES,
};
pub use error::CompileError;
pub use alstra_bpm_core::model::{
    keccak256, to_hex, ActivitySequenceFlow, Bitmap256, CompiledModel, Element, ElementKind,
    EventTrigger, GatewaySequenceFlow, Pool, Scope, Subprocess, Summary, Swimlane, TaskVerification,
    Variable, VariableType,
};
pub use alstra_bpm_core::condition::{eval_condition, validate_condition, Int256, VmError};
