//! The on-chain records of a process definition: the structs of `contracts/bpm/src/BpmnModel.sol`
//! (the kinds of [`ElementKind`] and [`VariableType`] are generated into Solidity from here, see
//! [`crate::solidity`]).
//!
//! Field order and meaning follow the Solidity structs exactly; integer widths are the same
//! (`uint8` -> `u8`, `uint16` -> `u16`), `bytes32` is `[u8; 32]`, `bytes` is `Vec<u8>` and the
//! `uint256` bitmap `messageOut` is a [`Bitmap256`] (32 bytes, big-endian).
//!
//! JSON (serde) shape: field names are the Solidity names (camelCase); `bytes32`, `bytes` and
//! `uint256` values are `"0x…"` hex strings (bytes32 and uint256: always 64 hex digits); enums
//! are their Solidity ordinal (a number), so the JSON can be ABI-encoded as is.

use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use serde::{Serialize, Serializer};
use sha3::{Digest, Keccak256};

/// keccak256 of `data` (the Ethereum hash, not NIST SHA3-256).
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut h = Keccak256::new();
    h.update(data);
    h.finalize().into()
}

/// Lower-case hex with a `0x` prefix.
pub fn to_hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(2 + bytes.len() * 2);
    s.push_str("0x");
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

fn ser_hex<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(bytes))
}

fn ser_hex32<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(bytes))
}

/// A Solidity `uint256` used as a bitmap, stored as 32 big-endian bytes: bit `i` (value `2^i`)
/// is bit `i % 8` of byte `31 - i / 8`. Serialized as a `"0x…"` 64-digit hex string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Bitmap256(pub [u8; 32]);

impl Bitmap256 {
    /// The empty bitmap (`0`).
    pub const ZERO: Bitmap256 = Bitmap256([0; 32]);

    /// Sets bit `bit` (0..=255).
    pub fn set(&mut self, bit: u8) {
        self.0[31 - (bit / 8) as usize] |= 1 << (bit % 8);
    }

    /// Whether bit `bit` (0..=255) is set.
    pub fn is_set(&self, bit: u8) -> bool {
        self.0[31 - (bit / 8) as usize] & (1 << (bit % 8)) != 0
    }

    /// True when no bit is set.
    pub fn is_zero(&self) -> bool {
        self.0.iter().all(|b| *b == 0)
    }

    /// Number of bits set.
    pub fn count_ones(&self) -> u32 {
        self.0.iter().map(|b| b.count_ones()).sum()
    }

    /// The indexes of the set bits, ascending.
    pub fn bits(&self) -> Vec<u8> {
        (0..=255u8).filter(|b| self.is_set(*b)).collect()
    }

    /// The bitmap with only bit `bit` set (`1 << bit`).
    pub fn bit(bit: u8) -> Bitmap256 {
        let mut b = Bitmap256::ZERO;
        b.set(bit);
        b
    }

    /// Clears bit `bit`.
    pub fn clear(&mut self, bit: u8) {
        self.0[31 - (bit / 8) as usize] &= !(1 << (bit % 8));
    }

    /// `self | other`.
    pub fn or(&self, other: &Bitmap256) -> Bitmap256 {
        Bitmap256(core::array::from_fn(|i| self.0[i] | other.0[i]))
    }

    /// `self & other`.
    pub fn and(&self, other: &Bitmap256) -> Bitmap256 {
        Bitmap256(core::array::from_fn(|i| self.0[i] & other.0[i]))
    }

    /// `self & ~other`.
    pub fn and_not(&self, other: &Bitmap256) -> Bitmap256 {
        Bitmap256(core::array::from_fn(|i| self.0[i] & !other.0[i]))
    }

    /// The lowest set bit, if any (`Marking.lowest` of the contracts).
    pub fn lowest(&self) -> Option<u8> {
        (0..32).rev().find(|&i| self.0[i] != 0).map(|i| ((31 - i) * 8) as u8 + self.0[i].trailing_zeros() as u8)
    }
}

impl Serialize for Bitmap256 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        ser_hex32(&self.0, s)
    }
}

