//! The engine's events as proven transitions: what the rollup records for every engine action.
//!
//! The engine ([`crate::engine`], `ProcessExecution.sol`) reports each action as events in
//! emission order. [`Replay::apply`] maps them to the rules of the definitions tree and fires
//! them on the proven [`State`], all or nothing:
//!
//! | engine event | proven transition |
//! |---|---|
//! | `InstanceStarted` (no parent) | the definition's [`RuleStep::Start`] rule at the next id |
//! | `InstanceStarted` (parent) | the called definition's start rule on the child leaf the call created |
//! | `ElementFired` of a none start event | none: part of its instance's start or its sub-process's enter |
//! | `ElementFired` of a message start event sent to from the same definition | none: part of the sender's rule |
//! | `ElementFired` of a sub-process | [`RuleStep::Enter`] from the consumed place |
//! | `ElementFired` of a call activity | [`RuleStep::Call`] from the consumed place (creates the child) |
//! | `ElementFired`, other kinds | [`RuleStep::Fire`] whose `pre` has exactly the consumed places (and, for an exclusive gateway, whose `post` is the produced place) |
//! | `SubProcessCompleted` | [`RuleStep::Complete`] |
//! | `CallActivityCompleted` | [`RuleStep::Return`] from the child named |
//! | `MessageCorrelated` | [`RuleStep::Deliver`] of the message flow |
//! | `MessageSent`, `VariableSet`, `RoleBound`, `InstanceCompleted` | none (sent messages are in the sender's `post`; data and roles are not proven) |
//! | `InstanceTerminated` (a call-activity child killed by an ancestor's terminate end event) | none: not proven, the child stays running in the proven state |
//!
//! Definition ids are the registry's: register every published definition, in publication
//! order, to get the engine's numbering.

use super::encoding::{RuleStep, SCOPE_WORDS, WORD_BITS};
use super::encoding::TransitionRule;
use super::state::{Definitions, FireError, MemoryState, Params, RegisterError, Registry, State, StateStore, Step};
use crate::engine::EngineEvent;
use crate::{Bitmap256, CompiledModel, ElementKind};
use alloc::vec::Vec;

/// Why the engine's events cannot be proven.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// An event names an instance the proven state does not have.
    UnknownInstance(u64),
    /// An event names a definition that is not registered.
    UnknownDefinition(u64),
    /// No rule of the instance's definition proves this event.
    NoRule {
        /// The instance.
        instance: u64,
        /// The element (or message flow for a delivery).
        element: u16,
        /// The engine step looked for.
        step: RuleStep,
    },
    /// The rule found is refused by the proven state machine.
    Refused {
        /// The instance.
        instance: u64,
        /// The rule's label.
        rule: alloc::string::String,
        /// Why.
        error: FireError,
    },
    /// The child the engine created is not the one the proven state created.
    ChildMismatch {
        /// The engine's child id.
        engine: u64,
        /// The proven state's.
        proven: u64,
    },
}

impl core::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{self:?}")
    }
}

#[cfg(feature = "std")]
impl std::error::Error for ReplayError {}

/// The proven state and its definitions in memory, fed with the engine's events.
#[derive(Clone, Debug)]
pub struct Replay {
    /// The definitions tree.
    pub registry: Registry,
    /// The proven state.
    pub state: State<MemoryState>,
}

fn scope_places(word: u64) -> Bitmap256 {
    let mut b = Bitmap256::ZERO;
    for p in 0..WORD_BITS {
        if word >> p & 1 == 1 {
            b.set(p as u8);
        }
    }
    b
}

impl Replay {
    /// An empty state and registry of the given shape.
    pub fn new(params: Params) -> Self {
        Replay { registry: Registry::new(params.defs_depth), state: State::new(params.state_depth) }
    }

    /// Registers the next published definition (its id is returned).
    pub fn publish(&mut self, model: &CompiledModel) -> Result<u32, RegisterError> {
        self.registry.register(model)
    }

    /// Maps the events of one engine action to rule firings and applies them; on any error the
    /// state is unchanged. Returns the step witnesses (one circuit slot each).
    pub fn apply(&mut self, events: &[EngineEvent]) -> Result<Vec<Step>, ReplayError> {
        let mut state = self.state.clone();
        let steps = apply_events(&mut state, &self.registry, events)?;
        self.state = state;
        Ok(steps)
    }
}

