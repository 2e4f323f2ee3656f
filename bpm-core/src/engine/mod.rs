//! The BPM engine's state machine: instances of published definitions executed as Petri nets,
//! the rule that `contracts/bpm/src/ProcessExecution.sol` implements and that the conformance
//! traces (`crate::vectors`) hold it to, event for event and marking for marking.
//!
//! ## The rule (docs/bpm-engine.md, "Enabling and firing")
//! * An action — [`Engine::start_instance`], [`Engine::complete_task`],
//!   [`Engine::correlate_message`] — is atomic: it either applies whole, with its events in
//!   order, or fails with an [`EngineError`] and changes nothing (the transaction reverts).
//! * After the action's own firing the instance *advances*: while some automatic element
//!   (everything but person tasks and none start events) is enabled, the one with the lowest
//!   index fires. Then the instance completes when no scope holds a token or a running
//!   sub-process or call-activity child. A completed call-activity child resumes its parent.
//! * Enabled: a message start event when its message is pending; any other element when its
//!   pre-set holds a token (every place for a parallel gateway), its message is pending
//!   (receivers), and, for a sub-process, its child scope is empty (no token, no running child).
//! * Firing consumes the lowest marked place of the pre-set (the whole pre-set for a join) and
//!   the pending message, sends the element's message flows (a message is kept pending only when
//!   its target waits for it), then: a terminate end event clears its scope and the scopes nested
//!   in it (a top-level one: every scope, and the advance stops); a sub-process fires the none
//!   start events of its child scope; a call activity starts and runs a child instance of the
//!   latest version of the called process; an exclusive gateway produces the place of the flow
//!   the action's [`Decision`] names (a *decision gateway*, below), else of its first flow whose
//!   condition holds, else of its default flow; anything else produces its post-set. A
//!   scope of a sub-process that holds nothing any more completes the sub-process, which
//!   produces its post-set.
//! * At most [`MAX_AUTOMATIC_STEPS`] automatic firings per action, across every instance it
//!   touches; call activities nest at most [`MAX_CALL_DEPTH`] deep.
//!
//! ## Decision gateways (docs/bpm-engine.md, "Decisions at exclusive gateways")
//! Modelling tools export gateways whose flows carry labels ("yes", "no") but no condition: a
//! human decision. An outgoing flow of an exclusive gateway with more than one outgoing flow
//! that is neither the default nor conditional is a *decision flow*, and a gateway with one a
//! *decision gateway*. The participant who completes a task decides the decision gateways that
//! the task's automatic advance reaches in the same instance
//! ([`Engine::complete_task_with_decisions`]): each [`Decision`] names a gateway and one of its
//! branches (its outgoing flows in model order), a decision flow or the default flow, and is
//! used by the first firing of that gateway in the task's instance (in list order for repeats).
//! Refused: a decision for a conditional flow or a branch the gateway does not have
//! ([`EngineError::InvalidDecision`]), a decision gateway fired without a decision when no
//! condition holds and there is no default flow ([`EngineError::DecisionRequired`]), and a
//! decision that no firing used ([`EngineError::DecisionNotUsed`]: a stale or mistaken choice is
//! refused rather than ignored). The trail is the gateway's `ElementFired`: the deciding
//! participant as `actor`, the chosen flow's place as `produced`.
//!
//! ## Task verification (docs/bpm-engine.md, "Task verification")
//! A task with a verifier role ([`RuntimeElement::verifier_role`]) is not completed with
//! `completeTask` ([`EngineError::VerificationRequired`]): its performer *submits* the work
//! ([`Engine::submit_task`]: outputs, decisions, an evidence hash), which changes no marking,
//! and an account bound to the verifier role, never the performer, *approves* it
//! ([`Engine::approve_task`]: the completion of the submission, as the performer's) or *rejects*
//! it ([`Engine::reject_task`]: the submission is dropped, the token still waits at the task for
//! a new one). See [`verification`].

mod definition;
pub mod verification;

pub use definition::{
    is_automatic, is_person_task, Branch, RuntimeDefinition, RuntimeElement, ScopeRuntime,
    TriggerRuntime,
};
pub use verification::Submission;

use crate::condition::{eval_condition, Int256, VmError};
use crate::limits::{MAX_AUTOMATIC_STEPS, MAX_CALL_DEPTH};
use crate::model::{Bitmap256, ElementKind, VariableType};
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

/// An Ethereum account (20 bytes).
pub type Account = [u8; 20];
/// A role id: `keccak256(bytes(role name))`.
pub type Role = [u8; 32];

