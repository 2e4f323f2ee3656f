//! The BPM state encoding proven by the circuit, and the compilation of `alstra-bpmn` models
//! into *transition* records (the leaves of the definitions tree).
//!
//! ## Instance marking: 5 words of 64 bits
//!
//! An instance's state is a 320-bit vector held as five 64-bit words ([`Marking`]):
//!
//! | word | content |
//! |---|---|
//! | 0, 1, 2, 3 | marking of scope 0..3: bit `p` = place `p` of the scope (the compiler's place numbering), followed by the prover's *synthetic* places (below) |
//! | 4 | pending message flows: bit `t` = `triggers[t]` (`messageIn == t + 1`) |
//!
//! So the prover supports definitions with at most [`SCOPE_WORDS`] (4) scopes, 64 places per
//! scope including synthetic ones, and 64 message flows ([`EncodeError`] otherwise); the
//! engine's limits (256 each) are larger.
//!
//! Synthetic places (one bit in the word of the element's own scope, numbered after the scope's
//! real places in element order): for each `SubProcess` an *active* place (marked while its
//! child scope runs: the engine's "busy" counter), for each `CallActivity` a *waiting* place.
//!
//! ## Transitions (element firings)
//!
//! Every firing of an element is one [`TransitionRule`]: `(pre, post, clear, empty, create)`,
//! applied as `enabled: pre ⊆ m  and  m[w] = 0 for every scope word w in empty`,
//! `m' = ((m ∖ pre) with the scope words in clear zeroed) ∪ post`. Elements whose engine rule
//! consumes *one of* several incoming tokens (XOR merge) get one rule per incoming place, an
//! exclusive gateway one rule per (incoming place, outgoing flow). See `docs/prover.md` for
//! the table per element kind.

use crate::engine::{RuntimeDefinition, RuntimeElement};
use crate::{Bitmap256, CompiledModel, ElementKind};
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

/// Number of 64-bit words of an instance marking (4 scopes + messages).
pub const WORDS: usize = 5;
/// Number of scope words (scopes per definition supported by the prover).
pub const SCOPE_WORDS: usize = 4;
/// Number of 128-bit limbs a marking is packed into in the definitions leaf.
pub const LIMBS: usize = WORDS.div_ceil(2);
/// Bits per word.
pub const WORD_BITS: usize = 64;
/// Index of the message word.
pub const MSG_WORD: usize = 4;

/// Instance status (an input of the instance leaf hash).
pub mod status {
    /// No instance at this leaf (the leaf value is then `0`, not a hash).
    pub const NONE: u64 = 0;
    /// Running: some scope word is non-zero.
    pub const RUNNING: u64 = 1;
    /// Completed: every scope word is zero (pending messages do not count).
    pub const COMPLETED: u64 = 2;
    /// Created by its parent's call activity (the leaf links it to the parent), its start
    /// events not fired yet: definition 0, empty marking. The engine starts the child in the same
    /// transaction; here the child's `create` rule follows the parent's `call` firing.
    pub const CALLED: u64 = 3;
    /// A completed call-activity child whose parent's call activity has resumed (it cannot
    /// resume the parent a second time).
    pub const RETURNED: u64 = 4;
}

/// A 320-bit marking as five little-endian 64-bit words (see the module docs).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Marking(pub [u64; WORDS]);

impl Marking {
    /// Sets global bit `bit` (`word = bit / 64`).
    pub fn set(&mut self, bit: usize) {
        self.0[bit / WORD_BITS] |= 1u64 << (bit % WORD_BITS);
    }
    /// Whether global bit `bit` is set.
    pub fn has(&self, bit: usize) -> bool {
        self.0[bit / WORD_BITS] >> (bit % WORD_BITS) & 1 == 1
    }
    /// `self ⊆ other`.
    pub fn subset_of(&self, other: &Marking) -> bool {
        (0..WORDS).all(|w| self.0[w] & !other.0[w] == 0)
    }
    /// True when every scope word (0..4) is zero.
    pub fn scopes_empty(&self) -> bool {
        self.0[..SCOPE_WORDS].iter().all(|w| *w == 0)
    }
    /// The [`LIMBS`] 128-bit limbs `w0 + 2^64 w1`, `w2 + 2^64 w3`, `w4`.
    pub fn limbs(&self) -> [u128; LIMBS] {
        core::array::from_fn(|l| {
            let hi = self.0.get(2 * l + 1).copied().unwrap_or(0);
            self.0[2 * l] as u128 | (hi as u128) << 64
        })
    }
    /// Union.
    pub fn union(&self, o: &Marking) -> Marking {
        Marking(core::array::from_fn(|w| self.0[w] | o.0[w]))
    }
}

