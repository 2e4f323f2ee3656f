//! Circuit vs native on batches walked on real BPMN models, and every kind of invalid batch.

use alstra_prover::circuit::BatchCircuit;
use alstra_prover::encoding::{status, Marking, Partner, TransitionRule};
use alstra_prover::scenario::{self, Walk};
use alstra_prover::smt::SparseMerkleTree;
use alstra_prover::state::{
    apply_rule, commit_step, instance_leaf, record, state_root, Batch, BatchBuilder, FireError, Instance, Params,
    Registry, State, Step,
};
use ark_bn254::Fr;
use ark_ff::Zero;
use ark_relations::r1cs::{ConstraintSynthesizer, ConstraintSystem};
use std::collections::HashMap;

const P: Params = Params { state_depth: 8, defs_depth: 9, batch_size: 4 };

fn satisfied(b: &Batch) -> bool {
    let cs = ConstraintSystem::<Fr>::new_ref();
    BatchCircuit::new(b.clone()).generate_constraints(cs.clone()).unwrap();
    cs.is_satisfied().unwrap()
}

/// One firing a cheating prover claims: instance, rule index, and optionally a substituted
/// rule, a substituted old marking, a substituted partner id.
#[derive(Clone, Default)]
struct Forge {
    id: u64,
    rule: usize,
    rule_override: Option<TransitionRule>,
    marking: Option<Marking>,
    partner: Option<u64>,
}

fn f(id: u64, rule: usize) -> Forge {
    Forge { id, rule, ..Forge::default() }
}

/// Applies firings WITHOUT any validity check (what a cheating prover would claim), producing
/// a batch whose roots and commitment are consistent with the (possibly invalid) steps.
#[derive(Clone)]
struct Forger {
    tree: SparseMerkleTree,
    inst: HashMap<u64, Instance>,
    next: u64,
    number: u64,
}

impl Forger {
    fn new(p: Params) -> Self {
        Forger { tree: SparseMerkleTree::new(p.state_depth), inst: HashMap::new(), next: 1, number: 0 }
    }
    fn set(&mut self, id: u64, i: Instance) {
        self.tree.set(id, instance_leaf(id, &i));
        self.inst.insert(id, i);
    }
    fn batch(&mut self, reg: &Registry, firings: &[(u64, usize, Option<TransitionRule>, Option<Marking>)]) -> Batch {
        let forged: Vec<Forge> = firings
            .iter()
            .map(|(id, rule, r, m)| Forge { id: *id, rule: *rule, rule_override: r.clone(), marking: *m, partner: None })
            .collect();
        self.forge(reg, &forged)
    }
    fn forge(&mut self, reg: &Registry, firings: &[Forge]) -> Batch {
        let (old_tree_root, old_next_id) = (self.tree.root(), self.next);
        self.number += 1;
        let mut c = Fr::from(self.number);
        let mut steps = vec![];
        for fg in firings {
            let id = fg.id;
            let rule = fg.rule_override.clone().unwrap_or_else(|| reg.rules[fg.rule].clone());
            let next_id = self.next;
            let mut before = self.inst.get(&id).copied().unwrap_or(Instance::NONE);
            if rule.create && before.status == status::NONE {
                self.next += 1;
            }
            if let Some(m) = fg.marking {
                before.marking = m;
            }
            let m2 = apply_rule(&before.marking, &rule);
            let st = if m2.scopes_empty() { status::COMPLETED } else { status::RUNNING };
            let state_path = self.tree.path(id);
            self.set(id, Instance { def_id: rule.def_id, marking: m2, status: st, ..before });
            let (partner_id, partner_before, partner_after) = match rule.partner {
                Partner::None => (0, Instance::NONE, None),
                Partner::Call => {
                    let q = fg.partner.unwrap_or(self.next);
                    let called = Instance { status: status::CALLED, parent: id, parent_element: rule.element, ..Instance::NONE };
                    (q, self.inst.get(&q).copied().unwrap_or(Instance::NONE), Some(called))
                }
                Partner::Return => {
                    let q = fg.partner.unwrap_or_else(|| {
                        *self.inst.iter().find(|(_, c)| c.parent == id && c.parent_element == rule.element).expect("a child").0
                    });
                    let b = self.inst.get(&q).copied().unwrap_or(Instance::NONE);
                    (q, b, Some(Instance { status: status::RETURNED, ..b }))
                }
            };
            let mut partner_path = vec![Fr::zero(); self.tree.depth()];
            if let Some(a) = partner_after {
                partner_path = self.tree.path(partner_id);
                self.set(partner_id, a);
                if rule.partner == Partner::Call {
                    self.next += 1;
                }
            }
            let step = Step {
                instance_id: id,
                next_id,
                before,
                state_path,
                rule_index: fg.rule as u64,
                rule: rule.clone(),
                defs_path: reg.path(fg.rule),
                partner_id,
                partner_before,
                partner_path,
                new_root: state_root(self.tree.root(), self.next),
            };
            c = commit_step(c, step.record());
            steps.push(step);
        }
        Batch {
            params: P,
            old_root: state_root(old_tree_root, old_next_id),
            new_root: state_root(self.tree.root(), self.next),
            defs_root: reg.root(),
            commitment: c,
            number: self.number,
            old_tree_root,
            old_next_id,
            steps,
        }
    }
}

