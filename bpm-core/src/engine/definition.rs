//! The runtime tables of a process definition: what the registry derives from the records when
//! it publishes a definition (`ModelCompiler.sol`), and what the engine reads while it runs.
//!
//! Derivation (docs/bpm-engine.md, "Petri-net view"): an element's *pre-set* is the bitmap of
//! the places of its incoming sequence flows, its *post-set* those of its outgoing flows (both in
//! its own scope); its *role* is its swimlane's, else its pool's; the *start role* of the
//! definition is the role of the first none start event of the lowest-index executable pool; the
//! *descendants* of a scope are itself and every scope nested in it through sub-processes.
//! [`RuntimeDefinition::new`] trusts the records (the compiler's output); the registry's record
//! checks (`InvalidRecord`) are not repeated here.

use crate::model::{Bitmap256, CompiledModel, ElementKind, VariableType};
use alloc::vec;
use alloc::vec::Vec;

/// An element as the engine reads it (`BpmRuntime.RuntimeElement`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeElement {
    /// Its index in the definition.
    pub index: u16,
    /// Its kind.
    pub kind: ElementKind,
    /// The scope it lives in.
    pub scope: u8,
    /// Who completes it (person tasks): its lane's role, else its pool's (`keccak256(name)`).
    pub role: [u8; 32],
    /// Places it consumes (its incoming flows), in its scope's marking.
    pub preset: Bitmap256,
    /// Places it produces (its outgoing flows); for an exclusive gateway the union of all.
    pub postset: Bitmap256,
    /// Index + 1 of the message flow it waits for, 0 when none.
    pub message_in: u16,
    /// The message flows it sends when it fires.
    pub message_out: Bitmap256,
    /// SubProcess: the scope it opens.
    pub child_scope: u8,
    /// CallActivity: the process key it instantiates.
    pub called_process: [u8; 32],
    /// Person task: the role that verifies its submissions (`TaskVerification`); zero when its
    /// completion needs no verification.
    pub verifier_role: [u8; 32],
    /// Person task with a verifier: a submission must carry an evidence hash.
    pub evidence_required: bool,
    /// Person task with a verifier: recognition units each approval grants its performer
    /// (`TaskVerification.reward`; 0: none).
    pub reward: u64,
}

impl RuntimeElement {
    /// AND join: every place of the pre-set must be marked (parallel gateways).
    pub fn join_all(&self) -> bool {
        self.kind == ElementKind::ParallelGateway
    }
}

/// True for the task kinds completed by a person (or integration account) with `completeTask`
/// (`BpmRuntime.isPersonTask`).
pub fn is_person_task(kind: ElementKind) -> bool {
    kind.is_role_task()
}

/// True for the kinds the engine fires by itself: everything but person tasks and none start
/// events (`BpmRuntime.isAutomatic`).
pub fn is_automatic(kind: ElementKind) -> bool {
    !is_person_task(kind) && kind != ElementKind::StartEvent
}

/// One outgoing flow of a gateway (`BpmRuntime.Branch`), in flow order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Branch {
    /// The flow's place.
    pub place: u8,
    /// The gateway's default flow.
    pub is_default: bool,
    /// Condition bytecode; empty = unconditional.
    pub condition: Vec<u8>,
}

/// A scope as the engine reads it (`BpmRuntime.ScopeRuntime` plus its none start events).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeRuntime {
    /// Index + 1 of the SubProcess element that opens it; 0 for a pool's process.
    pub parent_element: u16,
    /// Its pool.
    pub pool: u8,
    /// Bitmap of itself and every scope nested in it.
    pub descendants: Bitmap256,
    /// Its none start events, in element order.
    pub starts: Vec<u16>,
}

/// A message flow as the engine reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerRuntime {
    /// Index + 1 of the sending element, 0 for a black-box pool (delivered by `correlateMessage`).
    pub source_element: u16,
    /// The role of the sending pool (who may correlate an external message).
    pub source_role: [u8; 32],
    /// The receiving element.
    pub target: u16,
}

/// The runtime tables of one definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeDefinition {
    /// `keccak256` of the process id: versions are per key.
    pub process_key: [u8; 32],
    /// Elements by index.
    pub elements: Vec<RuntimeElement>,
    /// Scopes by index.
    pub scopes: Vec<ScopeRuntime>,
    /// The none start events of the top-level scopes, in element order (fired at instance start).
    pub start_elements: Vec<u16>,
    /// The role that may start an instance.
    pub start_role: [u8; 32],
    /// Gateway branches by element index (empty for other elements).
    pub branches: Vec<Vec<Branch>>,
    /// Message flows by index.
    pub triggers: Vec<TriggerRuntime>,
    /// Variable types by index.
    pub variables: Vec<VariableType>,
}