fn find(
    defs: &impl Definitions,
    instance: u64,
    def: u32,
    element: u16,
    step: RuleStep,
    matches: impl Fn(&TransitionRule) -> bool,
) -> Result<usize, ReplayError> {
    defs.rules_of(def)
        .find(|i| {
            defs.rule(*i).is_some_and(|r| {
                r.step == step && (matches!(step, RuleStep::Start | RuleStep::Deliver(_)) || r.element == element) && matches(&r)
            })
        })
        .map(|i| i as usize)
        .ok_or(ReplayError::NoRule { instance, element, step })
}

fn def_of<S: StateStore>(state: &State<S>, instance: u64) -> Result<u32, ReplayError> {
    state.instance(instance).map(|i| i.def_id).ok_or(ReplayError::UnknownInstance(instance))
}

/// Maps the events of one engine action to rule firings of `defs` and fires them on `state`,
/// in order. Not atomic by itself: on an error, firings already applied stay (the runtime runs
/// it in a storage transaction; [`Replay::apply`] on a copy).
pub fn apply_events<S: StateStore>(state: &mut State<S>, defs: &impl Definitions, events: &[EngineEvent]) -> Result<Vec<Step>, ReplayError> {
    let mut steps = Vec::new();
    for ev in events {
        let (instance, rule, child) = match *ev {
            EngineEvent::InstanceStarted { instance, definition, .. } => {
                let def = u32::try_from(definition).map_err(|_| ReplayError::UnknownDefinition(definition))?;
                if defs.rules_of(def).is_empty() {
                    return Err(ReplayError::UnknownDefinition(definition));
                }
                (instance, find(defs, instance, def, 0, RuleStep::Start, |_| true)?, None)
            }
            EngineEvent::ElementFired { instance, element, kind, consumed, produced, .. } => {
                let def = def_of(state, instance)?;
                let step = match kind {
                    ElementKind::StartEvent => continue,
                    // a message start event reached by a message of its own definition: its
                    // tokens are in the sender's rule (encoding::compile_rules)
                    ElementKind::MessageStartEvent
                        if !defs.rules_of(def).any(|i| defs.rule(i).is_some_and(|r| r.element == element)) =>
                    {
                        continue
                    }
                    ElementKind::SubProcess => RuleStep::Enter,
                    ElementKind::CallActivity => RuleStep::Call,
                    _ => RuleStep::Fire,
                };
                // (a message start event consumes no place: its pre is the message bit only)
                let rule = find(defs, instance, def, element, step, |r| {
                    let w = r.scope as usize;
                    w < SCOPE_WORDS
                        && scope_places(r.pre.0[w]) == consumed
                        && (kind != ElementKind::ExclusiveGateway || scope_places(r.post.0[w]) == produced)
                })?;
                (instance, rule, None)
            }
            EngineEvent::SubProcessCompleted { instance, element, .. } => {
                let def = def_of(state, instance)?;
                (instance, find(defs, instance, def, element, RuleStep::Complete, |_| true)?, None)
            }
            EngineEvent::CallActivityCompleted { instance, element, child } => {
                let def = def_of(state, instance)?;
                (instance, find(defs, instance, def, element, RuleStep::Return, |_| true)?, Some(child))
            }
            EngineEvent::MessageCorrelated { instance, flow, .. } => {
                let def = def_of(state, instance)?;
                (instance, find(defs, instance, def, flow, RuleStep::Deliver(flow), |_| true)?, None)
            }
            EngineEvent::RoleBound { .. }
            | EngineEvent::MessageSent { .. }
            | EngineEvent::VariableSet { .. }
            | EngineEvent::InstanceCompleted { .. }
            | EngineEvent::InstanceTerminated { .. }
            // verification is who may complete a task: the completion is the ElementFired
            | EngineEvent::TaskSubmitted { .. }
            | EngineEvent::TaskApproved { .. }
            | EngineEvent::TaskRejected { .. } => continue,
        };
        let step = state.fire_with(defs, instance, rule, child).map_err(|error| ReplayError::Refused {
            instance,
            rule: defs.rule(rule as u64).map(|r| r.label).unwrap_or_default(),
            error,
        })?;
        steps.push(step);
    }
    // the children the engine started are the ones the calls created
    for ev in events {
        if let EngineEvent::InstanceStarted { instance, parent, .. } = *ev {
            let proven = state.instance(instance).map(|i| i.parent).unwrap_or(u64::MAX);
            if proven != parent {
                return Err(ReplayError::ChildMismatch { engine: instance, proven });
            }
        }
    }
    Ok(steps)
}