#[test]
fn real_models_register() {
    let (reg, ids) = scenario::registry(P.defs_depth);
    assert!(ids.len() >= 2, "at least invoicing and A.1.0 must fit the encoding");
    assert!(reg.rules.iter().any(|r| r.create));
    for (name, _) in scenario::MODELS {
        match alstra_bpmn::compile(scenario::MODELS.iter().find(|(n, _)| n == name).unwrap().1) {
            Ok(m) => println!("{name}: {} -> {:?}", m.summary(), Registry::new(9).register(&m).map(|_| ())),
            Err(e) => println!("{name}: does not compile: {e}"),
        }
    }
    println!("{} rules", reg.rules.len());
}

#[test]
fn walked_batches_satisfy_circuit_and_match_native() {
    let mut walk = Walk::new(P, 11);
    for i in 0..6 {
        let n = if i == 5 { 2 } else { P.batch_size }; // last one padded
        let before = walk.state.root();
        let b = walk.batch(P, n).unwrap();
        assert_eq!(b.old_root, before);
        assert_eq!(b.new_root, walk.state.root());
        assert!(satisfied(&b), "batch {i} must satisfy the circuit");
        // the circuit's root chain equals the native one: any other new root is unsatisfiable
        let mut wrong = b.clone();
        wrong.new_root += Fr::from(1u64);
        assert!(!satisfied(&wrong));
        let mut wrong = b.clone();
        wrong.commitment += Fr::from(1u64);
        assert!(!satisfied(&wrong));
    }
}

#[test]
fn named_path_invoicing() {
    // start an invoicing instance and fire along a real path, by element label
    let (reg, ids) = scenario::registry(P.defs_depth);
    let def = ids[0];
    let mut st = State::new(P.state_depth);
    let mut bb = BatchBuilder::new(P, &st, 1);
    let create = reg.rules.iter().position(|r| r.def_id == def && r.create).unwrap();
    bb.fire(&mut st, &reg, 1, create).unwrap();
    // fire whatever is enabled next, three times (the first enabled rule in element order)
    for _ in 0..3 {
        let en = scenario::enabled_rules(&st, &reg, 1);
        assert!(!en.is_empty());
        println!("firing {}", reg.rules[en[0]].label);
        bb.fire(&mut st, &reg, 1, en[0]).unwrap();
    }
    let b = bb.finish(&st, &reg);
    assert!(satisfied(&b));
}

fn setup() -> (Registry, usize, usize) {
    let (reg, ids) = scenario::registry(P.defs_depth);
    let create = reg.rules.iter().position(|r| r.def_id == ids[0] && r.create).unwrap();
    // a rule of the same definition not enabled right after the start
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, create).unwrap();
    let en = scenario::enabled_rules(&st, &reg, 1);
    let not_enabled = reg
        .rules
        .iter()
        .enumerate()
        .position(|(i, r)| r.def_id == ids[0] && !r.create && !en.contains(&i))
        .unwrap();
    (reg, create, not_enabled)
}