/// `BpmRuntime.InstanceStatus` (its Solidity ordinal).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum InstanceStatus {
    /// 0: no such instance.
    None = 0,
    /// 1: running.
    Active = 1,
    /// 2: every scope empty (also after a top-level terminate end event).
    Completed = 2,
    /// 3: a call-activity child killed by a terminate end event of an ancestor scope.
    Terminated = 3,
}

/// What the engine reports: the events of `ProcessExecution.sol`, in emission order; each
/// variant's fields are the Solidity event's parameters, in order.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineEvent {
    /// `InstanceStarted(instanceId, definitionId, starter, parentInstance)`.
    InstanceStarted { instance: u64, definition: u64, starter: Account, parent: u64 },
    /// `RoleBound(instanceId, role, account)` (in the root instance).
    RoleBound { instance: u64, role: Role, account: Account },
    /// `ElementFired(instanceId, element, kind, actor, consumed, produced)`: the places taken from
    /// the element's scope (none for start events) and put there (the post-set; an exclusive
    /// gateway's chosen flow; none for a terminate end event, a sub-process or a call activity).
    ElementFired {
        instance: u64,
        element: u16,
        kind: ElementKind,
        actor: Account,
        consumed: Bitmap256,
        produced: Bitmap256,
    },
    /// `MessageSent(instanceId, messageFlow)`.
    MessageSent { instance: u64, flow: u16 },
    /// `MessageCorrelated(instanceId, messageFlow, actor)`.
    MessageCorrelated { instance: u64, flow: u16, actor: Account },
    /// `VariableSet(instanceId, index, value, actor)`.
    VariableSet { instance: u64, index: u8, value: Int256, actor: Account },
    /// `SubProcessCompleted(instanceId, element, scope)`.
    SubProcessCompleted { instance: u64, element: u16, scope: u8 },
    /// `CallActivityCompleted(instanceId, element, childInstanceId)`.
    CallActivityCompleted { instance: u64, element: u16, child: u64 },
    /// `InstanceCompleted(instanceId)`.
    InstanceCompleted { instance: u64 },
    /// `InstanceTerminated(instanceId, byInstance)`.
    InstanceTerminated { instance: u64, by: u64 },
    /// `TaskSubmitted(instanceId, element, performer, evidence)`: work submitted for verification.
    TaskSubmitted { instance: u64, element: u16, performer: Account, evidence: [u8; 32] },
    /// `TaskApproved(instanceId, element, verifier, performer, reward)`: the submission is
    /// approved; the task's completion (`ElementFired` with the performer as actor) follows.
    /// `reward`: the recognition units the task's reward rule grants the performer (0: none),
    /// which the engine mints on `RewardUnits` right after.
    TaskApproved { instance: u64, element: u16, verifier: Account, performer: Account, reward: u64 },
    /// `TaskRejected(instanceId, element, verifier, performer, reason)`: the submission is dropped.
    TaskRejected { instance: u64, element: u16, verifier: Account, performer: Account, reason: String },
}

/// Why an action is refused: the custom errors of `ProcessExecution.sol`, with the same fields.
#[allow(missing_docs)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    DefinitionNotPublished { definition: u64 },
    /// `ProcessDefinitionRegistry.DefinitionIsDeprecated(definitionId)`, bubbled up by the engine
    /// (a deprecated version starts no instance, directly or through a call activity).
    DefinitionIsDeprecated { definition: u64 },
    ParticipantLacksRole { account: Account, role: Role },
    InstanceNotActive { instance: u64, status: InstanceStatus },
    NotATask { instance: u64, element: u16 },
    TaskNotEnabled { instance: u64, element: u16 },
    MissingRole { instance: u64, role: Role, account: Account },
    UnknownVariable { instance: u64, index: u8 },
    InvalidBoolValue { instance: u64, index: u8, value: Int256 },
    UnknownMessageFlow { instance: u64, flow: u16 },
    NotExternalMessage { instance: u64, flow: u16 },
    MessageAlreadyPending { instance: u64, flow: u16 },
    CalledProcessNotDeployed { process_key: [u8; 32] },
    CallDepthExceeded { instance: u64, depth: u64 },
    NoOutgoingFlowEnabled { instance: u64, gateway: u16 },
    DecisionRequired { instance: u64, gateway: u16 },
    InvalidDecision { instance: u64, gateway: u16, branch: u8 },
    DecisionNotUsed { instance: u64, gateway: u16 },
    AutomaticStepLimitExceeded { limit: u64 },
    /// `ConditionVM.MalformedCondition(pc)` (the registry validates conditions, so a published
    /// definition never reaches it).
    MalformedCondition { pc: u64 },
    /// `completeTask` on a task that needs verification: submit it instead.
    VerificationRequired { instance: u64, element: u16, verifier_role: Role },
    /// `submitTask`/`approveTask`/`rejectTask` on a task without a verifier role.
    TaskNotVerified { instance: u64, element: u16 },
    /// `submitTask` while a submission of the task waits for its verifier.
    SubmissionPending { instance: u64, element: u16, performer: Account },
    /// `approveTask`/`rejectTask` with no submission of the task.
    NoSubmission { instance: u64, element: u16 },
    /// `submitTask` without evidence on a task that requires it.
    EvidenceRequired { instance: u64, element: u16 },
    /// The performer of a submission tried to approve or reject it (four eyes).
    VerifierIsPerformer { instance: u64, element: u16, account: Account },
}

