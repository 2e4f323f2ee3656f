//! The core's engine on small models built by hand: the rules the conformance traces cannot
//! single out (each test names the rule of docs/bpm-engine.md it checks).

use alstra_bpm_core::engine::{Assignment, Decision, Engine, EngineError, EngineEvent, InstanceStatus, RuntimeDefinition};
use alstra_bpm_core::*;

const ALICE: [u8; 20] = [0xa1; 20];
const MALLORY: [u8; 20] = [0x66; 20];

/// A one-pool model builder: elements in index order, flows with their place in their scope.
struct Builder {
    m: CompiledModel,
    next_place: Vec<u8>,
}

impl Builder {
    fn new() -> Builder {
        let role = keccak256(b"Org");
        Builder {
            m: CompiledModel {
                process_key: keccak256(b"proc"),
                name: "test".into(),
                pools: vec![Pool { bpmn_id: "P".into(), name: "Org".into(), role, executable: true }],
                swimlanes: vec![],
                scopes: vec![Subprocess { bpmn_id: "proc".into(), parent_element: 0, pool: 0 }],
                elements: vec![],
                activity_flows: vec![],
                gateway_flows: vec![],
                triggers: vec![],
                variables: vec![],
                verifications: vec![],
                certificate: false,
            },
            next_place: vec![0],
        }
    }

    fn el(&mut self, id: &str, kind: ElementKind, scope: u8) -> u16 {
        self.m.elements.push(Element {
            bpmn_id: id.into(),
            name: id.into(),
            kind,
            scope,
            lane: 0,
            message_in: 0,
            message_out: Bitmap256::ZERO,
            child_scope: 0,
            called_process: [0; 32],
        });
        (self.m.elements.len() - 1) as u16
    }

    /// A sub-process element in `scope` with a new child scope; returns (element, child scope).
    fn sub(&mut self, id: &str, scope: u8) -> (u16, u8) {
        let e = self.el(id, ElementKind::SubProcess, scope);
        self.m.scopes.push(Subprocess { bpmn_id: format!("{id}-scope"), parent_element: e + 1, pool: 0 });
        self.next_place.push(0);
        let child = (self.m.scopes.len() - 1) as u8;
        self.m.elements[e as usize].child_scope = child;
        (e, child)
    }

    fn flow(&mut self, source: u16, target: u16) {
        let scope = self.m.elements[source as usize].scope as usize;
        let place = self.next_place[scope];
        self.next_place[scope] += 1;
        if self.m.elements[source as usize].kind.is_gateway() {
            self.m.gateway_flows.push(GatewaySequenceFlow {
                bpmn_id: format!("f{place}"),
                gateway: source,
                target,
                place,
                condition: vec![],
                is_default: false,
            });
        } else {
            self.m.activity_flows.push(ActivitySequenceFlow { bpmn_id: format!("f{place}"), source, target, place });
        }
    }

    fn engine(self) -> Engine {
        let mut e = Engine::new();
        e.register_participant(ALICE, [keccak256(b"Org")]);
        e.publish(RuntimeDefinition::new(&self.m));
        e
    }
}

fn fired(events: &[EngineEvent]) -> Vec<u16> {
    events
        .iter()
        .filter_map(|e| match e {
            EngineEvent::ElementFired { element, .. } => Some(*element),
            _ => None,
        })
        .collect()
}

/// start -> AND split into two tokens, both into one sub-process (child: start -> task -> end),
/// then -> end. The second token waits until the child scope is empty ("a sub-process is enabled
/// when its child scope holds nothing": re-entering a live child scope is refused).
#[test]
fn a_sub_process_is_not_entered_again_while_its_child_scope_is_live() {
    let mut b = Builder::new();
    let start = b.el("start", ElementKind::StartEvent, 0);
    let (sub, child) = b.sub("sub", 0);
    let end = b.el("end", ElementKind::EndEvent, 0);
    let split = b.el("split", ElementKind::ParallelGateway, 0);
    let s1 = b.el("s1", ElementKind::StartEvent, child);
    let task = b.el("task", ElementKind::UserTask, child);
    let e1 = b.el("e1", ElementKind::EndEvent, child);
    b.flow(start, split);
    b.flow(split, sub);
    b.flow(split, sub);
    b.flow(sub, end);
    b.flow(s1, task);
    b.flow(task, e1);
    let mut engine = b.engine();
    let (id, events) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    assert_eq!(fired(&events), vec![start, split, sub, s1]);
    assert_eq!(engine.enabled_tasks(id), vec![task]);
    // the second token still waits before the sub-process
    assert_eq!(engine.instance(id).unwrap().marking[0].bits(), vec![2]);
    let events = engine.complete_task(ALICE, id, task, &[]).unwrap();
    // the child ends, the sub-process completes (its token reaches the end event after the
    // lower-index sub-process has been entered again with the waiting token)
    assert_eq!(fired(&events), vec![task, e1, sub, s1, end]);
    assert!(events.contains(&EngineEvent::SubProcessCompleted { instance: id, element: sub, scope: child }));
    let events = engine.complete_task(ALICE, id, task, &[]).unwrap();
    assert_eq!(fired(&events), vec![task, e1, end]);
    assert_eq!(engine.instance(id).unwrap().status, InstanceStatus::Completed);
    assert_eq!(events.last(), Some(&EngineEvent::InstanceCompleted { instance: id }));
}