#[test]
fn element_not_enabled_is_unsatisfiable() {
    let (reg, create, not_enabled) = setup();
    let ok = Forger::new(P).batch(&reg, &[(1, create, None, None)]);
    assert!(satisfied(&ok));
    let bad = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, not_enabled, None, None)]);
    assert!(!satisfied(&bad));
    // and the native function refuses it too
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, create).unwrap();
    assert!(st.fire(&reg, 1, not_enabled).is_err());
}

#[test]
fn element_not_in_definitions_root_is_unsatisfiable() {
    let (reg, create, _) = setup();
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, create).unwrap();
    let en = scenario::enabled_rules(&st, &reg, 1)[0];
    // same element, but producing an extra token somewhere: not a registered rule
    let mut fake = reg.rules[en].clone();
    fake.post.set(63);
    let bad = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, en, Some(fake), None)]);
    assert!(!satisfied(&bad));
    // a fabricated create rule (instance born with arbitrary tokens)
    let mut fake = reg.rules[create].clone();
    fake.post.set(5);
    let bad = Forger::new(P).batch(&reg, &[(1, create, Some(fake), None)]);
    assert!(!satisfied(&bad));
    // sanity: unmodified is fine
    let ok = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, en, None, None)]);
    assert!(satisfied(&ok));
}

#[test]
fn wrong_old_root_is_unsatisfiable() {
    let mut walk = Walk::new(P, 5);
    let mut b = walk.batch(P, 3).unwrap();
    assert!(satisfied(&b));
    b.old_root += Fr::from(1u64);
    assert!(!satisfied(&b));
}

#[test]
fn tampered_marking_is_unsatisfiable() {
    let (reg, create, not_enabled) = setup();
    // claim the instance had the tokens the rule needs
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, create).unwrap();
    let real = st.instance(1).unwrap().marking;
    let forged = real.union(&reg.rules[not_enabled].pre);
    let bad = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, not_enabled, None, Some(forged))]);
    assert!(!satisfied(&bad));
    // tampering a witness marking of a valid batch
    let mut walk = Walk::new(P, 9);
    let mut b = walk.batch(P, 4).unwrap();
    let k = b.steps.iter().position(|s| !s.rule.create).expect("a non-create step");
    b.steps[k].before.marking.0[0] ^= 1 << 40;
    assert!(!satisfied(&b));
}

#[test]
fn reordered_batch_is_unsatisfiable() {
    let (reg, create, _) = setup();
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, create).unwrap();
    let en = scenario::enabled_rules(&st, &reg, 1)[0];
    let good = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, en, None, None)]);
    assert!(satisfied(&good));
    // same steps swapped, same public inputs
    let mut swapped = good.clone();
    swapped.steps.swap(0, 1);
    assert!(!satisfied(&swapped));
    // public commitment of the other order, witness in the valid order
    let mut c = good.clone();
    c.commitment = commit_step(commit_step(Fr::from(1u64), record(1, en as u64, 0)), record(1, create as u64, 0));
    assert!(!satisfied(&c));
    // the other order, forged consistently: the second step (create) hits an existing instance
    let forged = Forger::new(P).batch(&reg, &[(1, en, None, None), (1, create, None, None)]);
    assert!(!satisfied(&forged));
}

#[test]
fn completed_instance_cannot_fire_and_create_needs_empty_slot() {
    let (reg, create, _) = setup();
    let mut f = Forger::new(P);
    let b1 = f.batch(&reg, &[(1, create, None, None)]);
    assert!(satisfied(&b1));
    // starting the same instance again
    let b2 = f.batch(&reg, &[(1, create, None, None)]);
    assert!(!satisfied(&b2));
}