/// `BpmnModel.ElementKind`: the flow-node types the engine executes. The discriminant is the
/// Solidity enum ordinal (serialized as that number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum ElementKind {
    /// 0: `bpmn:task`, completed by a holder of its role.
    Task = 0,
    /// 1: `bpmn:userTask`.
    UserTask = 1,
    /// 2: `bpmn:manualTask`.
    ManualTask = 2,
    /// 3: `bpmn:serviceTask`.
    ServiceTask = 3,
    /// 4: `bpmn:sendTask`: sends its message flows when completed.
    SendTask = 4,
    /// 5: `bpmn:receiveTask`: automatic when its message arrives.
    ReceiveTask = 5,
    /// 6: `bpmn:scriptTask`.
    ScriptTask = 6,
    /// 7: `bpmn:businessRuleTask`.
    BusinessRuleTask = 7,
    /// 8: embedded `bpmn:subProcess` (opens a child scope).
    SubProcess = 8,
    /// 9: `bpmn:callActivity`.
    CallActivity = 9,
    /// 10: none start event.
    StartEvent = 10,
    /// 11: message start event.
    MessageStartEvent = 11,
    /// 12: none end event.
    EndEvent = 12,
    /// 13: message end event.
    MessageEndEvent = 13,
    /// 14: terminate end event.
    TerminateEndEvent = 14,
    /// 15: none intermediate throw event.
    IntermediateThrowEvent = 15,
    /// 16: message intermediate throw event.
    MessageIntermediateThrowEvent = 16,
    /// 17: message intermediate catch event.
    MessageIntermediateCatchEvent = 17,
    /// 18: exclusive (XOR) gateway.
    ExclusiveGateway = 18,
    /// 19: parallel (AND) gateway.
    ParallelGateway = 19,
    /// 20: event-based gateway (deferred choice).
    EventBasedGateway = 20,
}

impl ElementKind {
    /// Every kind, in ordinal order.
    pub const ALL: [ElementKind; 21] = [
        ElementKind::Task,
        ElementKind::UserTask,
        ElementKind::ManualTask,
        ElementKind::ServiceTask,
        ElementKind::SendTask,
        ElementKind::ReceiveTask,
        ElementKind::ScriptTask,
        ElementKind::BusinessRuleTask,
        ElementKind::SubProcess,
        ElementKind::CallActivity,
        ElementKind::StartEvent,
        ElementKind::MessageStartEvent,
        ElementKind::EndEvent,
        ElementKind::MessageEndEvent,
        ElementKind::TerminateEndEvent,
        ElementKind::IntermediateThrowEvent,
        ElementKind::MessageIntermediateThrowEvent,
        ElementKind::MessageIntermediateCatchEvent,
        ElementKind::ExclusiveGateway,
        ElementKind::ParallelGateway,
        ElementKind::EventBasedGateway,
    ];

    /// The kind with Solidity ordinal `ordinal`, if any.
    pub fn from_ordinal(ordinal: u8) -> Option<ElementKind> {
        ElementKind::ALL.get(ordinal as usize).copied()
    }

