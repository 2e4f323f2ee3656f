//! Task verification (docs/bpm-engine.md, "Task verification"): the compiler's declarations and
//! refusals, and the core engine's submit / approve / reject rule on compiled models.

use alstra_bpm_core::engine::{Assignment, Decision, Engine, EngineError, EngineEvent, InstanceStatus, RuntimeDefinition};
use alstra_bpm_core::Int256;
use alstra_bpmn::*;

const NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";

/// One process `P` with lanes Clerk (everything but `M`) and Manager (`M`, when present).
fn process(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bpmn:definitions xmlns:bpmn=\"{NS}\" xmlns:alstra=\"{ALSTRA_NS}\" xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" xmlns:zeebe=\"http://camunda.org/schema/zeebe/1.0\" id=\"D\">\n<bpmn:process id=\"P\" isExecutable=\"true\">\n<bpmn:laneSet><bpmn:lane id=\"L1\" name=\"Clerk\"><bpmn:flowNodeRef>S</bpmn:flowNodeRef><bpmn:flowNodeRef>A</bpmn:flowNodeRef><bpmn:flowNodeRef>G</bpmn:flowNodeRef><bpmn:flowNodeRef>E</bpmn:flowNodeRef></bpmn:lane><bpmn:lane id=\"L2\" name=\"Manager\"><bpmn:flowNodeRef>M</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>\n{body}\n</bpmn:process>\n</bpmn:definitions>\n"
    )
}

/// `S -> A -> E` with `A` a user task carrying `attrs` and `inner`.
fn one_task(attrs: &str, inner: &str) -> String {
    process(&format!(
        "<bpmn:startEvent id=\"S\"/>\n<bpmn:userTask id=\"A\" name=\"Record\" {attrs}>{inner}</bpmn:userTask>\n<bpmn:endEvent id=\"E\"/>\n<bpmn:sequenceFlow id=\"f1\" sourceRef=\"S\" targetRef=\"A\"/><bpmn:sequenceFlow id=\"f2\" sourceRef=\"A\" targetRef=\"E\"/>"
    ))
}

fn refused(xml: &str, id: &str, ty: &str, reason: &str) {
    let e = compile(xml).map(|m| m.summary()).expect_err("compiled");
    assert_eq!((e.element_id.as_deref(), e.element_type.as_deref()), (Some(id), Some(ty)), "{e}");
    assert!(e.reason.contains(reason), "`{e}` does not contain `{reason}`");
}

#[test]
fn declarations_by_attribute_and_by_extension_property() {
    let attr = compile(&one_task("alstra:verifier=\" Internal  audit \" alstra:evidence=\"required\"", "")).unwrap();
    assert_eq!(attr.verifications.len(), 1);
    let v = &attr.verifications[0];
    assert_eq!((v.element as usize, v.verifier_name.as_str(), v.evidence_required), (attr.element_index("A").unwrap(), "Internal audit", true));
    assert_eq!(v.verifier_role, keccak256(b"Internal audit"));
    for props in [
        "<bpmn:extensionElements><camunda:properties><camunda:property name=\"alstra:verifier\" value=\"Audit\"/></camunda:properties></bpmn:extensionElements>",
        "<bpmn:extensionElements><zeebe:properties><zeebe:property name=\"alstra:verifier\" value=\"Audit\"/></zeebe:properties></bpmn:extensionElements>",
    ] {
        let m = compile(&one_task("", props)).unwrap();
        assert_eq!(m.verifications.len(), 1, "{props}");
        assert_eq!((m.verifications[0].verifier_role, m.verifications[0].evidence_required), (keccak256(b"Audit"), false));
    }
    assert!(compile(&one_task("", "")).unwrap().verifications.is_empty());
    // an explicit "none"
    assert!(!compile(&one_task("alstra:verifier=\"Audit\" alstra:evidence=\"none\"", "")).unwrap().verifications[0].evidence_required);
}