#[test]
fn a4_two_pools_subprocesses_messages_run_to_completion_in_circuit() {
    // MIWG A.4.0: two pools, embedded sub-processes, message flows between the pools.
    let (reg, ids) = scenario::registry(P.defs_depth);
    let def = ids[2];
    assert_eq!(reg.names[def as usize - 1], scenario::model("miwg-reference/A.4.0.bpmn").name);
    let mut st = State::new(P.state_depth);
    let create = reg.rules.iter().position(|r| r.def_id == def && r.create).unwrap();
    let mut fired = vec![create];
    let mut bb = BatchBuilder::new(P, &st, 1);
    bb.fire(&mut st, &reg, 1, create).unwrap();
    let mut batches = vec![];
    loop {
        let en = scenario::enabled_rules(&st, &reg, 1);
        let Some(&r) = en.first() else { break };
        if bb.len() == P.batch_size {
            batches.push(bb.finish(&st, &reg));
            bb = BatchBuilder::new(P, &st, 1);
        }
        bb.fire(&mut st, &reg, 1, r).unwrap();
        fired.push(r);
        assert!(fired.len() < 100);
    }
    batches.push(bb.finish(&st, &reg));
    let labels: Vec<_> = fired.iter().map(|r| reg.rules[*r].label.clone()).collect();
    println!("{labels:#?}");
    assert_eq!(st.instance(1).unwrap().status, status::COMPLETED, "A.4.0 instance completes");
    assert!(labels.iter().any(|l| l.contains("enter")) && labels.iter().any(|l| l.contains("complete")));
    // A.4.0's message flows go into plain tasks (informative): the engine only logs them, so
    // no rule leaves them pending (they were a stuck bit of the message word before)
    assert!(reg.rules.iter().filter(|r| r.def_id == def).all(|r| r.post.0[alstra_prover::encoding::MSG_WORD] == 0));
    for b in &batches {
        assert!(satisfied(b));
    }
}

/// A sub-process reached by two parallel tokens: start -> AND split -> Sub (twice) -> end; Sub's
/// child scope: start -> task -> end.
const TWO_TOKENS_INTO_A_SUB_PROCESS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="TwoTokens" isExecutable="true">
    <bpmn:startEvent id="Start"/>
    <bpmn:parallelGateway id="Split"/>
    <bpmn:subProcess id="Sub">
      <bpmn:startEvent id="SubStart"/>
      <bpmn:task id="Work"/>
      <bpmn:endEvent id="SubEnd"/>
      <bpmn:sequenceFlow id="s1" sourceRef="SubStart" targetRef="Work"/>
      <bpmn:sequenceFlow id="s2" sourceRef="Work" targetRef="SubEnd"/>
    </bpmn:subProcess>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Split"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Split" targetRef="Sub"/>
    <bpmn:sequenceFlow id="f3" sourceRef="Split" targetRef="Sub"/>
    <bpmn:sequenceFlow id="f4" sourceRef="Sub" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>"#;

/// Former cheat: entering a sub-process again while its child scope is still live (the engine
/// refuses: "a sub-process is enabled when its child scope holds nothing"). Now the enter rule
/// requires the child scope word to be empty, natively and in the circuit.
#[test]
fn entering_a_live_sub_process_again_is_unsatisfiable() {
    let mut reg = Registry::new(P.defs_depth);
    let def = reg.register(&alstra_bpmn::compile(TWO_TOKENS_INTO_A_SUB_PROCESS).unwrap()).unwrap();
    let rule = |prefix: &str| reg.find(def, prefix).unwrap_or_else(|| panic!("rule {prefix}"));
    let create = reg.rules.iter().position(|r| r.def_id == def && r.create).unwrap();
    let split = rule("Split");
    let enter_first = rule("Sub (SubProcess) enter from place 0:1");
    let enter_second = rule("Sub (SubProcess) enter from place 0:2");
    let work = rule("Work");
    assert!(reg.rules[enter_second].empty != 0, "enter requires the child scope empty");
    // natively: after the first enter, the second token waits
    let mut st = State::new(P.state_depth);
    for r in [create, split, enter_first] {
        st.fire(&reg, 1, r).unwrap();
    }
    assert!(st.clone().fire(&reg, 1, enter_second).is_err(), "the child scope is live");
    st.fire(&reg, 1, work).unwrap();
    // in the circuit: the honest sequence holds, the re-entry does not
    let honest = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, split, None, None), (1, enter_first, None, None), (1, work, None, None)]);
    assert!(satisfied(&honest));
    let cheat = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, split, None, None), (1, enter_first, None, None), (1, enter_second, None, None)]);
    assert!(!satisfied(&cheat));
}