    /// The BPMN 2.0.2 construct the kind executes (section 10.3 activities, 10.5 events, 10.6
    /// gateways) and how the engine fires it, one line (used in generated Solidity comments).
    pub fn describe(self) -> &'static str {
        match self {
            ElementKind::Task => "bpmn:task, completed by a holder of its role",
            ElementKind::UserTask => "bpmn:userTask, completed by a holder of its role",
            ElementKind::ManualTask => "bpmn:manualTask, completed by a holder of its role",
            ElementKind::ServiceTask => "bpmn:serviceTask, completed by its role holder (an integration account)",
            ElementKind::SendTask => "bpmn:sendTask, completed by its role holder; sends its message flows",
            ElementKind::ReceiveTask => "bpmn:receiveTask, automatic when its message arrives",
            ElementKind::ScriptTask => "bpmn:scriptTask, completed by its role holder (the script runs off-chain)",
            ElementKind::BusinessRuleTask => "bpmn:businessRuleTask, completed by its role holder (the decision runs off-chain)",
            ElementKind::SubProcess => "embedded bpmn:subProcess: opens a child scope",
            ElementKind::CallActivity => "bpmn:callActivity: starts an instance of another deployed definition",
            ElementKind::StartEvent => "none start event",
            ElementKind::MessageStartEvent => "message start event",
            ElementKind::EndEvent => "none end event",
            ElementKind::MessageEndEvent => "message end event: sends its message flows",
            ElementKind::TerminateEndEvent => "terminate end event: clears its scope and the scopes nested in it",
            ElementKind::IntermediateThrowEvent => "none intermediate throw event",
            ElementKind::MessageIntermediateThrowEvent => "message intermediate throw event",
            ElementKind::MessageIntermediateCatchEvent => "message intermediate catch event",
            ElementKind::ExclusiveGateway => "exclusive (XOR) gateway: the first flow whose condition holds, else the default",
            ElementKind::ParallelGateway => "parallel (AND) gateway: joins all incoming, splits to all outgoing",
            ElementKind::EventBasedGateway => "event-based gateway (deferred choice): its outgoing flows share one place",
        }
    }

    /// Activities (`addActivities`): kinds 0..=9.
    pub fn is_activity(self) -> bool {
        (self as u8) <= 9
    }
    /// Events (`addEvents`): kinds 10..=17.
    pub fn is_event(self) -> bool {
        (10..=17).contains(&(self as u8))
    }
    /// Gateways (`addGateways`): kinds 18..=20.
    pub fn is_gateway(self) -> bool {
        (self as u8) >= 18
    }
    /// Tasks completed by an account bound to their role (`completeTask`).
    pub fn is_role_task(self) -> bool {
        matches!(
            self,
            ElementKind::Task
                | ElementKind::UserTask
                | ElementKind::ManualTask
                | ElementKind::ServiceTask
                | ElementKind::SendTask
                | ElementKind::ScriptTask
                | ElementKind::BusinessRuleTask
        )
    }
    /// Elements that wait for a message (`messageIn`).
    pub fn is_receiver(self) -> bool {
        matches!(
            self,
            ElementKind::ReceiveTask
                | ElementKind::MessageIntermediateCatchEvent
                | ElementKind::MessageStartEvent
        )
    }
    /// The Solidity enum member name.
    pub fn name(self) -> &'static str {
        match self {
            ElementKind::Task => "Task",
            ElementKind::UserTask => "UserTask",
            ElementKind::ManualTask => "ManualTask",
            ElementKind::ServiceTask => "ServiceTask",
            ElementKind::SendTask => "SendTask",
            ElementKind::ReceiveTask => "ReceiveTask",
            ElementKind::ScriptTask => "ScriptTask",
            ElementKind::BusinessRuleTask => "BusinessRuleTask",
            ElementKind::SubProcess => "SubProcess",
            ElementKind::CallActivity => "CallActivity",
            ElementKind::StartEvent => "StartEvent",
            ElementKind::MessageStartEvent => "MessageStartEvent",
            ElementKind::EndEvent => "EndEvent",
            ElementKind::MessageEndEvent => "MessageEndEvent",
            ElementKind::TerminateEndEvent => "TerminateEndEvent",
            ElementKind::IntermediateThrowEvent => "IntermediateThrowEvent",
            ElementKind::MessageIntermediateThrowEvent => "MessageIntermediateThrowEvent",
            ElementKind::MessageIntermediateCatchEvent => "MessageIntermediateCatchEvent",
            ElementKind::ExclusiveGateway => "ExclusiveGateway",
            ElementKind::ParallelGateway => "ParallelGateway",
            ElementKind::EventBasedGateway => "EventBasedGateway",
        }
    }
}

impl Serialize for ElementKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// `BpmnModel.VariableType` (serialized as its ordinal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum VariableType {
    /// 0: stored as 0 or 1.
    Bool = 0,
    /// 1: int256.
    Int = 1,
    /// 2: stored as `int256(keccak256(bytes(value)))`: equality only.
    String = 2,
}

impl VariableType {
    /// Every type, in ordinal order.
    pub const ALL: [VariableType; 3] = [VariableType::Bool, VariableType::Int, VariableType::String];

    /// How a value of this type is stored in the engine's `int256` variable table.
    pub fn describe(self) -> &'static str {
        match self {
            VariableType::Bool => "stored as 0 or 1",
            VariableType::Int => "int256",
            VariableType::String => "stored as int256(keccak256(bytes(value))): equality only",
        }
    }

    /// The Solidity enum member name.
    pub fn name(self) -> &'static str {
        match self {
            VariableType::Bool => "Bool",
            VariableType::Int => "Int",
            VariableType::String => "String",
        }
    }
}

impl Serialize for VariableType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*self as u8)
    }
}