/// An action that fails changes nothing: not the markings, not the variables, not the events.
#[test]
fn a_refused_action_changes_nothing() {
    let mut b = Builder::new();
    let start = b.el("start", ElementKind::StartEvent, 0);
    let task = b.el("task", ElementKind::Task, 0);
    let end = b.el("end", ElementKind::EndEvent, 0);
    b.flow(start, task);
    b.flow(task, end);
    b.m.variables.push(Variable { name: "ok".into(), var_type: VariableType::Bool });
    let mut engine = b.engine();
    let (id, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    let before = engine.instance(id).unwrap().clone();
    // a Bool takes 0 or 1: the write is refused, and with it the completion
    let bad = [Assignment { index: 0, value: Int256::from(2i128) }];
    assert_eq!(
        engine.complete_task(ALICE, id, task, &bad),
        Err(EngineError::InvalidBoolValue { instance: id, index: 0, value: Int256::from(2i128) })
    );
    assert_eq!(engine.instance(id).unwrap(), &before);
    // an unregistered account holds no role
    assert_eq!(
        engine.complete_task(MALLORY, id, task, &[]),
        Err(EngineError::MissingRole { instance: id, role: keccak256(b"Org"), account: MALLORY })
    );
    assert_eq!(
        engine.complete_task(ALICE, id, end, &[]),
        Err(EngineError::NotATask { instance: id, element: end })
    );
    assert_eq!(engine.instance(id).unwrap(), &before);
    let events = engine.complete_task(ALICE, id, task, &[Assignment { index: 0, value: Int256::one() }]).unwrap();
    assert_eq!(fired(&events), vec![task, end]);
    assert_eq!(
        engine.complete_task(ALICE, id, task, &[]),
        Err(EngineError::InstanceNotActive { instance: id, status: InstanceStatus::Completed })
    );
}

/// Decision gateways ("Decisions at exclusive gateways"): the completer of the task before an
/// exclusive gateway without conditions chooses its flow; a decision flow or the default may be
/// chosen, a missing decision takes the default or is refused, an unused or invalid one is
/// refused, and a refused completion changes nothing.
#[test]
fn the_task_completer_decides_a_gateway_without_conditions() {
    let build = |with_default: bool| {
        let mut b = Builder::new();
        let start = b.el("start", ElementKind::StartEvent, 0);
        let review = b.el("review", ElementKind::UserTask, 0);
        let gw = b.el("approved?", ElementKind::ExclusiveGateway, 0);
        let yes = b.el("ship", ElementKind::Task, 0);
        let no = b.el("reject", ElementKind::Task, 0);
        let end = b.el("end", ElementKind::EndEvent, 0);
        b.flow(start, review);
        b.flow(review, gw);
        b.flow(gw, yes); // branch 0
        b.flow(gw, no); // branch 1
        b.flow(yes, end);
        b.flow(no, end);
        if with_default {
            b.m.gateway_flows[1].is_default = true;
        }
        (b.engine(), review, gw, yes, no)
    };
    let d = |gateway, branch| Decision { gateway, branch };
    let enabled = |e: &Engine, id| e.enabled_tasks(id);

    let (mut engine, review, gw, yes, no) = build(false);
    let (id, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    let before = engine.instance(id).unwrap().clone();
    // no decision, no default: refused
    assert_eq!(
        engine.complete_task(ALICE, id, review, &[]),
        Err(EngineError::DecisionRequired { instance: id, gateway: gw })
    );
    // a branch the gateway does not have
    assert_eq!(
        engine.complete_task_with_decisions(ALICE, id, review, &[], &[d(gw, 2)]),
        Err(EngineError::InvalidDecision { instance: id, gateway: gw, branch: 2 })
    );
    // a decision for an element the advance does not reach (here: not a gateway at all)
    assert_eq!(
        engine.complete_task_with_decisions(ALICE, id, review, &[], &[d(gw, 1), d(yes, 0)]),
        Err(EngineError::DecisionNotUsed { instance: id, gateway: yes })
    );
    assert_eq!(engine.instance(id).unwrap(), &before);
    // "no": the gateway fires with the completer as actor and the second flow's place
    let events = engine.complete_task_with_decisions(ALICE, id, review, &[], &[d(gw, 1)]).unwrap();
    assert_eq!(fired(&events), vec![review, gw]);
    let chosen = events.iter().find_map(|e| match e {
        EngineEvent::ElementFired { element, actor, produced, .. } if *element == gw => Some((*actor, *produced)),
        _ => None,
    });
    assert_eq!(chosen, Some((ALICE, Bitmap256::bit(3))));
    assert_eq!(enabled(&engine, id), vec![no]);

    // with a default flow: no decision takes it, a decision for the default is allowed too
    let (mut engine, review, _, yes, no) = build(true);
    let (a, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    engine.complete_task(ALICE, a, review, &[]).unwrap();
    assert_eq!(enabled(&engine, a), vec![no]);
    let (b, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    engine.complete_task_with_decisions(ALICE, b, review, &[], &[d(gw, 0)]).unwrap();
    assert_eq!(enabled(&engine, b), vec![yes]);
    let (c, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    engine.complete_task_with_decisions(ALICE, c, review, &[], &[d(gw, 1)]).unwrap();
    assert_eq!(enabled(&engine, c), vec![no]);
}

/// Versions (spec 5.20): a deprecated version starts no instance (the registry's
/// `DefinitionIsDeprecated`), its running instances go on, and reinstated it starts again.
#[test]
fn a_deprecated_version_starts_nothing_and_its_instances_go_on() {
    let mut b = Builder::new();
    let start = b.el("start", ElementKind::StartEvent, 0);
    let task = b.el("task", ElementKind::Task, 0);
    let end = b.el("end", ElementKind::EndEvent, 0);
    b.flow(start, task);
    b.flow(task, end);
    let mut engine = b.engine();
    let (running, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    engine.set_deprecated(1, true);
    assert_eq!(engine.start_instance(ALICE, 1, &[], &[]), Err(EngineError::DefinitionIsDeprecated { definition: 1 }));
    engine.complete_task(ALICE, running, task, &[]).unwrap();
    assert_eq!(engine.instance(running).unwrap().status, InstanceStatus::Completed);
    engine.set_deprecated(1, false);
    assert!(engine.start_instance(ALICE, 1, &[], &[]).is_ok());
}

/// A conditional flow cannot be chosen by a decision: conditions stay the model's rule.
#[test]
fn a_decision_cannot_choose_a_conditional_flow() {
    let mut b = Builder::new();
    let start = b.el("start", ElementKind::StartEvent, 0);
    let review = b.el("review", ElementKind::UserTask, 0);
    let gw = b.el("gw", ElementKind::ExclusiveGateway, 0);
    let x = b.el("x", ElementKind::Task, 0);
    let y = b.el("y", ElementKind::Task, 0);
    let z = b.el("z", ElementKind::Task, 0);
    b.flow(start, review);
    b.flow(review, gw);
    b.flow(gw, x); // branch 0: condition `true` (OP_TRUE)
    b.flow(gw, y); // branch 1: a decision flow
    b.flow(gw, z); // branch 2: a decision flow
    b.m.gateway_flows[0].condition = vec![alstra_bpm_core::condition::OP_TRUE];
    let mut engine = b.engine();
    let (id, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    assert_eq!(
        engine.complete_task_with_decisions(ALICE, id, review, &[], &[Decision { gateway: gw, branch: 0 }]),
        Err(EngineError::InvalidDecision { instance: id, gateway: gw, branch: 0 })
    );
    // without a decision the condition holds and wins
    engine.complete_task(ALICE, id, review, &[]).unwrap();
    assert_eq!(engine.enabled_tasks(id), vec![x]);
    let _ = (y, z);
}

/// A nested terminate end event clears its scope (the parallel token in the child dies) and
/// completes the sub-process; a top-level one ends the instance.
#[test]
fn terminate_clears_its_scope_and_completes_the_sub_process() {
    let mut b = Builder::new();
    let start = b.el("start", ElementKind::StartEvent, 0);
    let (sub, child) = b.sub("sub", 0);
    let end = b.el("end", ElementKind::EndEvent, 0);
    let s1 = b.el("s1", ElementKind::StartEvent, child);
    let a = b.el("a", ElementKind::Task, child);
    let t = b.el("t", ElementKind::Task, child);
    let kill = b.el("kill", ElementKind::TerminateEndEvent, child);
    let e1 = b.el("e1", ElementKind::EndEvent, child);
    let split = b.el("split", ElementKind::ParallelGateway, child);
    b.flow(start, sub);
    b.flow(sub, end);
    b.flow(s1, split);
    b.flow(split, a);
    b.flow(split, t);
    b.flow(a, e1);
    b.flow(t, kill);
    let mut engine = b.engine();
    let (id, _) = engine.start_instance(ALICE, 1, &[], &[]).unwrap();
    assert_eq!(engine.enabled_tasks(id), vec![a, t]);
    let events = engine.complete_task(ALICE, id, t, &[]).unwrap();
    assert_eq!(fired(&events), vec![t, kill, end]);
    assert!(events.contains(&EngineEvent::SubProcessCompleted { instance: id, element: sub, scope: child }));
    assert_eq!(engine.instance(id).unwrap().status, InstanceStatus::Completed);
}

/// `CompiledModel::check_references`: the runtime's guard before deriving tables from a model
/// that arrives from a contract (the rollup precompile).
#[test]
fn check_references_names_the_dangling_record() {
    let mut b = Builder::new();
    let s = b.el("start", ElementKind::StartEvent, 0);
    let t = b.el("task", ElementKind::Task, 0);
    let e = b.el("end", ElementKind::EndEvent, 0);
    b.flow(s, t);
    b.flow(t, e);
    assert_eq!(b.m.check_references(), Ok(()));
    let mut m = b.m.clone();
    m.activity_flows[1].target = 3;
    assert_eq!(m.check_references(), Err("activity sequence flow 1 refers to a missing record".into()));
    let mut m = b.m.clone();
    m.elements[2].scope = 1;
    assert_eq!(m.check_references(), Err("element 2 refers to a missing record".into()));
    let mut m = b.m.clone();
    m.elements[1].lane = 1;
    assert_eq!(m.check_references(), Err("element 1 refers to a missing record".into()));
    let mut m = b.m.clone();
    m.scopes[0].pool = 1;
    assert_eq!(m.check_references(), Err("scope 0 refers to a missing record".into()));
    let mut m = b.m.clone();
    m.elements.clear();
    m.activity_flows.clear();
    assert!(m.check_references().is_err());
}

/// The codes the rollup pallet stores rules with go back to the same steps and partners.
#[test]
fn rule_step_and_partner_codes_round_trip() {
    use alstra_bpm_core::proof::encoding::{Partner, RuleStep};
    for step in [RuleStep::Start, RuleStep::Fire, RuleStep::Enter, RuleStep::Complete, RuleStep::Call, RuleStep::Return, RuleStep::Deliver(7)] {
        let (code, flow) = step.code();
        assert_eq!(RuleStep::from_code(code, flow), Some(step));
    }
    assert_eq!(RuleStep::from_code(7, 0), None);
    for p in [Partner::None, Partner::Call, Partner::Return] {
        assert_eq!(Partner::from_code(p.code()), Some(p));
    }
    assert_eq!(Partner::from_code(3), None);
}

/// A definitions tree rebuilt from rules read back (`Registry::push_rule`, what the prover does
/// with the rollup pallet's `RuleRecord`s) has the root of the one that compiled them.
#[test]
fn a_registry_rebuilt_from_its_rules_has_the_same_root() {
    use alstra_bpm_core::proof::state::Registry;
    let mut b = Builder::new();
    let s = b.el("start", ElementKind::StartEvent, 0);
    let t = b.el("task", ElementKind::Task, 0);
    let e = b.el("end", ElementKind::EndEvent, 0);
    b.flow(s, t);
    b.flow(t, e);
    let mut compiled = Registry::new(4);
    compiled.register(&b.m).unwrap();
    compiled.register(&b.m).unwrap();
    let mut rebuilt = Registry::new(4);
    for r in &compiled.rules {
        rebuilt.push_rule(r.clone()).unwrap();
    }
    assert_eq!(rebuilt.root(), compiled.root());
    // the tree is full at 2^depth rules
    let mut tiny = Registry::new(1);
    tiny.push_rule(compiled.rules[0].clone()).unwrap();
    tiny.push_rule(compiled.rules[1].clone()).unwrap();
    assert!(tiny.push_rule(compiled.rules[2].clone()).is_err());
}