/// One process instance (`ProcessExecution.InstanceRecord` and its mappings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Definition id (1-based).
    pub definition: u64,
    /// Status.
    pub status: InstanceStatus,
    /// Who started the root instance.
    pub starter: Account,
    /// Parent instance (call activity), 0 for a root instance.
    pub parent: u64,
    /// Root instance (itself for a root).
    pub root: u64,
    /// The call activity of the parent that started it, 0 for a root.
    pub parent_element: u16,
    /// The scope of that call activity.
    pub parent_scope: u8,
    /// Call depth (0 for a root).
    pub depth: u8,
    /// Marking per scope.
    pub marking: Vec<Bitmap256>,
    /// Running sub-processes and call-activity children started from each scope.
    pub running: Vec<u32>,
    /// Pending message flows.
    pub messages: Bitmap256,
    /// Variables that were written (a missing one reads 0).
    pub variables: BTreeMap<u8, Int256>,
    /// Call-activity children, in start order.
    pub children: Vec<u64>,
}

impl Instance {
    /// True when scope `s` holds a token or runs a sub-process or call-activity child.
    pub fn live(&self, s: u8) -> bool {
        !self.marking[s as usize].is_zero() || self.running[s as usize] != 0
    }

    /// Variables 0..n as the condition VM reads them.
    fn variable_table(&self) -> Vec<Int256> {
        let n = self.variables.keys().next_back().map(|k| *k as usize + 1).unwrap_or(0);
        (0..n).map(|i| self.variables.get(&(i as u8)).copied().unwrap_or(Int256::ZERO)).collect()
    }
}

/// A variable write of an action: `BpmRuntime.VariableAssignment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Assignment {
    /// Variable index.
    pub index: u8,
    /// Value (Bool: 0 or 1; String: `Int256::from_string`).
    pub value: Int256,
}

/// A participant's choice at a decision gateway (`BpmRuntime.Decision`): `branch` is the index of
/// the chosen flow among the gateway's outgoing flows, in model order (the order of
/// `gateway_flows` of the compiled model, and of the gateway's branches in the runtime image).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    /// Element index of the exclusive gateway.
    pub gateway: u16,
    /// Index of the chosen outgoing flow of that gateway.
    pub branch: u8,
}

/// The state of the BPM contracts an engine runs against: published definitions, the
/// participants' global roles, instances and role bindings.
#[derive(Debug, Clone, Default)]
pub struct Engine {
    definitions: Vec<RuntimeDefinition>,
    latest: BTreeMap<[u8; 32], u64>,
    participants: BTreeMap<Account, BTreeSet<Role>>,
    instances: Vec<Instance>,
    bound: BTreeMap<(u64, Role), BTreeSet<Account>>,
    /// Deprecated versions (`ProcessDefinitionRegistry.deprecate`).
    deprecated: BTreeSet<u64>,
    /// Submissions waiting for their verifier, by (instance, task).
    submissions: BTreeMap<(u64, u16), Submission>,
}

/// Per-action state: the caller and the automatic steps so far.
struct Txn {
    actor: Account,
    steps: usize,
    /// The instance whose decision gateways `decisions` decide (0: none).
    decided: u64,
    /// The action's decisions and whether a firing used each.
    decisions: Vec<(Decision, bool)>,
    events: Vec<EngineEvent>,
    /// Instances stopped by a top-level terminate end event in this action (`Ctx.stop`).
    stopped: BTreeSet<u64>,
}

impl Engine {
    /// An engine with no definition, participant or instance.
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Publishes `definition` as the next definition id (1-based) and the latest version of its
    /// process key (`ProcessDefinitionRegistry.publish`). Returns its id.
    pub fn publish(&mut self, definition: RuntimeDefinition) -> u64 {
        let id = self.definitions.len() as u64 + 1;
        self.latest.insert(definition.process_key, id);
        self.definitions.push(definition);
        id
    }

    /// `ProcessDefinitionRegistry.deprecate` (`true`) or `reinstate` (`false`) of a published
    /// version: a deprecated one starts no new instance, its running instances go on.
    pub fn set_deprecated(&mut self, definition: u64, deprecated: bool) {
        if deprecated {
            self.deprecated.insert(definition);
        } else {
            self.deprecated.remove(&definition);
        }
    }