#[test]
fn reward_rules_on_verified_tasks() {
    let m = compile(&one_task("alstra:verifier=\"Audit\" alstra:reward=\" 12 \"", "")).unwrap();
    assert_eq!(m.verifications[0].reward, 12);
    let prop = "<bpmn:extensionElements><camunda:properties><camunda:property name=\"alstra:verifier\" value=\"Audit\"/><camunda:property name=\"alstra:reward\" value=\"1000000000\"/></camunda:properties></bpmn:extensionElements>";
    assert_eq!(compile(&one_task("", prop)).unwrap().verifications[0].reward, MAX_REWARD_UNITS);
    assert_eq!(compile(&one_task("alstra:verifier=\"Audit\"", "")).unwrap().verifications[0].reward, 0, "no rule: no reward");
    // only verified work is rewarded, in whole units within the bound
    refused(&one_task("alstra:reward=\"5\"", ""), "A", "userTask", "alstra:reward needs alstra:verifier");
    for bad in ["0", "-3", "2.5", "ten", "1000000001", ""] {
        refused(&one_task(&format!("alstra:verifier=\"Audit\" alstra:reward=\"{bad}\""), ""), "A", "userTask", &format!("alstra:reward is \"{bad}\""));
    }
    let on_end = process("<bpmn:startEvent id=\"S\"/><bpmn:endEvent id=\"E\" alstra:reward=\"1\"/><bpmn:sequenceFlow id=\"f1\" sourceRef=\"S\" targetRef=\"E\"/>");
    refused(&on_end, "E", "endEvent", "only tasks completed by a person");
}

#[test]
fn a_certificate_is_asked_on_the_executable_process() {
    let with = |attrs: &str| one_task("", "").replace("isExecutable=\"true\">", &format!("isExecutable=\"true\" {attrs}>"));
    assert!(compile(&with("alstra:certificate=\"true\"")).unwrap().certificate);
    assert!(!compile(&with("alstra:certificate=\"false\"")).unwrap().certificate);
    assert!(!compile(&one_task("", "")).unwrap().certificate, "not asked: none");
    let prop = "<bpmn:extensionElements><camunda:properties><camunda:property name=\"alstra:certificate\" value=\"true\"/></camunda:properties></bpmn:extensionElements>";
    assert!(compile(&one_task("", "").replace("isExecutable=\"true\">", &format!("isExecutable=\"true\">{prop}"))).unwrap().certificate);
    refused(&with("alstra:certificate=\"sometimes\""), "P", "process", "alstra:certificate is \"sometimes\"");
    refused(&one_task("alstra:certificate=\"true\"", ""), "A", "userTask", "alstra:certificate on a userTask: declare it on the executable process");
}

#[test]
fn every_copy_of_a_multi_instance_task_is_verified() {
    let mi = "<bpmn:multiInstanceLoopCharacteristics isSequential=\"true\"><bpmn:loopCardinality>2</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>";
    let m = compile(&one_task("alstra:verifier=\"Audit\"", mi)).unwrap();
    let verified: Vec<&str> = m.verifications.iter().map(|v| m.elements[v.element as usize].bpmn_id.as_str()).collect();
    assert_eq!(verified, ["A#1", "A#2"]);
}

#[test]
fn refusals_name_the_element() {
    // the task's own role: no second pair of eyes
    refused(&one_task("alstra:verifier=\"Clerk\"", ""), "A", "userTask", "the task's own performer role");
    refused(&one_task("alstra:verifier=\"  \"", ""), "A", "userTask", "alstra:verifier is empty");
    refused(&one_task("alstra:evidence=\"required\"", ""), "A", "userTask", "needs alstra:verifier");
    refused(&one_task("alstra:verifier=\"Audit\" alstra:evidence=\"maybe\"", ""), "A", "userTask", "alstra:evidence is \"maybe\"");
    // not a task completed by a person
    let on_event = process("<bpmn:startEvent id=\"S\" alstra:verifier=\"Audit\"/><bpmn:userTask id=\"A\"/><bpmn:sequenceFlow id=\"f1\" sourceRef=\"S\" targetRef=\"A\"/>");
    refused(&on_event, "S", "startEvent", "only tasks completed by a person");
    let on_gateway = process("<bpmn:startEvent id=\"S\"/><bpmn:parallelGateway id=\"G\"><bpmn:extensionElements><camunda:properties><camunda:property name=\"alstra:verifier\" value=\"Audit\"/></camunda:properties></bpmn:extensionElements></bpmn:parallelGateway><bpmn:userTask id=\"A\"/><bpmn:sequenceFlow id=\"f1\" sourceRef=\"S\" targetRef=\"G\"/><bpmn:sequenceFlow id=\"f2\" sourceRef=\"G\" targetRef=\"A\"/>");
    refused(&on_gateway, "G", "parallelGateway", "only tasks completed by a person");
}