/// Former drift: a message to a black-box pool stayed pending in the message word, and external
/// messages (`correlateMessage`) had no rule, so a catch event waiting for a partner could never
/// fire. Now only awaited messages are kept, and each external message flow has a delivery rule.
#[test]
fn external_messages_are_delivered_and_unawaited_ones_are_not_kept() {
    let model = alstra_bpmn::compile_file(concat!(env!("CARGO_MANIFEST_DIR"), "/../bpmn-compiler/tests/data/alstranet/purchase-quote.bpmn")).unwrap();
    let mut reg = Registry::new(P.defs_depth);
    let def = reg.register(&model).unwrap();
    let rule = |prefix: &str| reg.find(def, prefix).unwrap_or_else(|| panic!("rule {prefix}"));
    let msg_word = alstra_prover::encoding::MSG_WORD;
    // RequestQuote sends to the black-box supplier: nothing is kept pending
    let request = rule("RequestQuote");
    assert_eq!(reg.rules[request].post.0[msg_word], 0);
    // the quote (message flow 1) and the refusal (2) come from the black box: a delivery rule each
    let deliver_quote = rule("QuoteReceived (MessageIntermediateCatchEvent) message flow 1 delivered");
    assert!(reg.find(def, "RefusalReceived (MessageIntermediateCatchEvent) message flow 2 delivered").is_some());
    assert_eq!(reg.rules[deliver_quote].pre, Marking::default());
    let create = reg.rules.iter().position(|r| r.def_id == def && r.create).unwrap();
    let wait = rule("WaitForAnswer");
    let catch = rule("QuoteReceived (MessageIntermediateCatchEvent) from");
    let mut st = State::new(P.state_depth);
    for r in [create, request, wait] {
        st.fire(&reg, 1, r).unwrap();
    }
    assert!(st.clone().fire(&reg, 1, catch).is_err(), "no quote yet");
    st.fire(&reg, 1, deliver_quote).unwrap();
    st.fire(&reg, 1, catch).unwrap();
    let ok = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, request, None, None), (1, wait, None, None), (1, deliver_quote, None, None)]);
    assert!(satisfied(&ok));
    // the catch event without the delivery stays unsatisfiable
    let cheat = Forger::new(P).batch(&reg, &[(1, create, None, None), (1, request, None, None), (1, wait, None, None), (1, catch, None, None)]);
    assert!(!satisfied(&cheat));
}

/// Former cheat: any free instance id could be started (ids squatted); the engine numbers
/// instances sequentially. The counter is now part of the state root.
#[test]
fn instance_ids_are_sequential() {
    let (reg, create, _) = setup();
    let mut st = State::new(P.state_depth);
    assert_eq!(st.clone().fire(&reg, 2, create), Err(FireError::NotNextInstance { id: 2, next: 1 }));
    st.fire(&reg, 1, create).unwrap();
    assert_eq!(st.next_id(), 2);
    assert_eq!(st.clone().fire(&reg, 5, create), Err(FireError::NotNextInstance { id: 5, next: 2 }));
    st.fire(&reg, 2, create).unwrap();
    assert_eq!(st.next_id(), 3);
    assert!(satisfied(&Forger::new(P).batch(&reg, &[(1, create, None, None), (2, create, None, None)])));
    // squatting id 2 first, or skipping id 2
    assert!(!satisfied(&Forger::new(P).batch(&reg, &[(2, create, None, None)])));
    assert!(!satisfied(&Forger::new(P).batch(&reg, &[(1, create, None, None), (3, create, None, None)])));
    // a batch that claims another counter in its roots than the one the tree had
    let mut b = Forger::new(P).batch(&reg, &[(1, create, None, None)]);
    b.old_next_id = 4;
    assert!(!satisfied(&b));
    // the public roots bind the counter: same tree, other counter
    let mut b = Forger::new(P).batch(&reg, &[(1, create, None, None)]);
    b.new_root = state_root(st.tree_root(), 7);
    assert!(!satisfied(&b));
}