    /// Registers `account` as a participant holding `roles` (`ParticipantRegistry`).
    pub fn register_participant(&mut self, account: Account, roles: impl IntoIterator<Item = Role>) {
        self.participants.entry(account).or_default().extend(roles);
    }

    /// The definition `id`, if published.
    pub fn definition(&self, id: u64) -> Option<&RuntimeDefinition> {
        id.checked_sub(1).and_then(|i| self.definitions.get(i as usize))
    }

    /// The instance `id`, if any.
    pub fn instance(&self, id: u64) -> Option<&Instance> {
        id.checked_sub(1).and_then(|i| self.instances.get(i as usize))
    }

    /// Number of instances created (ids are 1..=count).
    pub fn instance_count(&self) -> u64 {
        self.instances.len() as u64
    }

    /// The person tasks of instance `id` that `completeTask` would accept now, in element order
    /// (`enabledTasks`).
    pub fn enabled_tasks(&self, id: u64) -> Vec<u16> {
        let Some(inst) = self.instance(id).filter(|i| i.status == InstanceStatus::Active) else {
            return Vec::new();
        };
        let def = &self.definitions[inst.definition as usize - 1];
        def.elements
            .iter()
            .filter(|e| is_person_task(e.kind) && self.enabled(inst, e))
            .map(|e| e.index)
            .collect()
    }

    /// True when `account` is bound to `role` in the root instance of `id`.
    pub fn has_role(&self, id: u64, role: &Role, account: &Account) -> bool {
        self.instance(id)
            .and_then(|i| self.bound.get(&(i.root, *role)))
            .is_some_and(|s| s.contains(account))
    }

    /// `startInstance(definitionId, bindings, variables)` sent by `sender`: binds the sender to
    /// the start role and each binding, writes `variables`, fires the none start events of the
    /// top-level scopes and advances. Returns the instance id and the events.
    pub fn start_instance(
        &mut self,
        sender: Account,
        definition: u64,
        bindings: &[(Role, Account)],
        variables: &[Assignment],
    ) -> Result<(u64, Vec<EngineEvent>), EngineError> {
        self.atomic(sender, |e, t| {
            let def = e.definition(definition).ok_or(EngineError::DefinitionNotPublished { definition })?;
            if e.deprecated.contains(&definition) {
                return Err(EngineError::DefinitionIsDeprecated { definition });
            }
            let start_role = def.start_role;
            if !e.holds(&sender, &start_role) {
                return Err(EngineError::ParticipantLacksRole { account: sender, role: start_role });
            }
            let id = e.create(t, definition, sender, 0, 0, 0, 0, 0);
            e.bind(t, id, start_role, sender);
            for (role, account) in bindings {
                if !e.holds(account, role) {
                    return Err(EngineError::ParticipantLacksRole { account: *account, role: *role });
                }
                e.bind(t, id, *role, *account);
            }
            e.assign(t, id, variables)?;
            let starts = e.def_of(id).start_elements.clone();
            e.fire_starts(t, id, &starts)?;
            e.advance(t, id)?;
            Ok(id)
        })
    }

    /// `completeTask(instanceId, element, outputs)` sent by `sender`.
    pub fn complete_task(
        &mut self,
        sender: Account,
        id: u64,
        element: u16,
        outputs: &[Assignment],
    ) -> Result<Vec<EngineEvent>, EngineError> {
        self.complete_task_with_decisions(sender, id, element, outputs, &[])
    }

    /// `completeTaskWithDecisions(instanceId, element, outputs, decisions)` sent by `sender`: as
    /// [`Engine::complete_task`], the decision gateways its advance reaches in instance `id`
    /// taking the flows `decisions` name (module doc, "Decision gateways").
    pub fn complete_task_with_decisions(
        &mut self,
        sender: Account,
        id: u64,
        element: u16,
        outputs: &[Assignment],
        decisions: &[Decision],
    ) -> Result<Vec<EngineEvent>, EngineError> {
        self.atomic(sender, |e, t| {
            t.decided = id;
            t.decisions = decisions.iter().map(|d| (*d, false)).collect();
            let rt = e.person_task(id, element)?;
            if rt.verifier_role != [0; 32] {
                return Err(EngineError::VerificationRequired { instance: id, element, verifier_role: rt.verifier_role });
            }
            e.require_bound(id, &rt.role, &sender)?;
            let place = e.task_place(id, &rt)?;
            e.complete(t, id, &rt, place, outputs)
        })
        .map(|((), events)| events)
    }