// ------------------------------------------------------------------ the core engine's rule

const CLERK: [u8; 20] = [0xc1; 20];
const CLERK2: [u8; 20] = [0xc2; 20];
const MANAGER: [u8; 20] = [0x77; 20];
const CONTROLLER: [u8; 20] = [0xcc; 20];

fn invoice_model() -> CompiledModel {
    compile_file(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/alstranet/invoice-verification.bpmn")).unwrap()
}

/// The invoice model published, the four accounts registered and instance 1 started by the
/// clerk with every role bound.
fn started(m: &CompiledModel) -> Engine {
    let mut e = Engine::new();
    let (clerk, manager, controller) = (keccak256(b"Clerk"), keccak256(b"Manager"), keccak256(b"Controller"));
    e.register_participant(CLERK, [clerk, controller]); // may verify others' work, never its own
    e.register_participant(CLERK2, [clerk]);
    e.register_participant(MANAGER, [manager]);
    e.register_participant(CONTROLLER, [controller]);
    e.publish(RuntimeDefinition::new(m));
    let binds = [(clerk, CLERK2), (manager, MANAGER), (controller, CONTROLLER), (controller, CLERK)];
    e.start_instance(CLERK, 1, &binds, &[]).unwrap();
    e
}

fn amount(m: &CompiledModel, v: i128) -> Vec<Assignment> {
    vec![Assignment { index: m.variable_index("amount").unwrap() as u8, value: Int256::from(v) }]
}

#[test]
fn a_submission_completes_only_when_a_verifier_approves_it() {
    let m = invoice_model();
    let mut e = started(&m);
    let at = |id: &str| m.element_index(id).unwrap() as u16;
    let (record, pay) = (at("RecordInvoice"), at("PayInvoice"));
    let controller = keccak256(b"Controller");
    // completeTask is refused: the task needs verification
    assert_eq!(
        e.complete_task(CLERK, 1, record, &amount(&m, 500)),
        Err(EngineError::VerificationRequired { instance: 1, element: record, verifier_role: controller })
    );
    // evidence is required; then a submission moves no token
    assert_eq!(e.submit_task(CLERK, 1, record, &amount(&m, 500), &[], [0; 32]), Err(EngineError::EvidenceRequired { instance: 1, element: record }));
    let doc = [0xd0; 32];
    let ev = e.submit_task(CLERK, 1, record, &amount(&m, 500), &[], doc).unwrap();
    assert_eq!(ev, [EngineEvent::TaskSubmitted { instance: 1, element: record, performer: CLERK, evidence: doc }]);
    assert_eq!(e.enabled_tasks(1), [record]);
    assert!(e.instance(1).unwrap().variables.is_empty(), "nothing written before approval");
    // one submission at a time, even from another clerk
    assert_eq!(
        e.submit_task(CLERK2, 1, record, &[], &[], doc),
        Err(EngineError::SubmissionPending { instance: 1, element: record, performer: CLERK })
    );
    // four eyes: the performer holds the verifier role too, and still may not approve
    assert_eq!(e.approve_task(CLERK, 1, record), Err(EngineError::VerifierIsPerformer { instance: 1, element: record, account: CLERK }));
    assert_eq!(
        e.approve_task(MANAGER, 1, record),
        Err(EngineError::MissingRole { instance: 1, role: controller, account: MANAGER })
    );
    // rejected: dropped, the token still waits at the task
    let ev = e.reject_task(CONTROLLER, 1, record, "the amount does not match the scan").unwrap();
    assert_eq!(
        ev,
        [EngineEvent::TaskRejected { instance: 1, element: record, verifier: CONTROLLER, performer: CLERK, reason: "the amount does not match the scan".into() }]
    );
    assert!(e.submission(1, record).is_none());
    assert_eq!(e.approve_task(CONTROLLER, 1, record), Err(EngineError::NoSubmission { instance: 1, element: record }));
    assert_eq!(e.enabled_tasks(1), [record]);
    // resubmitted by the other clerk, approved by the first (who holds Controller)
    e.submit_task(CLERK2, 1, record, &amount(&m, 800), &[], doc).unwrap();
    let ev = e.approve_task(CLERK, 1, record).unwrap();
    assert_eq!(ev[0], EngineEvent::TaskApproved { instance: 1, element: record, verifier: CLERK, performer: CLERK2, reward: 5 });
    // the completion is the performer's: its writes and its firing
    assert!(matches!(ev[1], EngineEvent::VariableSet { actor: CLERK2, .. }));
    assert!(ev.iter().any(|x| matches!(x, EngineEvent::ElementFired { element, actor: CLERK2, .. } if *element == record)));
    assert_eq!(e.enabled_tasks(1), [pay], "500 <= 10000: straight to payment");
    // a task without verifier is refused by the verification calls
    assert_eq!(e.submit_task(CLERK, 1, pay, &[], &[], doc), Err(EngineError::TaskNotVerified { instance: 1, element: pay }));
    e.complete_task(CLERK, 1, pay, &[]).unwrap();
    assert_eq!(e.instance(1).unwrap().status, InstanceStatus::Completed);
}

#[test]
fn a_decision_is_submitted_with_the_work_and_taken_at_approval() {
    let m = invoice_model();
    let mut e = started(&m);
    let at = |id: &str| m.element_index(id).unwrap() as u16;
    e.submit_task(CLERK, 1, at("RecordInvoice"), &amount(&m, 25_000), &[], [1; 32]).unwrap();
    e.approve_task(CONTROLLER, 1, at("RecordInvoice")).unwrap();
    assert_eq!(e.enabled_tasks(1), [at("ApprovePayment")], "above 10000: the manager approves");
    // "no" is branch 1 of Approved? (flows Yes, No in model order); no evidence needed here
    let no = [Decision { gateway: at("Approved"), branch: 1 }];
    e.submit_task(MANAGER, 1, at("ApprovePayment"), &[], &no, [0; 32]).unwrap();
    let ev = e.approve_task(CONTROLLER, 1, at("ApprovePayment")).unwrap();
    // the gateway's firing records the manager's decision
    assert!(ev.iter().any(|x| matches!(x, EngineEvent::ElementFired { element, actor: MANAGER, .. } if *element == at("Approved"))));
    assert_eq!(e.instance(1).unwrap().status, InstanceStatus::Completed, "refused: the process ends");
    // a submission whose decision is missing fails at approval and can be rejected
    let mut e = started(&m);
    e.submit_task(CLERK, 1, at("RecordInvoice"), &amount(&m, 25_000), &[], [1; 32]).unwrap();
    e.approve_task(CONTROLLER, 1, at("RecordInvoice")).unwrap();
    e.submit_task(MANAGER, 1, at("ApprovePayment"), &[], &[], [0; 32]).unwrap();
    assert_eq!(e.approve_task(CONTROLLER, 1, at("ApprovePayment")), Err(EngineError::DecisionRequired { instance: 1, gateway: at("Approved") }));
    assert!(e.submission(1, at("ApprovePayment")).is_some(), "a failed approval changes nothing");
    e.reject_task(CONTROLLER, 1, at("ApprovePayment"), "decide yes or no").unwrap();
    // outputs are checked at submission
    assert_eq!(
        e.submit_task(MANAGER, 1, at("ApprovePayment"), &[Assignment { index: 9, value: Int256::ZERO }], &[], [0; 32]),
        Err(EngineError::UnknownVariable { instance: 1, index: 9 })
    );
}