/// `BpmnModel.Pool`: a participant of the collaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    /// The `bpmn:participant` id (the process id for a pool without participant).
    pub bpmn_id: String,
    /// Display name (whitespace-normalized); the id when the participant has no name.
    pub name: String,
    /// `keccak256(bytes(name))`: the role acting in the pool when no lane says otherwise.
    #[serde(serialize_with = "ser_hex32")]
    pub role: [u8; 32],
    /// True when the pool's process has flow nodes (it is executed); false for a black box.
    pub executable: bool,
}

/// `BpmnModel.Swimlane`: a lane of an executable pool, or a synthetic *performer* swimlane
/// (appended after the real lanes) for a role that tasks name without a lane (a BPMN resource
/// role or a `@ Role @` documentation annotation), one per distinct (pool, role name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Swimlane {
    /// The `bpmn:lane` id; for a performer swimlane the `bpmn:resource` id when a resource
    /// names the role, else `performer:<name>`.
    pub bpmn_id: String,
    /// Whitespace-normalized lane (or performer role) name; the id when the lane has no name.
    pub name: String,
    /// Index of its pool in [`CompiledModel::pools`].
    pub pool: u8,
    /// `keccak256(bytes(name))`.
    #[serde(serialize_with = "ser_hex32")]
    pub role: [u8; 32],
}

/// `BpmnModel.Subprocess`: a scope (a pool's process or an embedded sub-process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subprocess {
    /// The `bpmn:process` or `bpmn:subProcess` id.
    pub bpmn_id: String,
    /// Index + 1 of the SubProcess element that opens it; 0 for a pool's process.
    pub parent_element: u16,
    /// Index of the pool it belongs to.
    pub pool: u8,
}

/// Alias: a [`Subprocess`] record is a scope.
pub type Scope = Subprocess;

/// `BpmnModel.Element`: a flow node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Element {
    /// The flow node's BPMN id.
    pub bpmn_id: String,
    /// Whitespace-normalized name (may be empty).
    pub name: String,
    /// Its kind.
    pub kind: ElementKind,
    /// Index of the scope it lives in.
    pub scope: u8,
    /// Index + 1 of its swimlane (for a task naming its performer: the performer swimlane),
    /// 0 when no lane holds it (the pool's role applies).
    pub lane: u16,
    /// Index + 1 of the message flow it waits for (receivers only), 0 otherwise.
    pub message_in: u16,
    /// Bitmap of the message flows it sends when it completes.
    pub message_out: Bitmap256,
    /// SubProcess: index of the scope it opens; 0 otherwise.
    pub child_scope: u8,
    /// CallActivity: `keccak256(calledElement)`; zero otherwise.
    #[serde(serialize_with = "ser_hex32")]
    pub called_process: [u8; 32],
}

/// `BpmnModel.TaskVerification`: a task whose completion counts only once an account of a second
/// role approves it (the four-eyes principle; AlstraNet specification 5.22, TaskVerification).
/// Declared in the BPMN model with `alstra:verifier="<role>"` on the task (or a Camunda/Zeebe
/// extension property of that name); `alstra:evidence="required"` also requires a document hash
/// with each submission (docs/bpm-engine.md, "Task verification").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskVerification {
    /// Index of the verified task (a person task).
    pub element: u16,
    /// Whitespace-normalized name of the verifier role.
    pub verifier_name: String,
    /// `keccak256(verifier_name)`: who approves or rejects a submission; never the task's own role.
    #[serde(serialize_with = "ser_hex32")]
    pub verifier_role: [u8; 32],
    /// A submission must carry a non-zero evidence hash (SHA-256 of the document).
    pub evidence_required: bool,
    /// Recognition units minted to the performer by each approval (`alstra:reward`; 0: none).
    /// Specification 5.13 Token / 5.15 Reward: `RewardUnits`, which never move between accounts.
    pub reward: u64,
}

/// `BpmnModel.ActivitySequenceFlow`: a sequence flow whose source is an activity or an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivitySequenceFlow {
    /// The `bpmn:sequenceFlow` id.
    pub bpmn_id: String,
    /// Source element index.
    pub source: u16,
    /// Target element index.
    pub target: u16,
    /// Bit index of the flow in its scope's marking.
    pub place: u8,
}