impl RuntimeDefinition {
    /// Derives the runtime tables of `model` (see the module docs).
    pub fn new(model: &CompiledModel) -> RuntimeDefinition {
        let n = model.elements.len();
        let mut pre = vec![Bitmap256::ZERO; n];
        let mut post = vec![Bitmap256::ZERO; n];
        let mut branches: Vec<Vec<Branch>> = vec![Vec::new(); n];
        for f in &model.activity_flows {
            post[f.source as usize].set(f.place);
            pre[f.target as usize].set(f.place);
        }
        for f in &model.gateway_flows {
            post[f.gateway as usize].set(f.place);
            pre[f.target as usize].set(f.place);
            branches[f.gateway as usize].push(Branch {
                place: f.place,
                is_default: f.is_default,
                condition: f.condition.clone(),
            });
        }
        let scope_pool = |s: u8| model.scopes[s as usize].pool;
        let role_of = |lane: u16, scope: u8| {
            if lane == 0 {
                model.pools[scope_pool(scope) as usize].role
            } else {
                model.swimlanes[lane as usize - 1].role
            }
        };
        let elements: Vec<RuntimeElement> = model
            .elements
            .iter()
            .enumerate()
            .map(|(i, e)| RuntimeElement {
                index: i as u16,
                kind: e.kind,
                scope: e.scope,
                role: role_of(e.lane, e.scope),
                preset: pre[i],
                postset: post[i],
                message_in: e.message_in,
                message_out: e.message_out,
                child_scope: e.child_scope,
                called_process: e.called_process,
                verifier_role: [0; 32],
                evidence_required: false,
                reward: 0,
            })
            .collect();
        let mut elements = elements;
        for v in &model.verifications {
            let e = &mut elements[v.element as usize];
            e.verifier_role = v.verifier_role;
            e.evidence_required = v.evidence_required;
            e.reward = v.reward;
        }
        let mut scopes: Vec<ScopeRuntime> = model
            .scopes
            .iter()
            .map(|s| ScopeRuntime {
                parent_element: s.parent_element,
                pool: s.pool,
                descendants: Bitmap256::ZERO,
                starts: Vec::new(),
            })
            .collect();
        // descendants: walk each scope up to its top-level scope
        for s in 0..scopes.len() {
            let mut cur = s;
            scopes[s].descendants.set(s as u8);
            let mut steps = 0;
            while scopes[cur].parent_element != 0 && steps <= scopes.len() {
                cur = model.elements[scopes[cur].parent_element as usize - 1].scope as usize;
                scopes[cur].descendants.set(s as u8);
                steps += 1;
            }
        }
        let mut start_elements = Vec::new();
        for e in &elements {
            if e.kind == ElementKind::StartEvent {
                scopes[e.scope as usize].starts.push(e.index);
                if scopes[e.scope as usize].parent_element == 0 {
                    start_elements.push(e.index);
                }
            }
        }
        let mut start_role = [0u8; 32];
        let mut best_pool = u16::MAX;
        for &i in &start_elements {
            let e = &elements[i as usize];
            let p = scope_pool(e.scope) as u16;
            if p < best_pool {
                best_pool = p;
                start_role = e.role;
            }
        }
        let triggers = model
            .triggers
            .iter()
            .map(|t| TriggerRuntime {
                source_element: t.source_element,
                source_role: model.pools[t.source_pool as usize].role,
                target: t.target,
            })
            .collect();
        RuntimeDefinition {
            process_key: model.process_key,
            elements,
            scopes,
            start_elements,
            start_role,
            branches,
            triggers,
            variables: model.variables.iter().map(|v| v.var_type).collect(),
        }
    }

    /// The elements that wait for message flow `flow` (`registry.messageTargets`): its target,
    /// when that element's `messageIn` is this flow; none for a message to a black-box pool or an
    /// informative message flow into a task.
    pub fn waiting_target(&self, flow: u16) -> Option<&RuntimeElement> {
        let t = self.triggers.get(flow as usize)?;
        let e = self.elements.get(t.target as usize)?;
        (e.message_in == flow + 1).then_some(e)
    }
}