/// Claim intake (calls `ClaimHandling` from a call activity) with claim handling registered.
fn claims() -> (Registry, u32, u32) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../bpmn-compiler/tests/data/alstranet/");
    let mut reg = Registry::new(P.defs_depth);
    let handling = reg.register(&alstra_bpmn::compile_file(format!("{dir}claim-handling.bpmn")).unwrap()).unwrap();
    let intake = reg.register(&alstra_bpmn::compile_file(format!("{dir}claim-intake.bpmn")).unwrap()).unwrap();
    (reg, handling, intake)
}

/// Fires the first enabled rule of `id` until `stop` holds or nothing is enabled; returns the
/// rule indices fired.
fn run_until(st: &mut State, reg: &Registry, id: u64, stop: &dyn Fn(&State, usize) -> bool) -> Vec<usize> {
    let mut fired = vec![];
    loop {
        let en = scenario::enabled_rules(st, reg, id);
        let Some(&r) = en.first() else { return fired };
        if stop(st, r) {
            return fired;
        }
        st.fire(reg, id, r).unwrap();
        fired.push(r);
        assert!(fired.len() < 64, "runaway walk");
    }
}

/// Former cheat: a call activity could return with no child instance ever created. Now the
/// call creates the child (next id, linked to the call activity) and the return needs a
/// completed child linked to it, which it marks returned.
#[test]
fn call_activity_returns_only_from_its_own_completed_child() {
    let (reg, handling, intake) = claims();
    let rule = |def: u32, prefix: &str| reg.find(def, prefix).unwrap_or_else(|| panic!("rule {prefix}"));
    let call = rule(intake, "HandleClaim (CallActivity) call");
    let ret = rule(intake, "HandleClaim (CallActivity) return");
    let intake_start = reg.rules.iter().position(|r| r.def_id == intake && r.create).unwrap();
    let handling_start = reg.rules.iter().position(|r| r.def_id == handling && r.create).unwrap();
    assert_eq!(reg.rules[call].partner, Partner::Call);
    assert_eq!(reg.rules[ret].partner, Partner::Return);

    // natively: intake 1 runs up to its call activity; the call creates child 2
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, intake_start).unwrap();
    let mut to_call = vec![intake_start];
    to_call.extend(run_until(&mut st, &reg, 1, &|_, r| r == call));
    assert!(st.clone().fire(&reg, 1, ret).is_err(), "no child yet");
    let step = st.fire(&reg, 1, call).unwrap();
    assert_eq!(step.partner_id, 2);
    let child = st.instance(2).unwrap();
    assert_eq!((child.status, child.parent, child.parent_element), (status::CALLED, 1, reg.rules[call].element));
    assert_eq!(st.next_id(), 3);
    // the parent cannot resume before the child ran
    assert_eq!(st.clone().fire(&reg, 1, ret), Err(FireError::NoCompletedChild { instance: 1, element: reg.rules[call].element }));
    st.fire(&reg, 2, handling_start).unwrap();
    assert_eq!(st.instance(2).unwrap().parent, 1, "the start keeps the link");
    assert!(st.clone().fire(&reg, 1, ret).is_err(), "child still running");
    let child_run = run_until(&mut st, &reg, 2, &|_, _| false);
    assert_eq!(st.instance(2).unwrap().status, status::COMPLETED);
    // an unrelated completed instance of the called definition: started on its own as id 3
    st.fire(&reg, 3, handling_start).unwrap();
    let other_run = run_until(&mut st, &reg, 3, &|_, _| false);
    assert_eq!(st.instance(3).unwrap().status, status::COMPLETED);
    assert_eq!(st.clone().fire_with(&reg, 1, ret, Some(3)), Err(FireError::NoCompletedChild { instance: 1, element: reg.rules[call].element }));
    let mut honest_st = st.clone();
    honest_st.fire(&reg, 1, ret).unwrap();
    assert_eq!(honest_st.instance(2).unwrap().status, status::RETURNED);
    assert!(honest_st.clone().fire(&reg, 1, ret).is_err(), "one return per child");

    // in the circuit: the same firings, forged freely
    let mut firings: Vec<Forge> = to_call.iter().map(|r| f(1, *r)).collect();
    firings.push(f(1, call));
    firings.push(f(2, handling_start));
    firings.extend(child_run.iter().map(|r| f(2, *r)));
    firings.push(f(3, handling_start));
    firings.extend(other_run.iter().map(|r| f(3, *r)));
    // the honest prefix, batch by batch (each must hold)
    let mut fg = Forger::new(P);
    for (i, c) in firings.chunks(P.batch_size).enumerate() {
        assert!(satisfied(&fg.forge(&reg, c)), "honest batch {i}");
    }
    let last = f(1, ret);
    let verdict = |tail: Forge| satisfied(&fg.clone().forge(&reg, &[tail]));
    assert!(verdict(last.clone()), "the honest return");
    // returning from the unrelated completed instance 3
    assert!(!verdict(Forge { partner: Some(3), ..last.clone() }));
    // returning from nothing (an absent leaf)
    assert!(!verdict(Forge { partner: Some(9), ..last.clone() }));
    // returning from the own child while it still runs (its leaf says RUNNING, not COMPLETED),
    // which also covers a second return from a child already RETURNED
    let started = to_call.len() + 2;
    let mut early = Forger::new(P);
    for c in firings[..started].chunks(P.batch_size) {
        assert!(satisfied(&early.forge(&reg, c)));
    }
    assert_eq!(early.inst[&2].status, status::RUNNING);
    assert!(!satisfied(&early.forge(&reg, &[Forge { partner: Some(2), ..last }])), "the child has not completed");
}