/// `BpmnModel.GatewaySequenceFlow`: a sequence flow whose source is a gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewaySequenceFlow {
    /// The `bpmn:sequenceFlow` id.
    pub bpmn_id: String,
    /// Source gateway element index.
    pub gateway: u16,
    /// Target element index.
    pub target: u16,
    /// Bit index of the flow in its scope's marking (shared by all outgoing flows of an
    /// event-based gateway).
    pub place: u8,
    /// Condition bytecode (see [`crate::eval_condition`]); empty = unconditional.
    #[serde(serialize_with = "ser_hex")]
    pub condition: Vec<u8>,
    /// True for the gateway's `default` flow.
    pub is_default: bool,
}

/// `BpmnModel.EventTrigger`: a message flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTrigger {
    /// The `bpmn:messageFlow` id.
    pub bpmn_id: String,
    /// The message flow's name, else the name of its `messageRef` message, else empty.
    pub name: String,
    /// Index + 1 of the sending element; 0 when the sender is a pool shape.
    pub source_element: u16,
    /// Index of the sending pool.
    pub source_pool: u8,
    /// Index of the receiving element. For a message to a black-box pool (no receiving
    /// element) the index of the sending element itself: it never waits for the message, so
    /// the engine only sends it (informative).
    pub target: u16,
}

/// `BpmnModel.Variable`: an instance variable read by conditions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Variable {
    /// Name as written in the conditions.
    pub name: String,
    /// Inferred type.
    pub var_type: VariableType,
}

/// The compiled process definition: every table the registry receives, in append order.
///
/// Element indexes are positions in `elements`: all activities first, then all events, then
/// all gateways (each group in document order), as `addActivities`/`addEvents`/`addGateways`
/// append them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompiledModel {
    /// `keccak256` of the id of the process of the first executable pool.
    #[serde(serialize_with = "ser_hex32")]
    pub process_key: [u8; 32],
    /// The `definitions` name, else the first executable process's name, else its id.
    pub name: String,
    /// Pools: collaboration participants in document order, then processes without participant.
    pub pools: Vec<Pool>,
    /// Lanes of executable pools, in document order, then the performer swimlanes in order of
    /// their first task.
    pub swimlanes: Vec<Swimlane>,
    /// Scopes (pool processes and embedded sub-processes) in document order.
    pub scopes: Vec<Subprocess>,
    /// Flow nodes: activities, then events, then gateways.
    pub elements: Vec<Element>,
    /// Sequence flows whose source is not a gateway, in document order.
    pub activity_flows: Vec<ActivitySequenceFlow>,
    /// Sequence flows whose source is a gateway, in document order.
    pub gateway_flows: Vec<GatewaySequenceFlow>,
    /// Message flows, in document order (index = bit in `messageOut`, index + 1 = `messageIn`);
    /// flows between two pool shapes (nothing to execute) are left out.
    pub triggers: Vec<EventTrigger>,
    /// Condition variables in order of first appearance (index = `LOAD` operand).
    pub variables: Vec<Variable>,
    /// Verified tasks, in element order (none for most models).
    pub verifications: Vec<TaskVerification>,
    /// The definition asks for an ERC-721 certificate per completed root instance
    /// (`alstra:certificate="true"` on an executable process; specification 5.13 Token:
    /// `InstanceCertificates`, issued to the instance's starter).
    pub certificate: bool,
}

/// Counts of a [`CompiledModel`] (see [`CompiledModel::summary`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Number of pools (executable or not).
    pub pools: usize,
    /// Number of executable pools.
    pub executable_pools: usize,
    /// Number of swimlanes.
    pub swimlanes: usize,
    /// Number of scopes.
    pub scopes: usize,
    /// Number of elements (activities + events + gateways).
    pub elements: usize,
    /// Number of activities.
    pub activities: usize,
    /// Number of events.
    pub events: usize,
    /// Number of gateways.
    pub gateways: usize,
    /// Number of sequence flows (activity + gateway flows).
    pub sequence_flows: usize,
    /// Number of places of each scope (index = scope).
    pub places_per_scope: Vec<usize>,
    /// Number of message flows.
    pub message_flows: usize,
    /// Number of variables.
    pub variables: usize,
}

