//! The limits of a process definition and of the engine, in one place: the BPMN compiler refuses
//! a model past them, the registry (`ProcessDefinitionRegistry.sol`) refuses records past them,
//! and the engine (`ProcessExecution.sol`) stops a transaction past them. The Solidity constants
//! are generated from [`LIMITS`] into `contracts/bpm/src/generated/BpmCore.sol`.
//!
//! Each width follows from the record field that holds an index (`BpmnModel.sol`): a `uint8`
//! index allows 256 entries, a `uint16` index + 1 (0 meaning "none") 65,535.

/// Places (bits of a scope's `uint256` marking) per scope; `place` is a `uint8`.
pub const MAX_PLACES: usize = 256;
/// Message flows per definition (bits of `messageOut`/the pending-messages `uint256`).
pub const MAX_MESSAGE_FLOWS: usize = 256;
/// Scopes per definition (`scope`/`childScope` are `uint8`; `busyScopes` is a `uint256`).
pub const MAX_SCOPES: usize = 256;
/// Variables per definition (the `LOAD` operand and `VariableAssignment.index` are `uint8`).
pub const MAX_VARIABLES: usize = 256;
/// Elements per definition (`lane`/`messageIn`/`sourceElement` store index + 1 in a `uint16`).
pub const MAX_ELEMENTS: usize = 65_535;
/// Sequence flows per record table (activity flows, gateway flows) of a definition.
pub const MAX_SEQUENCE_FLOWS: usize = 65_535;
/// Pools per definition (`pool` is a `uint8`).
pub const MAX_POOLS: usize = 256;
/// Swimlanes per definition (`lane` is index + 1 in a `uint16`).
pub const MAX_SWIMLANES: usize = 65_535;
/// Automatic firings the engine makes in one transaction, across every instance it touches;
/// past it the transaction reverts (`AutomaticStepLimitExceeded`): a bound on the gas of one
/// call and on automatic loops with no task in them.
pub const MAX_AUTOMATIC_STEPS: usize = 512;
/// Nesting of call activities: a root instance has depth 0; a call from depth
/// `MAX_CALL_DEPTH` reverts (`CallDepthExceeded`).
pub const MAX_CALL_DEPTH: usize = 8;
/// Recognition units one approval of a verified task may grant (`alstra:reward`, a `uint64` in
/// `BpmnModel.TaskVerification`): 10^9, so that no realistic number of approvals comes near
/// `uint256` (AlstraNet specification 5.15, Reward).
pub const MAX_REWARD_UNITS: usize = 1_000_000_000;

/// Every limit with its Solidity constant name and a one-line meaning, in the order of the
/// generated file.
pub const LIMITS: [(&str, usize, &str); 11] = [
    ("MAX_PLACES", MAX_PLACES, "places (bits of a scope's marking) per scope"),
    ("MAX_MESSAGE_FLOWS", MAX_MESSAGE_FLOWS, "message flows per definition"),
    ("MAX_SCOPES", MAX_SCOPES, "scopes (pool processes and embedded sub-processes) per definition"),
    ("MAX_VARIABLES", MAX_VARIABLES, "variables per definition"),
    ("MAX_ELEMENTS", MAX_ELEMENTS, "elements (flow nodes) per definition"),
    ("MAX_SEQUENCE_FLOWS", MAX_SEQUENCE_FLOWS, "sequence flows per record table of a definition"),
    ("MAX_POOLS", MAX_POOLS, "pools per definition"),
    ("MAX_SWIMLANES", MAX_SWIMLANES, "swimlanes per definition"),
    ("MAX_AUTOMATIC_STEPS", MAX_AUTOMATIC_STEPS, "automatic firings in one transaction, across every instance it touches"),
    ("MAX_CALL_DEPTH", MAX_CALL_DEPTH, "nesting of call activities (a root instance has depth 0)"),
    ("MAX_REWARD_UNITS", MAX_REWARD_UNITS, "recognition units one approval of a verified task grants (alstra:reward)"),
];