    /// The person task `element` of active instance `id`. Errors: `InstanceNotActive`, `NotATask`.
    fn person_task(&self, id: u64, element: u16) -> Result<RuntimeElement, EngineError> {
        self.require_active(id)?;
        let def = self.def_of(id);
        let rt = def.elements.get(element as usize).ok_or(EngineError::NotATask { instance: id, element })?.clone();
        if !is_person_task(rt.kind) {
            return Err(EngineError::NotATask { instance: id, element });
        }
        Ok(rt)
    }

    /// The place a completion of task `rt` takes: the lowest marked place of its pre-set.
    /// Errors: `TaskNotEnabled`.
    fn task_place(&self, id: u64, rt: &RuntimeElement) -> Result<u8, EngineError> {
        let m = self.inst(id).marking[rt.scope as usize];
        m.and(&rt.preset).lowest().ok_or(EngineError::TaskNotEnabled { instance: id, element: rt.index })
    }

    /// Completes task `rt` of instance `id` by `t.actor` (its role checked by the caller), taking
    /// `place`: writes `outputs`, fires it, advances with `t.decisions`, propagates.
    fn complete(&mut self, t: &mut Txn, id: u64, rt: &RuntimeElement, place: u8, outputs: &[Assignment]) -> Result<(), EngineError> {
        self.assign(t, id, outputs)?;
        self.inst_mut(id).marking[rt.scope as usize].clear(place);
        t.events.push(EngineEvent::ElementFired {
            instance: id,
            element: rt.index,
            kind: rt.kind,
            actor: t.actor,
            consumed: Bitmap256::bit(place),
            produced: rt.postset,
        });
        self.send(t, id, &rt.message_out);
        self.produce(id, rt.scope, &rt.postset);
        self.after_consume(t, id, rt.scope);
        self.advance(t, id)?;
        if let Some((d, _)) = t.decisions.iter().find(|(_, used)| !used) {
            return Err(EngineError::DecisionNotUsed { instance: id, gateway: d.gateway });
        }
        self.propagate(t, id)
    }

    /// `correlateMessage(instanceId, messageFlow, payload)` sent by `sender`: a black-box
    /// partner delivers an external message.
    pub fn correlate_message(
        &mut self,
        sender: Account,
        id: u64,
        flow: u16,
        payload: &[Assignment],
    ) -> Result<Vec<EngineEvent>, EngineError> {
        self.atomic(sender, |e, t| {
            e.require_active(id)?;
            let trigger = e
                .def_of(id)
                .triggers
                .get(flow as usize)
                .ok_or(EngineError::UnknownMessageFlow { instance: id, flow })?
                .clone();
            if trigger.source_element != 0 {
                return Err(EngineError::NotExternalMessage { instance: id, flow });
            }
            e.require_bound(id, &trigger.source_role, &sender)?;
            if e.inst(id).messages.is_set(flow as u8) {
                return Err(EngineError::MessageAlreadyPending { instance: id, flow });
            }
            e.assign(t, id, payload)?;
            t.events.push(EngineEvent::MessageCorrelated { instance: id, flow, actor: sender });
            e.deliver(id, &Bitmap256::bit(flow as u8));
            e.advance(t, id)?;
            e.propagate(t, id)
        })
        .map(|((), events)| events)
    }

    // ------------------------------------------------------------------ internals

    /// Runs `f` on a copy of the state and keeps the copy only when `f` succeeds (the revert of
    /// a failed transaction). The copy costs O(state) per action: right for tests and off-chain
    /// replay; a runtime user would keep the state in storage under a storage transaction.
    fn atomic<R>(
        &mut self,
        actor: Account,
        f: impl FnOnce(&mut Engine, &mut Txn) -> Result<R, EngineError>,
    ) -> Result<(R, Vec<EngineEvent>), EngineError> {
        let mut copy = self.clone();
        let mut t =
            Txn { actor, steps: 0, decided: 0, decisions: Vec::new(), events: Vec::new(), stopped: BTreeSet::new() };
        let r = f(&mut copy, &mut t)?;
        *self = copy;
        Ok((r, t.events))
    }

    fn inst(&self, id: u64) -> &Instance {
        &self.instances[id as usize - 1]
    }

    fn inst_mut(&mut self, id: u64) -> &mut Instance {
        &mut self.instances[id as usize - 1]
    }

    fn def_of(&self, id: u64) -> &RuntimeDefinition {
        &self.definitions[self.inst(id).definition as usize - 1]
    }

    fn holds(&self, account: &Account, role: &Role) -> bool {
        self.participants.get(account).is_some_and(|r| r.contains(role))
    }

    fn require_active(&self, id: u64) -> Result<(), EngineError> {
        let status = self.instance(id).map(|i| i.status).unwrap_or(InstanceStatus::None);
        if status != InstanceStatus::Active {
            return Err(EngineError::InstanceNotActive { instance: id, status });
        }
        Ok(())
    }