impl core::fmt::Display for Summary {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} elements ({} activities, {} events, {} gateways), {} sequence flows, {} scopes (places {:?}), {} pools ({} executable), {} lanes, {} message flows, {} variables",
            self.elements,
            self.activities,
            self.events,
            self.gateways,
            self.sequence_flows,
            self.scopes,
            self.places_per_scope,
            self.pools,
            self.executable_pools,
            self.swimlanes,
            self.message_flows,
            self.variables
        )
    }
}

impl CompiledModel {
    /// Checks that every index in the model points into its table (element scopes, lanes and
    /// child scopes, flow ends, scope parents and pools, message flow ends), so that deriving
    /// the runtime tables or the firing rules cannot index out of bounds. The registry's
    /// publish-time validation (`ModelCompiler.sol`, docs/bpm-engine.md) checks these and more;
    /// this is the runtime's guard for a model that arrives from a contract.
    ///
    /// Errors: which table and record hold the dangling index.
    pub fn check_references(&self) -> Result<(), String> {
        let (pools, lanes, scopes, elements) = (self.pools.len(), self.swimlanes.len(), self.scopes.len(), self.elements.len());
        let bad = |what: &str, i: usize| Err(format!("{what} {i} refers to a missing record"));
        for (i, l) in self.swimlanes.iter().enumerate() {
            if l.pool as usize >= pools {
                return bad("swimlane", i);
            }
        }
        for (i, s) in self.scopes.iter().enumerate() {
            if s.pool as usize >= pools || s.parent_element as usize > elements {
                return bad("scope", i);
            }
        }
        for (i, e) in self.elements.iter().enumerate() {
            if e.scope as usize >= scopes || e.lane as usize > lanes || e.child_scope as usize >= scopes.max(1) || e.message_in as usize > self.triggers.len() {
                return bad("element", i);
            }
        }
        for (i, f) in self.activity_flows.iter().enumerate() {
            if f.source as usize >= elements || f.target as usize >= elements {
                return bad("activity sequence flow", i);
            }
        }
        for (i, f) in self.gateway_flows.iter().enumerate() {
            if f.gateway as usize >= elements || f.target as usize >= elements {
                return bad("gateway sequence flow", i);
            }
        }
        for (i, t) in self.triggers.iter().enumerate() {
            if t.target as usize >= elements || t.source_element as usize > elements || t.source_pool as usize >= pools.max(1) {
                return bad("message flow", i);
            }
        }
        for (i, v) in self.verifications.iter().enumerate() {
            if v.element as usize >= elements {
                return bad("task verification", i);
            }
        }
        if scopes == 0 || elements == 0 {
            return Err("the model has no scope or no flow node".into());
        }
        Ok(())
    }

    /// Counts of every table, and the number of places of each scope (highest place + 1).
    pub fn summary(&self) -> Summary {
        let mut places = vec![0usize; self.scopes.len()];
        let mut note = |elem: u16, place: u8| {
            if let Some(e) = self.elements.get(elem as usize) {
                if let Some(p) = places.get_mut(e.scope as usize) {
                    *p = (*p).max(place as usize + 1);
                }
            }
        };
        for f in &self.activity_flows {
            note(f.source, f.place);
        }
        for f in &self.gateway_flows {
            note(f.gateway, f.place);
        }
        Summary {
            pools: self.pools.len(),
            executable_pools: self.pools.iter().filter(|p| p.executable).count(),
            swimlanes: self.swimlanes.len(),
            scopes: self.scopes.len(),
            elements: self.elements.len(),
            activities: self
                .elements
                .iter()
                .filter(|e| e.kind.is_activity())
                .count(),
            events: self.elements.iter().filter(|e| e.kind.is_event()).count(),
            gateways: self.elements.iter().filter(|e| e.kind.is_gateway()).count(),
            sequence_flows: self.activity_flows.len() + self.gateway_flows.len(),
            places_per_scope: places,
            message_flows: self.triggers.len(),
            variables: self.variables.len(),
        }
    }

    /// Pretty-printed JSON of the whole model (see the module docs for the shape).
    #[cfg(feature = "generate")]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Index of the element with BPMN id `id`, if any.
    pub fn element_index(&self, id: &str) -> Option<usize> {
        self.elements.iter().position(|e| e.bpmn_id == id)
    }

    /// Index of the variable named `name`, if any.
    pub fn variable_index(&self, name: &str) -> Option<usize> {
        self.variables.iter().position(|v| v.name == name)
    }
}
