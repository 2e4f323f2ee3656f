//! Every model of tests/data (copied from /work/shared/bpmn with its licence files) has an
//! expected outcome: compiled with exact counts (read off the XML), or refused naming the
//! expected element. The test prints a table `model -> outcome` on stderr (not captured).

use alstra_bpmn::{compile_file, keccak256, CompiledModel, ElementKind, TaskVerification, VariableType};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug)]
enum Expect {
    Compiled {
        elements: usize,
        sequence_flows: usize,
        gateways: usize,
        scopes: usize,
        pools: usize,
        lanes: usize,
        message_flows: usize,
        variables: usize,
    },
    Refused {
        element_id: &'static str,
        element_type: &'static str,
        reason: &'static str,
    },
}

use Expect::*;

#[allow(clippy::too_many_arguments)]
const fn ok(
    elements: usize,
    sequence_flows: usize,
    gateways: usize,
    scopes: usize,
    pools: usize,
    lanes: usize,
    message_flows: usize,
    variables: usize,
) -> Expect {
    Compiled {
        elements,
        sequence_flows,
        gateways,
        scopes,
        pools,
        lanes,
        message_flows,
        variables,
    }
}

const fn refused(
    element_id: &'static str,
    element_type: &'static str,
    reason: &'static str,
) -> Expect {
    Refused {
        element_id,
        element_type,
        reason,
    }
}