    fn require_bound(&self, id: u64, role: &Role, account: &Account) -> Result<(), EngineError> {
        if !self.has_role(id, role, account) || !self.participants.contains_key(account) {
            return Err(EngineError::MissingRole { instance: id, role: *role, account: *account });
        }
        Ok(())
    }

    fn bind(&mut self, t: &mut Txn, root: u64, role: Role, account: Account) {
        if self.bound.entry((root, role)).or_default().insert(account) {
            t.events.push(EngineEvent::RoleBound { instance: root, role, account });
        }
    }

    /// Checks a variable write against the definition's variable table (`UnknownVariable`,
    /// `InvalidBoolValue`).
    fn check_assignment(&self, id: u64, a: &Assignment) -> Result<(), EngineError> {
        match self.def_of(id).variables.get(a.index as usize).copied() {
            None => Err(EngineError::UnknownVariable { instance: id, index: a.index }),
            Some(VariableType::Bool) if a.value != Int256::ZERO && a.value != Int256::one() => {
                Err(EngineError::InvalidBoolValue { instance: id, index: a.index, value: a.value })
            }
            _ => Ok(()),
        }
    }

    fn assign(&mut self, t: &mut Txn, id: u64, list: &[Assignment]) -> Result<(), EngineError> {
        for a in list {
            self.check_assignment(id, a)?;
            self.inst_mut(id).variables.insert(a.index, a.value);
            t.events.push(EngineEvent::VariableSet { instance: id, index: a.index, value: a.value, actor: t.actor });
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn create(
        &mut self,
        t: &mut Txn,
        definition: u64,
        starter: Account,
        parent: u64,
        root: u64,
        parent_element: u16,
        parent_scope: u8,
        depth: u8,
    ) -> u64 {
        let id = self.instances.len() as u64 + 1;
        let scopes = self.definitions[definition as usize - 1].scopes.len();
        self.instances.push(Instance {
            definition,
            status: InstanceStatus::Active,
            starter,
            parent,
            root: if root == 0 { id } else { root },
            parent_element,
            parent_scope,
            depth,
            marking: vec![Bitmap256::ZERO; scopes],
            running: vec![0; scopes],
            messages: Bitmap256::ZERO,
            variables: BTreeMap::new(),
            children: Vec::new(),
        });
        t.events.push(EngineEvent::InstanceStarted { instance: id, definition, starter, parent });
        id
    }

    fn enabled(&self, inst: &Instance, rt: &RuntimeElement) -> bool {
        match rt.kind {
            ElementKind::MessageStartEvent => return inst.messages.is_set((rt.message_in - 1) as u8),
            ElementKind::StartEvent => return false,
            _ => {}
        }
        let m = inst.marking[rt.scope as usize].and(&rt.preset);
        if rt.join_all() {
            return m == rt.preset;
        }
        if m.is_zero() {
            return false;
        }
        if rt.message_in != 0 {
            return inst.messages.is_set((rt.message_in - 1) as u8);
        }
        if rt.kind == ElementKind::SubProcess {
            return !inst.live(rt.child_scope);
        }
        true
    }

    /// Fires the lowest-index enabled automatic element until none is enabled (or a top-level
    /// terminate end event stopped the instance), then checks completion.
    fn advance(&mut self, t: &mut Txn, id: u64) -> Result<(), EngineError> {
        loop {
            if self.inst(id).status != InstanceStatus::Active || t.stopped.contains(&id) {
                break;
            }
            let inst = self.inst(id);
            let def = self.def_of(id);
            let next = def.elements.iter().find(|e| is_automatic(e.kind) && self.enabled(inst, e)).cloned();
            match next {
                Some(rt) => self.fire(t, id, &rt)?,
                None => break,
            }
        }
        self.complete_if_empty(t, id);
        Ok(())
    }

    fn complete_if_empty(&mut self, t: &mut Txn, id: u64) {
        let inst = self.inst(id);
        if inst.status == InstanceStatus::Active && (0..inst.marking.len()).all(|s| !inst.live(s as u8)) {
            self.inst_mut(id).status = InstanceStatus::Completed;
            t.events.push(EngineEvent::InstanceCompleted { instance: id });
        }
    }

    fn step(t: &mut Txn) -> Result<(), EngineError> {
        t.steps += 1;
        if t.steps > MAX_AUTOMATIC_STEPS {
            return Err(EngineError::AutomaticStepLimitExceeded { limit: MAX_AUTOMATIC_STEPS as u64 });
        }
        Ok(())
    }

    fn fire(&mut self, t: &mut Txn, id: u64, rt: &RuntimeElement) -> Result<(), EngineError> {
        Self::step(t)?;
        let s = rt.scope;
        let mut take = Bitmap256::ZERO;
        if rt.kind != ElementKind::MessageStartEvent {
            let inst = self.inst_mut(id);
            let m = inst.marking[s as usize];
            take = if rt.join_all() {
                rt.preset
            } else {
                Bitmap256::bit(m.and(&rt.preset).lowest().expect("an enabled element has a token"))
            };
            inst.marking[s as usize] = m.and_not(&take);
        }
        if rt.message_in != 0 {
            self.inst_mut(id).messages.clear((rt.message_in - 1) as u8);
        }
        let produced = match rt.kind {
            ElementKind::ExclusiveGateway => Bitmap256::bit(self.choose(t, id, rt)?),
            ElementKind::TerminateEndEvent | ElementKind::SubProcess | ElementKind::CallActivity => Bitmap256::ZERO,
            _ => rt.postset,
        };
        t.events.push(EngineEvent::ElementFired {
            instance: id,
            element: rt.index,
            kind: rt.kind,
            actor: t.actor,
            consumed: take,
            produced,
        });
        self.send(t, id, &rt.message_out);
        match rt.kind {
            ElementKind::TerminateEndEvent => self.terminate(t, id, s),
            ElementKind::SubProcess => self.enter_subprocess(t, id, rt)?,
            ElementKind::CallActivity => self.call_activity(t, id, rt)?,
            _ => self.produce(id, s, &produced),
        }
        self.after_consume(t, id, s);
        Ok(())
    }

    fn fire_starts(&mut self, t: &mut Txn, id: u64, starts: &[u16]) -> Result<(), EngineError> {
        for &e in starts {
            let rt = self.def_of(id).elements[e as usize].clone();
            Self::step(t)?;
            t.events.push(EngineEvent::ElementFired {
                instance: id,
                element: rt.index,
                kind: rt.kind,
                actor: t.actor,
                consumed: Bitmap256::ZERO,
                produced: rt.postset,
            });
            self.send(t, id, &rt.message_out);
            self.produce(id, rt.scope, &rt.postset);
        }
        Ok(())
    }

    /// The place of the branch the action's decision for this gateway names (a decision
    /// gateway), else of the first conditional branch whose condition holds, else of the default
    /// branch; a gateway with one outgoing flow takes it.
    fn choose(&self, t: &mut Txn, id: u64, rt: &RuntimeElement) -> Result<u8, EngineError> {
        let branches = &self.def_of(id).branches[rt.index as usize];
        let decision_flow = |b: &Branch| !b.is_default && b.condition.is_empty() && branches.len() > 1;
        let decidable = branches.iter().any(decision_flow);
        if decidable && t.decided == id {
            if let Some((d, used)) = t.decisions.iter_mut().find(|(d, used)| !*used && d.gateway == rt.index) {
                *used = true;
                return match branches.get(d.branch as usize) {
                    Some(b) if b.is_default || decision_flow(b) => Ok(b.place),
                    _ => Err(EngineError::InvalidDecision { instance: id, gateway: rt.index, branch: d.branch }),
                };
            }
        }
        let vars = self.inst(id).variable_table();
        let mut default = None;
        for b in branches {
            if b.is_default {
                default = Some(b.place);
            } else if b.condition.is_empty() {
                if !decidable {
                    return Ok(b.place); // the one outgoing flow
                }
            } else if eval_condition(&b.condition, &vars)
                .map_err(|e: VmError| EngineError::MalformedCondition { pc: e.pc() as u64 })?
            {
                return Ok(b.place);
            }
        }
        match default {
            Some(place) => Ok(place),
            None if decidable => Err(EngineError::DecisionRequired { instance: id, gateway: rt.index }),
            None => Err(EngineError::NoOutgoingFlowEnabled { instance: id, gateway: rt.index }),
        }
    }

    fn produce(&mut self, id: u64, s: u8, places: &Bitmap256) {
        let inst = self.inst_mut(id);
        inst.marking[s as usize] = inst.marking[s as usize].or(places);
    }

    fn send(&mut self, t: &mut Txn, id: u64, flows: &Bitmap256) {
        for flow in flows.bits() {
            t.events.push(EngineEvent::MessageSent { instance: id, flow: flow as u16 });
        }
        self.deliver(id, flows);
    }

    /// Keeps a message pending only when its target waits for it.
    fn deliver(&mut self, id: u64, flows: &Bitmap256) {
        for flow in flows.bits() {
            if self.def_of(id).waiting_target(flow as u16).is_some() {
                self.inst_mut(id).messages.set(flow);
            }
        }
    }

    fn after_consume(&mut self, t: &mut Txn, id: u64, s: u8) {
        if t.stopped.contains(&id) || self.inst(id).live(s) {
            return;
        }
        let parent_element = self.def_of(id).scopes[s as usize].parent_element;
        if parent_element == 0 {
            return;
        }
        let sub = self.def_of(id).elements[parent_element as usize - 1].clone();
        self.complete_subprocess(t, id, &sub);
    }

    fn enter_subprocess(&mut self, t: &mut Txn, id: u64, sub: &RuntimeElement) -> Result<(), EngineError> {
        self.inst_mut(id).running[sub.scope as usize] += 1;
        let starts = self.def_of(id).scopes[sub.child_scope as usize].starts.clone();
        self.fire_starts(t, id, &starts)?;
        if !self.inst(id).live(sub.child_scope) {
            self.complete_subprocess(t, id, sub);
        }
        Ok(())
    }

    fn complete_subprocess(&mut self, t: &mut Txn, id: u64, sub: &RuntimeElement) {
        self.inst_mut(id).running[sub.scope as usize] -= 1;
        t.events.push(EngineEvent::SubProcessCompleted { instance: id, element: sub.index, scope: sub.child_scope });
        self.produce(id, sub.scope, &sub.postset);
    }

    fn call_activity(&mut self, t: &mut Txn, id: u64, call: &RuntimeElement) -> Result<(), EngineError> {
        let (depth, starter, root) = {
            let i = self.inst(id);
            (i.depth, i.starter, i.root)
        };
        if depth as usize >= MAX_CALL_DEPTH {
            return Err(EngineError::CallDepthExceeded { instance: id, depth: depth as u64 + 1 });
        }
        let definition = *self
            .latest
            .get(&call.called_process)
            .ok_or(EngineError::CalledProcessNotDeployed { process_key: call.called_process })?;
        if self.deprecated.contains(&definition) {
            return Err(EngineError::DefinitionIsDeprecated { definition });
        }
        self.inst_mut(id).running[call.scope as usize] += 1;
        let child = self.create(t, definition, starter, id, root, call.index, call.scope, depth + 1);
        self.inst_mut(id).children.push(child);
        let starts = self.def_of(child).start_elements.clone();
        self.fire_starts(t, child, &starts)?;
        self.advance(t, child)?;
        if self.inst(child).status == InstanceStatus::Completed {
            self.resume_call(t, id, call, child);
        }
        Ok(())
    }

    fn resume_call(&mut self, t: &mut Txn, id: u64, call: &RuntimeElement, child: u64) {
        self.inst_mut(id).running[call.scope as usize] -= 1;
        t.events.push(EngineEvent::CallActivityCompleted { instance: id, element: call.index, child });
        self.produce(id, call.scope, &call.postset);
    }

    /// After an action on `id`: while the instance completed and has a parent, resume the
    /// parent's call activity and advance the parent.
    fn propagate(&mut self, t: &mut Txn, mut id: u64) -> Result<(), EngineError> {
        while self.inst(id).status == InstanceStatus::Completed && self.inst(id).parent != 0 {
            let parent = self.inst(id).parent;
            let call = self.def_of(parent).elements[self.inst(id).parent_element as usize].clone();
            self.resume_call(t, parent, &call, id);
            self.advance(t, parent)?;
            id = parent;
        }
        Ok(())
    }

    fn terminate(&mut self, t: &mut Txn, id: u64, s: u8) {
        let scope = &self.def_of(id).scopes[s as usize];
        let top_level = scope.parent_element == 0;
        let set = if top_level { None } else { Some(scope.descendants) };
        let in_set = |x: u8| set.is_none_or(|d| d.is_set(x));
        let inst = self.inst_mut(id);
        for x in 0..inst.marking.len() {
            if in_set(x as u8) {
                inst.marking[x] = Bitmap256::ZERO;
                inst.running[x] = 0;
            }
        }
        self.kill_children(t, id, &|x| in_set(x));
        if top_level {
            // the instance is empty: it must not advance further in this action (a message
            // start event could otherwise fire on a pending message)
            t.stopped.insert(id);
        }
    }

    fn kill_children(&mut self, t: &mut Txn, id: u64, scopes: &dyn Fn(u8) -> bool) {
        let kids = self.inst(id).children.clone();
        for kid in kids {
            let k = self.inst(kid);
            if k.status != InstanceStatus::Active || !scopes(k.parent_scope) {
                continue;
            }
            let k = self.inst_mut(kid);
            k.marking.iter_mut().for_each(|m| *m = Bitmap256::ZERO);
            k.running.iter_mut().for_each(|r| *r = 0);
            k.status = InstanceStatus::Terminated;
            t.events.push(EngineEvent::InstanceTerminated { instance: kid, by: id });
            self.kill_children(t, kid, &|_| true);
        }
    }
}