/// Flag bits of a transition (the `flags` input of the definitions leaf): bit 0 `create`,
/// bits 1..=4 `clear` (scope words 0..3), bits 5..=8 `empty` (scope words 0..3), bit 9
/// [`Partner::Call`], bit 10 [`Partner::Return`].
pub const FLAG_BITS: usize = 3 + 2 * SCOPE_WORDS;
/// Bit of [`Partner::Call`] in [`TransitionRule::flags`].
pub const FLAG_CALL: usize = 1 + 2 * SCOPE_WORDS;
/// Bit of [`Partner::Return`] in [`TransitionRule::flags`].
pub const FLAG_RETURN: usize = 2 + 2 * SCOPE_WORDS;

/// Which engine step a rule proves (not hashed: the leaf is defined by the firing itself). The
/// key by which [`super::replay`] maps the engine's events to rules.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RuleStep {
    /// An instance start: the top-level none start events (`InstanceStarted`).
    Start,
    /// An element fires (`ElementFired`): its consumed place(s) in `pre`, for an exclusive
    /// gateway the chosen flow's place in `post`.
    #[default]
    Fire,
    /// A sub-process is entered (`ElementFired` of the sub-process).
    Enter,
    /// A sub-process completes (`SubProcessCompleted`).
    Complete,
    /// A call activity calls (`ElementFired` of the call activity).
    Call,
    /// A call activity resumes (`CallActivityCompleted`).
    Return,
    /// An external message is delivered (`MessageCorrelated`) on this message flow.
    Deliver(u16),
}

/// The second instance leaf a firing updates besides its own (the call-activity link).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Partner {
    /// No other instance.
    #[default]
    None,
    /// The call activity's *call*: creates the child instance with the next sequential id,
    /// status [`status::CALLED`], linked to this instance and element.
    Call,
    /// The call activity's *return*: a child linked to this instance and element, status
    /// [`status::COMPLETED`], becomes [`status::RETURNED`].
    Return,
}

impl RuleStep {
    /// The step as `(code, flow)` for storage and transport (the rollup pallet's `RuleRecord`):
    /// 0 start, 1 fire, 2 enter, 3 complete, 4 call, 5 return, 6 deliver (`flow` its message
    /// flow; 0 otherwise).
    pub fn code(self) -> (u8, u16) {
        match self {
            RuleStep::Start => (0, 0),
            RuleStep::Fire => (1, 0),
            RuleStep::Enter => (2, 0),
            RuleStep::Complete => (3, 0),
            RuleStep::Call => (4, 0),
            RuleStep::Return => (5, 0),
            RuleStep::Deliver(f) => (6, f),
        }
    }

    /// The step of [`Self::code`]'s `(code, flow)`; `None` for an unknown code.
    pub fn from_code(code: u8, flow: u16) -> Option<RuleStep> {
        Some(match code {
            0 => RuleStep::Start,
            1 => RuleStep::Fire,
            2 => RuleStep::Enter,
            3 => RuleStep::Complete,
            4 => RuleStep::Call,
            5 => RuleStep::Return,
            6 => RuleStep::Deliver(flow),
            _ => return None,
        })
    }
}

impl Partner {
    /// The partner as a code: 0 none, 1 call, 2 return.
    pub fn code(self) -> u8 {
        match self {
            Partner::None => 0,
            Partner::Call => 1,
            Partner::Return => 2,
        }
    }

    /// The partner of [`Self::code`]; `None` for an unknown code.
    pub fn from_code(code: u8) -> Option<Partner> {
        Some(match code {
            0 => Partner::None,
            1 => Partner::Call,
            2 => Partner::Return,
            _ => return None,
        })
    }
}