/// Expected outcomes, by path under tests/data. Counts were read off the XML:
/// elements = flow nodes of the executable pools (sub-process content included).
fn expectations() -> Vec<(&'static str, Expect)> {
    vec![
        // AlstraNet's own models (written for the conformance traces): a sub-process with a
        // parallel split and a nested terminate, a send task and a message start event in a
        // second executable pool (3 scopes: the two pools' processes and the sub-process)
        ("alstranet/claim-handling.bpmn", ok(15, 12, 2, 3, 2, 0, 1, 1)),
        // a call activity of ClaimHandling between two tasks of the lane Front office
        ("alstranet/claim-intake.bpmn", ok(5, 4, 0, 1, 1, 1, 0, 0)),
        // a send task to a black-box supplier, an event-based gateway between two external
        // messages, an exclusive gateway on `amount > 1000`, an approval (`approved`), a
        // terminate end event; lanes Purchasing and Management
        ("alstranet/purchase-quote.bpmn", ok(12, 12, 3, 1, 2, 2, 3, 2)),
        // 3 user tasks (two verified by Controller), start, 2 ends, 2 exclusive gateways;
        // lanes Clerk and Manager; `amount`
        ("alstranet/invoice-verification.bpmn", ok(8, 8, 2, 1, 1, 2, 0, 1)),
        // 3 user tasks, start, end, 2 exclusive gateways; `accepted` / `!accepted`; no lane,
        // performers "@ Invoicer @" (2 tasks) and "@ Invoicee @": 2 performer swimlanes
        ("caterpillar/invoicing.bpmn", ok(7, 7, 2, 1, 1, 2, 0, 1)),
        (
            "caterpillar/order_to_cash.bpmn",
            refused("Task_05rkc4g", "callActivity", "without calledElement"),
        ),
        // 2 user, 2 service, 1 script task; start, 2 message ends, 1 message throw; 2 XOR + 2 AND;
        // no lane, no `@ Role @` annotation
        (
            "caterpillar/running_example.bpmn",
            ok(13, 14, 4, 1, 1, 0, 0, 1),
        ),
        // a parallel multi-instance sub-process (loopCardinality 2) unrolled: 2 copies of it and
        // of its start, task and end, a split and a join; 4 flows + 2 per copy inside + 4 to
        // and from the copies; scopes: the process and the 2 copies; performers "@ Supplier @",
        // "@ Candidate @" (both copies' tasks), "@ Carrier @"
        ("caterpillar/shipment.bpmn", ok(14, 12, 2, 3, 1, 3, 0, 0)),
        (
            "chorpiler/incident-management.bpmn",
            refused(
                "Choreography_1bp5o6k",
                "choreography",
                "choreographies are not supported",
            ),
        ),
        (
            "chorpiler/supply-chain.bpmn",
            refused(
                "SupplyChain",
                "choreography",
                "choreographies are not supported",
            ),
        ),
        // start, 3 tasks, end
        ("miwg-reference/A.1.0.bpmn", ok(5, 4, 0, 1, 1, 0, 0, 0)),
        // the split gateway has 3 outgoing flows and no condition at all: a decision gateway;
        // start, 4 tasks, split and merge, end
        ("miwg-reference/A.2.0.bpmn", ok(8, 9, 2, 1, 1, 0, 0, 0)),
        // Task 2 leaves by a conditional flow (`true`) or its default, Task 4 by a flow with an
        // empty condition (a decision) or its default: each gets a split gateway after it;
        // start, 4 tasks, the split and merge gateways, end + 2 split gateways; 11 flows + 2
        ("miwg-reference/A.2.1.bpmn", ok(10, 13, 4, 1, 1, 0, 0, 0)),
        (
            "miwg-reference/A.3.0.bpmn",
            refused(
                "_428dcbf5-8e5e-48e0-9c0c-d93003fa8c82",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        // pool 1 (participant) + WFP-6-2 (process without participant): 6 tasks, 2 sub-processes,
        // 4 starts, 5 ends; 2 processes + 2 sub-processes; lanes 1 and 2; 2 task-to-task messages
        ("miwg-reference/A.4.0.bpmn", ok(17, 13, 0, 4, 2, 2, 2, 0)),
        // same shape as A.4.0 with 2 participants and 3 lanes (Signavio, default namespace)
        ("miwg-reference/A.4.1.bpmn", ok(17, 13, 0, 4, 2, 3, 2, 0)),
        (
            "miwg-reference/B.1.0.bpmn",
            refused(
                "_e314751e-5c3a-41f2-a1ae-4cb99efa0916",
                "startEvent",
                "timer events are not supported",
            ),
        ),
        (
            "miwg-reference/B.2.0.bpmn",
            refused(
                "_708d55c8-684a-4e3b-a69d-69c620cd0ac0",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        (
            "miwg-reference/C.1.0.bpmn",
            refused(
                "sid-0E349B8B-14A7-4565-988A-38F3A9B624D2",
                "intermediateCatchEvent",
                "timer events are not supported",
            ),
        ),
        // 4 user tasks + 1 service task, start, 2 ends, 2 XOR; getDataObject('approved'/'clarified');
        // no lane, the user tasks' potentialOwners name 3 resources: 3 performer swimlanes
        ("miwg-reference/C.1.1.bpmn", ok(10, 10, 2, 1, 1, 3, 0, 3)),
        (
            "miwg-reference/C.2.0.bpmn",
            refused(
                "_7ea6639e-e773-4236-94bf-78f149188c30",
                "endEvent",
                "error events are not supported",
            ),
        ),
        (
            "miwg-reference/C.3.0.bpmn",
            refused(
                "Bpmn_BoundaryEvent_sS9gABqGEeWDuOtG0oS24A",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        (
            "miwg-reference/C.4.0.bpmn",
            refused(
                "_855451b0-5298-48b2-a81d-84ecbcca0a85",
                "intermediateThrowEvent",
                "signal events are not supported",
            ),
        ),
        (
            "miwg-reference/C.5.0.bpmn",
            refused(
                "_8055ae64-cafd-4fd0-be36-2216e3b02e37",
                "endEvent",
                "signal events are not supported",
            ),
        ),
        (
            "miwg-reference/C.6.0.bpmn",
            refused(
                "_87baeef0-f32e-4a93-b802-fdd588aaf729",
                "intermediateCatchEvent",
                "timer events are not supported",
            ),
        ),
        (
            "miwg-reference/C.7.0.bpmn",
            refused(
                "_a36ddf2f-23c1-46c5-86d4-bd2a0eb42535",
                "serviceTask",
                "multi-instance activity needs a loopCardinality",
            ),
        ),
        (
            "miwg-reference/C.8.0.bpmn",
            refused(
                "_f8fcb377-3d7d-4138-9a7e-6ab58b97e29d",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        (
            "miwg-reference/C.8.1.bpmn",
            refused(
                "_f8fcb377-3d7d-4138-9a7e-6ab58b97e29d",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        (
            "miwg-reference/C.9.0.bpmn",
            refused(
                "Activity_1ke2ixr",
                "subProcess",
                "event sub-processes are not supported",
            ),
        ),
        (
            "miwg-reference/C.9.1.bpmn",
            refused(
                "BoundaryEvent_1",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
        (
            "miwg-reference/C.9.2.bpmn",
            refused(
                "TimerEvent_Timeout",
                "boundaryEvent",
                "boundary events are not supported",
            ),
        ),
    ]
}

fn data_dir() -> PathBuf {
    // Read at run time, not with env!(): the shared target dir may hold this test binary from
    // another checkout, and cargo does not rebuild it for a new manifest path.
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("tests/data")
}

fn all_models() -> Vec<String> {
    let mut out = Vec::new();
    let root = data_dir();
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for d in dirs.into_iter().filter(|d| d.is_dir()) {
        let mut files: Vec<_> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files {
            if f.extension().is_some_and(|e| e == "bpmn") {
                out.push(
                    f.strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
        // every folder keeps its licence file(s)
        let has_licence = std::fs::read_dir(&d).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("LICENSE")
        });
        assert!(has_licence, "{} has no LICENSE file", d.display());
    }
    out
}

fn counts(m: &CompiledModel) -> String {
    let s = m.summary();
    format!(
        "compiled: {} elements ({} gateways), {} sequence flows, {} scopes (places {:?}), {} pools, {} lanes, {} message flows, {} variables",
        s.elements, s.gateways, s.sequence_flows, s.scopes, s.places_per_scope, s.pools, s.swimlanes, s.message_flows, s.variables
    )
}

#[test]
fn every_model_has_the_expected_outcome() {
    let expectations = expectations();
    let models = all_models();
    let mut failures = Vec::new();
    let mut table = String::from("\nmodel -> outcome\n");
    for m in &models {
        let result = compile_file(data_dir().join(m));
        let line = match &result {
            Ok(model) => counts(model),
            Err(e) => format!("refused: {e}"),
        };
        table.push_str(&format!("{m:38} -> {line}\n"));
        let Some((_, want)) = expectations.iter().find(|(p, _)| p == m) else {
            failures.push(format!(
                "{m}: no expectation written for this model ({line})"
            ));
            continue;
        };
        match (want, &result) {
            (
                Compiled {
                    elements,
                    sequence_flows,
                    gateways,
                    scopes,
                    pools,
                    lanes,
                    message_flows,
                    variables,
                },
                Ok(model),
            ) => {
                let s = model.summary();
                let got = (
                    s.elements,
                    s.sequence_flows,
                    s.gateways,
                    s.scopes,
                    s.pools,
                    s.swimlanes,
                    s.message_flows,
                    s.variables,
                );
                let exp = (
                    *elements,
                    *sequence_flows,
                    *gateways,
                    *scopes,
                    *pools,
                    *lanes,
                    *message_flows,
                    *variables,
                );
                if got != exp {
                    failures.push(format!("{m}: counts {got:?}, expected {exp:?}"));
                }
            }
            (
                Refused {
                    element_id,
                    element_type,
                    reason,
                },
                Err(e),
            ) => {
                if e.element_id.as_deref() != Some(*element_id)
                    || e.element_type.as_deref() != Some(*element_type)
                    || !e.reason.contains(reason)
                    || e.line.is_none()
                {
                    failures.push(format!(
                        "{m}: refused with `{e}`, expected {element_type} {element_id}: {reason}"
                    ));
                }
            }
            (want, _) => failures.push(format!("{m}: {line}, expected {want:?}")),
        }
    }
    for (p, _) in &expectations {
        if !models.iter().any(|m| m == p) {
            failures.push(format!("{p}: expected model is missing from tests/data"));
        }
    }
    // Printed directly on stderr so that it shows in a normal `cargo test` run.
    let _ = std::io::stderr().write_all(table.as_bytes());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn invoice_verification_details() {
    let m = compile_file(data_dir().join("alstranet/invoice-verification.bpmn")).unwrap();
    let at = |id: &str| m.element_index(id).unwrap() as u16;
    // the attribute form (with evidence) and the Camunda extension property form
    assert_eq!(
        m.verifications,
        vec![
            TaskVerification {
                element: at("RecordInvoice"),
                verifier_name: "Controller".into(),
                verifier_role: keccak256(b"Controller"),
                evidence_required: true,
                reward: 5,
            },
            TaskVerification {
                element: at("ApprovePayment"),
                verifier_name: "Controller".into(),
                verifier_role: keccak256(b"Controller"),
                evidence_required: false,
                reward: 3,
            },
        ]
    );
    assert!(!m.verifications.iter().any(|v| v.element == at("PayInvoice")));
    assert!(m.certificate, "alstra:certificate on the process");
}

#[test]
fn invoicing_details() {
    let m = compile_file(data_dir().join("caterpillar/invoicing.bpmn")).unwrap();
    assert_eq!(m.process_key, alstra_bpmn::keccak256(b"Invoice_Handling"));
    assert_eq!(m.name, "Invoice_Handling");
    assert_eq!(m.pools.len(), 1);
    assert_eq!(m.pools[0].bpmn_id, "Invoice_Handling");
    assert_eq!(m.pools[0].role, alstra_bpmn::keccak256(b"Invoice_Handling"));
    assert!(m.pools[0].executable);
    assert_eq!(m.variables.len(), 1);
    assert_eq!(m.variables[0].name, "accepted");
    assert_eq!(m.variables[0].var_type, VariableType::Bool);
    // activities first, then events, then gateways
    let kinds: Vec<ElementKind> = m.elements.iter().map(|e| e.kind).collect();
    assert_eq!(
        kinds,
        vec![
            ElementKind::UserTask,
            ElementKind::UserTask,
            ElementKind::UserTask,
            ElementKind::StartEvent,
            ElementKind::EndEvent,
            ElementKind::ExclusiveGateway,
            ElementKind::ExclusiveGateway,
        ]
    );
    let ids: Vec<&str> = m.elements.iter().map(|e| e.bpmn_id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            "Task_0e5xumt",
            "Task_1j0spgi",
            "Task_0m7b8xz",
            "StartEvent_1",
            "EndEvent_063of2z",
            "ExclusiveGateway_0bvmb9p",
            "ExclusiveGateway_18klyzt",
        ]
    );
    // places in document order of the flows
    let yes = m
        .gateway_flows
        .iter()
        .find(|f| f.bpmn_id == "SequenceFlow_0927rr5")
        .unwrap();
    assert_eq!(yes.place, 4);
    assert_eq!(yes.condition, vec![alstra_bpmn::vm::OP_LOAD, 0]);
    let no = m
        .gateway_flows
        .iter()
        .find(|f| f.bpmn_id == "SequenceFlow_006j8eo")
        .unwrap();
    assert_eq!(
        no.condition,
        vec![alstra_bpmn::vm::OP_LOAD, 0, alstra_bpmn::vm::OP_NOT]
    );
    assert_eq!(m.activity_flows.len() + m.gateway_flows.len(), 7);
    let t = alstra_bpmn::Int256::from(true);
    assert!(alstra_bpmn::eval_condition(&yes.condition, &[t]).unwrap());
    assert!(!alstra_bpmn::eval_condition(&no.condition, &[t]).unwrap());
    // performers from the `@ Role @` documentation annotations (Caterpillar), no lane
    let lanes: Vec<(&str, &str, u8)> = m
        .swimlanes
        .iter()
        .map(|l| (l.bpmn_id.as_str(), l.name.as_str(), l.pool))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("performer:Invoicer", "Invoicer", 0),
            ("performer:Invoicee", "Invoicee", 0)
        ]
    );
    let role = |id: &str| {
        let e = &m.elements[m.element_index(id).unwrap()];
        assert_ne!(e.lane, 0, "{id}");
        m.swimlanes[e.lane as usize - 1].role
    };
    let k = alstra_bpmn::keccak256;
    assert_eq!(role("Task_0e5xumt"), k(b"Invoicer"), "Issue Invoice");
    assert_eq!(role("Task_1j0spgi"), k(b"Invoicee"), "Approve Invoice");
    assert_eq!(role("Task_0m7b8xz"), k(b"Invoicer"), "Fix Invoice");
    let lanes: Vec<u16> = m.elements.iter().map(|e| e.lane).collect();
    assert_eq!(lanes, vec![1, 2, 1, 0, 0, 0, 0]);
}

#[test]
fn running_example_details() {
    let m = compile_file(data_dir().join("caterpillar/running_example.bpmn")).unwrap();
    let e = |id: &str| &m.elements[m.element_index(id).unwrap()];
    assert_eq!(e("EndEvent_19xiayo").kind, ElementKind::MessageEndEvent);
    assert_eq!(
        e("IntermediateThrowEvent_0k5vl3c").kind,
        ElementKind::MessageIntermediateThrowEvent
    );
    assert_eq!(
        e("ExclusiveGateway_0o4nv8y").kind,
        ElementKind::ParallelGateway
    );
    // the default flows
    let defaults: Vec<&str> = m
        .gateway_flows
        .iter()
        .filter(|f| f.is_default)
        .map(|f| f.bpmn_id.as_str())
        .collect();
    assert_eq!(
        defaults,
        vec!["SequenceFlow_0vbi21y", "SequenceFlow_04nl5rk"]
    );
    for f in m.gateway_flows.iter().filter(|f| f.is_default) {
        assert!(f.condition.is_empty());
    }
}

#[test]
fn miwg_c11_data_object_conditions() {
    let m = compile_file(data_dir().join("miwg-reference/C.1.1.bpmn")).unwrap();
    // the three data objects are declared (xs:tString, xs:tBool), in document order, and the
    // conditions use two of them with the declared types
    let vars: Vec<(&str, VariableType)> = m.variables.iter().map(|v| (v.name.as_str(), v.var_type)).collect();
    assert_eq!(vars, [("approver", VariableType::String), ("approved", VariableType::Bool), ("clarified", VariableType::String)]);
    let cond = |id: &str| {
        m.gateway_flows
            .iter()
            .find(|f| f.bpmn_id == id)
            .unwrap()
            .condition
            .clone()
    };
    use alstra_bpmn::{eval_condition, Int256};
    let vars = [Int256::from_string("Anna"), Int256::from(false), Int256::from_string("yes")];
    assert!(!eval_condition(&cond("invoiceApproved"), &vars).unwrap());
    assert!(eval_condition(&cond("invoiceNotApproved"), &vars).unwrap());
    assert!(eval_condition(&cond("reviewSuccessful"), &vars).unwrap());
    assert!(!eval_condition(&cond("reviewNotSuccessful"), &vars).unwrap());
}

#[test]
fn miwg_c11_potential_owners() {
    let m = compile_file(data_dir().join("miwg-reference/C.1.1.bpmn")).unwrap();
    // potentialOwner -> resourceRef -> definitions/resource name, in order of the first task
    let lanes: Vec<(&str, &str, u8)> = m
        .swimlanes
        .iter()
        .map(|l| (l.bpmn_id.as_str(), l.name.as_str(), l.pool))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("Bpmn_Resource_8nPrkLHzEeS1nbPdxxCzlg", "Approver", 0),
            ("Bpmn_Resource_6vVHsLHzEeS1nbPdxxCzlg", "Team Assistant", 0),
            ("Bpmn_Resource_-IajYLHzEeS1nbPdxxCzlg", "Accountant", 0),
        ]
    );
    for l in &m.swimlanes {
        assert_eq!(l.role, alstra_bpmn::keccak256(l.name.as_bytes()));
    }
    let lane = |id: &str| m.elements[m.element_index(id).unwrap()].lane;
    assert_eq!(lane("approveInvoice"), 1);
    assert_eq!(lane("assignApprover"), 2);
    assert_eq!(lane("reviewInvoice"), 2, "same resource: same swimlane");
    assert_eq!(lane("prepareBankTransfer"), 3);
    // the service task names no performer: the pool's role
    let service = m
        .elements
        .iter()
        .find(|e| e.kind == ElementKind::ServiceTask)
        .unwrap();
    assert_eq!(service.lane, 0);
}

#[test]
fn miwg_a4_pools_lanes_and_messages() {
    let m = compile_file(data_dir().join("miwg-reference/A.4.1.bpmn")).unwrap();
    assert_eq!(
        m.pools.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        vec!["Pool 1", "Pool 2"]
    );
    // names are whitespace-normalized before hashing ("Lane 2 " -> "Lane 2")
    assert_eq!(m.swimlanes[1].name, "Lane 2");
    assert_eq!(m.swimlanes[1].role, alstra_bpmn::keccak256(b"Lane 2"));
    assert_eq!(m.swimlanes[1].pool, 1);
    // tasks inside a sub-process inherit the sub-process's lane
    let task4 = &m.elements[m
        .element_index("sid-A52AFB6A-43EE-47FE-A95F-057845582F1D")
        .unwrap()];
    let sub1 = &m.elements[m
        .element_index("sid-00A82BF4-1D0A-48DC-8389-C8AAF3E7F754")
        .unwrap()];
    assert_eq!(sub1.lane, 2);
    assert_eq!(task4.lane, 2);
    assert_eq!(
        m.scopes[sub1.child_scope as usize].bpmn_id,
        "sid-00A82BF4-1D0A-48DC-8389-C8AAF3E7F754"
    );
    assert_eq!(
        m.scopes[sub1.child_scope as usize].parent_element as usize,
        m.element_index("sid-00A82BF4-1D0A-48DC-8389-C8AAF3E7F754")
            .unwrap()
            + 1
    );
    // Task 1 (plain task) sends message flow 1 to Task 3 (plain task: informative target)
    let task1 = m
        .element_index("sid-3D477D07-D669-4A26-9454-12AD775FDE70")
        .unwrap();
    let task3 = m
        .element_index("sid-34E8C3A5-5C2A-4593-AC67-038B737814D7")
        .unwrap();
    let t = m
        .triggers
        .iter()
        .position(|t| t.bpmn_id == "sid-D0B859BF-CBFB-4B35-BBC8-BCA308F6455C")
        .unwrap();
    assert_eq!(m.triggers[t].source_element as usize, task1 + 1);
    assert_eq!(m.triggers[t].source_pool, 0);
    assert_eq!(m.triggers[t].target as usize, task3);
    assert!(m.elements[task1].message_out.is_set(t as u8));
    assert_eq!(m.elements[task3].message_in, 0);
}