/// A call creates its child at the next id only, and the child's start needs the called leaf.
#[test]
fn call_activity_child_is_created_at_the_next_id() {
    let (reg, handling, intake) = claims();
    let call = reg.find(intake, "HandleClaim (CallActivity) call").unwrap();
    let intake_start = reg.rules.iter().position(|r| r.def_id == intake && r.create).unwrap();
    let handling_start = reg.rules.iter().position(|r| r.def_id == handling && r.create).unwrap();
    let mut st = State::new(P.state_depth);
    st.fire(&reg, 1, intake_start).unwrap();
    let mut path: Vec<Forge> = vec![f(1, intake_start)];
    path.extend(run_until(&mut st, &reg, 1, &|_, r| r == call).iter().map(|r| f(1, *r)));
    assert!(path.len() < P.batch_size, "intake reaches its call activity within one batch");
    let honest = |tail: Vec<Forge>| {
        let mut all = path.clone();
        all.extend(tail);
        satisfied(&Forger::new(P).forge(&reg, &all))
    };
    assert!(honest(vec![f(1, call)]));
    assert!(!honest(vec![Forge { partner: Some(5), ..f(1, call) }]), "child squatting id 5");
    // the child started as a fresh instance instead of from the called leaf: natively refused
    st.fire(&reg, 1, call).unwrap();
    assert!(st.clone().fire(&reg, 2, handling_start).is_ok());
    let mut fresh = State::new(P.state_depth);
    assert!(fresh.fire(&reg, 2, handling_start).is_err());
}

/// Former gap: an all-padding batch (new root = old root, nothing committed) proved once could
/// be presented as any later batch. The batch number is now a public input and the start of the
/// commitment chain.
#[test]
fn a_batch_is_bound_to_its_number() {
    let (reg, create, _) = setup();
    let empty = Forger::new(P).forge(&reg, &[]);
    assert_eq!((empty.number, empty.old_root), (1, empty.new_root));
    assert_eq!(empty.commitment, Fr::from(1u64));
    assert!(satisfied(&empty));
    let mut replayed = empty.clone();
    replayed.number = 2;
    assert!(!satisfied(&replayed), "the same padding batch as batch 2");
    replayed.commitment = Fr::from(2u64);
    assert!(satisfied(&replayed), "batch 2's own padding proof is a different statement");
    assert_ne!(replayed.public_inputs(), empty.public_inputs());
    // a real batch under another number
    let mut b = Forger::new(P).forge(&reg, &[f(1, create)]);
    assert!(satisfied(&b));
    b.number = 5;
    assert!(!satisfied(&b));
}