/// One firing rule of an element (a leaf of the definitions tree).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TransitionRule {
    /// Definition id (assigned by [`crate::native::Registry`], 1-based).
    pub def_id: u32,
    /// Element index in the compiled model.
    pub element: u16,
    /// `ElementKind` ordinal.
    pub kind: u8,
    /// Scope index of the element.
    pub scope: u8,
    /// Tokens consumed (must all be present).
    pub pre: Marking,
    /// Tokens produced.
    pub post: Marking,
    /// Scope words cleared (terminate end events): bit `w` = word `w`, `w < 4`.
    pub clear: u8,
    /// Scope words that must be empty (sub-process completion): bit `w` = word `w`, `w < 4`.
    pub empty: u8,
    /// Instance start: the instance leaf must be absent (`0`) before and the instance id the
    /// next sequential one, or it is a call-activity child in status [`status::CALLED`].
    pub create: bool,
    /// The other instance the firing updates (call-activity link).
    pub partner: Partner,
    /// The engine step this rule proves (not hashed).
    pub step: RuleStep,
    /// Human-readable label, e.g. `"Task_1 (UserTask) from place 0:3"` (not hashed).
    pub label: String,
}

impl TransitionRule {
    /// `create | clear << 1 | empty << 5 | call << 9 | return << 10`.
    pub fn flags(&self) -> u64 {
        self.create as u64
            | (self.clear as u64) << 1
            | (self.empty as u64) << (1 + SCOPE_WORDS)
            | ((self.partner == Partner::Call) as u64) << FLAG_CALL
            | ((self.partner == Partner::Return) as u64) << FLAG_RETURN
    }
}

/// Why a model cannot be encoded for the prover.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EncodeError {
    /// More than [`SCOPE_WORDS`] scopes.
    TooManyScopes(usize),
    /// A scope needs more than 64 places (real + synthetic).
    TooManyPlaces {
        /// Scope index.
        scope: usize,
        /// Places needed.
        places: usize,
    },
    /// More than 64 message flows.
    TooManyMessageFlows(usize),
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EncodeError::TooManyScopes(n) => {
                write!(f, "{n} scopes: the prover supports at most {SCOPE_WORDS}")
            }
            EncodeError::TooManyPlaces { scope, places } => write!(
                f,
                "scope {scope} needs {places} places (with synthetic sub-process/call places): the prover supports at most 64"
            ),
            EncodeError::TooManyMessageFlows(n) => {
                write!(f, "{n} message flows: the prover supports at most 64")
            }
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for EncodeError {}

