//! Circuit vs native on batches walked on real BPMN models, and every kind of invalid batch.

use alstra_prover::circuit::BatchCircuit;
use alstra_prover::encoding::{status, Marking, TransitionRule};
use alstra_prover::native::{
    apply_rule, commit_step, instance_leaf, record, Batch, Instance, Params, Registry, State, Step,
};
use alstra_prover::scenario::{self, Walk};
use alstra_prover::smt::SparseMerkleTree;
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

/// Applies firings WITHOUT any validity check (what a cheating prover would claim), producing
/// a batch whose roots and commitment are consistent with the (possibly invalid) steps.
struct Forger {
    tree: SparseMerkleTree,
    inst: HashMap<u64, Instance>,
}

impl Forger {
    fn new(p: Params) -> Self {
        Forger { tree: SparseMerkleTree::new(p.state_depth), inst: HashMap::new() }
    }
    fn batch(&mut self, reg: &Registry, firings: &[(u64, usize, Option<TransitionRule>, Option<Marking>)]) -> Batch {
        let old_root = self.tree.root();
        let mut c = Fr::zero();
        let mut steps = vec![];
        for (id, ri, rule_override, marking_override) in firings {
            let rule = rule_override.clone().unwrap_or_else(|| reg.rules[*ri].clone());
            let mut before = self.inst.get(id).copied().unwrap_or(Instance {
                def_id: rule.def_id,
                marking: Marking::default(),
                status: status::NONE,
            });
            if let Some(m) = marking_override {
                before.marking = *m;
            }
            let m2 = apply_rule(&before.marking, &rule);
            let st = if m2.scopes_empty() { status::COMPLETED } else { status::RUNNING };
            steps.push(Step {
                instance_id: *id,
                before,
                state_path: self.tree.path(*id),
                rule_index: *ri as u64,
                rule: rule.clone(),
                defs_path: reg.path(*ri),
            });
            self.tree.set(*id, instance_leaf(*id, before.def_id, &m2, st));
            self.inst.insert(*id, Instance { def_id: before.def_id, marking: m2, status: st });
            c = commit_step(c, record(*id, *ri as u64));
        }
        Batch { params: P, old_root, new_root: self.tree.root(), defs_root: reg.root(), commitment: c, steps }
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
    let mut bb = alstra_prover::native::BatchBuilder::new(P, &st);
    let create = reg.rules.iter().position(|r| r.def_id == def && r.create).unwrap();
    bb.fire(&mut st, &reg, 3, create).unwrap();
    // fire whatever is enabled next, three times (the first enabled rule in element order)
    for _ in 0..3 {
        let en = scenario::enabled_rules(&st, &reg, 3);
        assert!(!en.is_empty());
        println!("firing {}", reg.rules[en[0]].label);
        bb.fire(&mut st, &reg, 3, en[0]).unwrap();
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
    let bad = Forger::new(P).batch(&reg, &[(2, create, Some(fake), None)]);
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
    c.commitment = commit_step(commit_step(Fr::zero(), record(1, en as u64)), record(1, create as u64));
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
    let mut bb = alstra_prover::native::BatchBuilder::new(P, &st);
    bb.fire(&mut st, &reg, 7, create).unwrap();
    let mut batches = vec![];
    loop {
        let en = scenario::enabled_rules(&st, &reg, 7);
        let Some(&r) = en.first() else { break };
        if bb.len() == P.batch_size {
            batches.push(bb.finish(&st, &reg));
            bb = alstra_prover::native::BatchBuilder::new(P, &st);
        }
        bb.fire(&mut st, &reg, 7, r).unwrap();
        fired.push(r);
        assert!(fired.len() < 100);
    }
    batches.push(bb.finish(&st, &reg));
    let labels: Vec<_> = fired.iter().map(|r| reg.rules[*r].label.clone()).collect();
    println!("{labels:#?}");
    assert_eq!(st.instance(7).unwrap().status, status::COMPLETED, "A.4.0 instance completes");
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