/// Compiles `model` into its firing rules, for definition `def_id`.
///
/// Rules, per element kind (engine semantics of `docs/bpm-engine.md`):
/// * instance start: one `create` rule (labelled with the first top-level none start event),
///   `post` = outgoing places of every none start event of a top-level scope;
/// * none start events otherwise: no rule of their own (fired by their sub-process);
/// * role tasks, end/throw events: per incoming place `p`: `pre = {p}`, `post` = outgoing
///   places ∪ the sent message flows whose target waits for them (the engine keeps only those
///   pending; a message to a black-box pool or into a plain task is only logged);
/// * receive task, message catch event: per incoming place `p`: `pre = {p, messageIn}`;
///   message start event: `pre = {messageIn}` for a message from a black-box pool; a message
///   from an element of the same definition is not kept pending: the sender's `post` holds the
///   start event's outgoing places (the engine fires it automatically in the same action;
///   except after a top-level terminate end event, which ends the instance first);
/// * external message delivery (`correlateMessage`: a message flow from a black-box pool whose
///   target waits): one rule labelled with the target, `pre = {}`, `post = {the message}`. The
///   engine also refuses a message that is already pending; the circuit cannot express an
///   absent bit, so there a repeated delivery is a no-op it accepts;
/// * terminate end event: per incoming place, `clear` = its scope and descendants (every scope
///   for a top-level scope);
/// * exclusive gateway: per (incoming place, outgoing flow) (conditions are not proven);
///   parallel gateway: one rule, all incoming to all outgoing; event-based gateway: per
///   incoming place, to the shared place;
/// * sub-process: *enter* per incoming place, only while the child scope is empty (`empty` =
///   child scope, as the engine's "a sub-process is enabled when its child scope holds
///   nothing"; `post` = its active place ∪ the outgoing places of the child scope's none start
///   events) and *complete* (`pre` = active place, `empty` = child scope, `post` = outgoing
///   places);
/// * call activity: *call* per incoming place (`post` = waiting place, [`Partner::Call`]: the
///   child instance is created, linked to this instance and element) and *return* (`pre` =
///   waiting place, [`Partner::Return`]: a completed child linked to this element is marked
///   returned). The child's own `create` rule (its none start events) follows the call; which
///   definition the child runs (the latest published for the called process key) is attested
///   by the validators, not proven.
pub fn compile_rules(def_id: u32, model: &CompiledModel) -> Result<Vec<TransitionRule>, EncodeError> {
    let n_scopes = model.scopes.len();
    if n_scopes > SCOPE_WORDS {
        return Err(EncodeError::TooManyScopes(n_scopes));
    }
    if model.triggers.len() > WORD_BITS {
        return Err(EncodeError::TooManyMessageFlows(model.triggers.len()));
    }
    let summary = model.summary();
    let n_el = model.elements.len();
    let bit = |scope: usize, place: usize| scope * WORD_BITS + place;
    // incoming / outgoing global bits per element: the pre- and post-sets of the BPM core's
    // runtime tables (the registry's), in place order (= flow document order in a scope).
    let runtime = RuntimeDefinition::new(model);
    let global = |e: &RuntimeElement, set: &Bitmap256| -> Vec<usize> {
        set.bits().into_iter().map(|p| bit(e.scope as usize, p as usize)).collect()
    };
    let incoming: Vec<Vec<usize>> = runtime.elements.iter().map(|e| global(e, &e.preset)).collect();
    let outgoing: Vec<Vec<usize>> = runtime.elements.iter().map(|e| global(e, &e.postset)).collect();
    // synthetic places
    let mut next_place: Vec<usize> = summary.places_per_scope.clone();
    let mut synthetic = vec![usize::MAX; n_el];
    for (i, e) in model.elements.iter().enumerate() {
        if matches!(e.kind, ElementKind::SubProcess | ElementKind::CallActivity) {
            let s = e.scope as usize;
            synthetic[i] = bit(s, next_place[s]);
            next_place[s] += 1;
        }
    }
    for (s, n) in next_place.iter().enumerate() {
        if *n > WORD_BITS {
            return Err(EncodeError::TooManyPlaces { scope: s, places: *n });
        }
    }
    let set_of = |bits: &[usize]| {
        let mut m = Marking::default();
        for b in bits {
            m.set(*b);
        }
        m
    };
    // the sent messages the engine keeps pending: those whose target waits for them
    // the messages element i sends that the engine keeps; a message to a message start event
    // of this definition is consumed by it in the same action (it is automatic and always
    // enabled), so with `fold` the sender produces the start event's outgoing tokens directly:
    // otherwise an instance whose last token sent it would look completed in between
    let msg_out = |i: usize, fold: bool| {
        let mut m = Marking::default();
        for t in model.elements[i].message_out.bits() {
            match runtime.waiting_target(t as u16) {
                Some(target) if fold && target.kind == ElementKind::MessageStartEvent => {
                    m = m.union(&set_of(&outgoing[target.index as usize]));
                }
                Some(_) => m.set(MSG_WORD * WORD_BITS + t as usize),
                None => {}
            }
        }
        m
    };
    let descendants = |s: usize| -> u8 {
        // scope s and every scope nested in it (through sub-process elements)
        let mut mask = 1u8 << s;
        loop {
            let before = mask;
            for (c, sc) in model.scopes.iter().enumerate() {
                if sc.parent_element != 0 {
                    let parent_scope = model.elements[sc.parent_element as usize - 1].scope as usize;
                    if mask >> parent_scope & 1 == 1 {
                        mask |= 1 << c;
                    }
                }
            }
            if mask == before {
                return mask;
            }
        }
    };
    let none_starts_post = |scope_pred: &dyn Fn(usize) -> bool| {
        let mut m = Marking::default();
        let mut first = None;
        for (i, e) in model.elements.iter().enumerate() {
            if e.kind == ElementKind::StartEvent && scope_pred(e.scope as usize) {
                first.get_or_insert(i);
                m = m.union(&set_of(&outgoing[i]));
            }
        }
        (m, first)
    };
    let mut rules = Vec::new();
    let mut push = |element: usize, pre: Marking, post: Marking, clear: u8, empty: u8, create: bool, partner: Partner, step: RuleStep, what: String| {
        let e = &model.elements[element];
        rules.push(TransitionRule {
            def_id,
            element: element as u16,
            kind: e.kind as u8,
            scope: e.scope,
            pre,
            post,
            clear,
            empty,
            create,
            partner,
            step,
            label: format!("{} ({}){}", e.bpmn_id, e.kind.name(), what),
        });
    };
    let from = |b: usize| format!(" from place {}:{}", b / WORD_BITS, b % WORD_BITS);
    // instance creation
    let (start_post, first_start) =
        none_starts_post(&|s| model.scopes[s].parent_element == 0);
    if let Some(first) = first_start {
        push(first, Marking::default(), start_post, 0, 0, true, Partner::None, RuleStep::Start, " instance start".into());
    }
    for (i, e) in model.elements.iter().enumerate() {
        let s = e.scope as usize;
        let out = set_of(&outgoing[i]).union(&msg_out(i, true));
        let msg_in = |m: &mut Marking| {
            if e.message_in != 0 {
                m.set(MSG_WORD * WORD_BITS + e.message_in as usize - 1);
            }
        };
        use ElementKind as K;
        match e.kind {
            K::StartEvent => {}
            // (a message from an element of this definition is folded into its sender's rule)
            K::MessageStartEvent if e.message_in != 0 && runtime.triggers[e.message_in as usize - 1].source_element == 0 => {
                let mut pre = Marking::default();
                msg_in(&mut pre);
                push(i, pre, out, 0, 0, false, Partner::None, RuleStep::Fire, String::new());
            }
            K::MessageStartEvent => {}
            K::ReceiveTask | K::MessageIntermediateCatchEvent => {
                for &p in &incoming[i] {
                    let mut pre = set_of(&[p]);
                    msg_in(&mut pre);
                    push(i, pre, out, 0, 0, false, Partner::None, RuleStep::Fire, from(p));
                }
            }
            K::TerminateEndEvent => {
                let clear = if model.scopes[s].parent_element == 0 {
                    (1u8 << SCOPE_WORDS) - 1
                } else {
                    descendants(s)
                };
                for &p in &incoming[i] {
                    push(i, set_of(&[p]), msg_out(i, model.scopes[s].parent_element != 0), clear, 0, false, Partner::None, RuleStep::Fire, from(p));
                }
            }
            K::ExclusiveGateway => {
                for &p in &incoming[i] {
                    for &o in &outgoing[i] {
                        push(i, set_of(&[p]), set_of(&[o]), 0, 0, false, Partner::None, RuleStep::Fire,
                            format!("{} to place {}:{}", from(p), o / WORD_BITS, o % WORD_BITS));
                    }
                }
            }
            K::ParallelGateway => {
                push(i, set_of(&incoming[i]), out, 0, 0, false, Partner::None, RuleStep::Fire, String::new());
            }
            K::SubProcess => {
                let child = e.child_scope as usize;
                let (child_post, _) = none_starts_post(&|sc| sc == child);
                let active = synthetic[i];
                for &p in &incoming[i] {
                    push(i, set_of(&[p]), set_of(&[active]).union(&child_post), 0, 1 << child, false, Partner::None, RuleStep::Enter,
                        format!(" enter{}", from(p)));
                }
                push(i, set_of(&[active]), out, 0, 1 << child, false, Partner::None, RuleStep::Complete, " complete".into());
            }
            K::CallActivity => {
                let wait = synthetic[i];
                for &p in &incoming[i] {
                    push(i, set_of(&[p]), set_of(&[wait]), 0, 0, false, Partner::Call, RuleStep::Call, format!(" call{}", from(p)));
                }
                push(i, set_of(&[wait]), out, 0, 0, false, Partner::Return, RuleStep::Return, " return".into());
            }
            // role tasks, end events, throw events, event-based gateway: one token in
            _ => {
                for &p in &incoming[i] {
                    push(i, set_of(&[p]), out, 0, 0, false, Partner::None, RuleStep::Fire, from(p));
                }
            }
        }
    }
    // external messages (correlateMessage): delivered into the message word
    for (t, trigger) in runtime.triggers.iter().enumerate() {
        if trigger.source_element == 0 {
            if let Some(target) = runtime.waiting_target(t as u16) {
                let mut post = Marking::default();
                post.set(MSG_WORD * WORD_BITS + t);
                push(target.index as usize, Marking::default(), post, 0, 0, false, Partner::None, RuleStep::Deliver(t as u16),
                    format!(" message flow {t} delivered (correlateMessage)"));
            }
        }
    }
    Ok(rules)
}
