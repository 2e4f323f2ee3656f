//! Hand-written models: namespaces, places, lanes and roles, message flows, scopes, call
//! activities, conditions, every refusal and the limits.

use alstra_bpmn::*;

const NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";

/// A `bpmn:`-prefixed definitions around `body`.
fn defs(body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bpmn:definitions xmlns:bpmn=\"{NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" id=\"D\" name=\"Test\">\n{body}\n</bpmn:definitions>\n"
    )
}

/// One process `P` around `body`.
fn process(body: &str) -> String {
    defs(&format!(
        "<bpmn:process id=\"P\" name=\"Main\">\n{body}\n</bpmn:process>"
    ))
}

fn flow(id: &str, from: &str, to: &str) -> String {
    format!("<bpmn:sequenceFlow id=\"{id}\" sourceRef=\"{from}\" targetRef=\"{to}\"/>\n")
}

fn cflow(id: &str, from: &str, to: &str, cond: &str) -> String {
    format!(
        "<bpmn:sequenceFlow id=\"{id}\" sourceRef=\"{from}\" targetRef=\"{to}\"><bpmn:conditionExpression xsi:type=\"bpmn:tFormalExpression\"><![CDATA[{cond}]]></bpmn:conditionExpression></bpmn:sequenceFlow>\n"
    )
}

fn ok(xml: &str) -> CompiledModel {
    compile(xml).unwrap_or_else(|e| panic!("refused: {e}\n{xml}"))
}

fn refused(xml: &str) -> CompileError {
    match compile(xml) {
        Ok(m) => panic!("compiled: {}\n{xml}", m.summary()),
        Err(e) => e,
    }
}

/// 1-based line of the first occurrence of `needle`.
fn line_of(xml: &str, needle: &str) -> u32 {
    let pos = xml
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in xml"));
    xml[..pos].matches('\n').count() as u32 + 1
}

fn assert_refused(xml: &str, id: &str, ty: &str, reason: &str) -> CompileError {
    let e = refused(xml);
    assert_eq!(e.element_id.as_deref(), Some(id), "{e}");
    assert_eq!(e.element_type.as_deref(), Some(ty), "{e}");
    assert!(
        e.reason.contains(reason),
        "`{e}` does not contain `{reason}`"
    );
    assert_eq!(e.line, Some(line_of(xml, &format!("id=\"{id}\""))), "{e}");
    e
}

fn idx(m: &CompiledModel, id: &str) -> usize {
    m.element_index(id)
        .unwrap_or_else(|| panic!("no element {id}"))
}

fn simple_body() -> String {
    let mut b = String::from(
        "<bpmn:startEvent id=\"S\"/>\n<bpmn:task id=\"T\" name=\"Do\"/>\n<bpmn:endEvent id=\"E\"/>\n",
    );
    b += &flow("f1", "S", "T");
    b += &flow("f2", "T", "E");
    b
}

#[test]
fn namespaces_any_prefix_and_default() {
    let plain = ok(&process(&simple_body()));
    for prefix in ["semantic", "model", "bpmn2", "x"] {
        let xml = process(&simple_body())
            .replace("bpmn:", &format!("{prefix}:"))
            .replace("xmlns:bpmn=", &format!("xmlns:{prefix}="));
        assert!(xml.contains(&format!("<{prefix}:task")));
        assert_eq!(ok(&xml), plain, "prefix {prefix}");
    }
    let default_ns = process(&simple_body())
        .replace("bpmn:", "")
        .replace(&format!("xmlns:bpmn=\"{NS}\""), &format!("xmlns=\"{NS}\""));
    assert_eq!(ok(&default_ns), plain);
    // the prefix alone is not enough: the namespace URI decides
    let wrong = process(&simple_body()).replace(NS, "http://example.com/not-bpmn");
    assert!(refused(&wrong)
        .reason
        .contains("not a BPMN 2.0 `definitions`"));
}

#[test]
fn simple_process_records() {
    let m = ok(&process(&simple_body()));
    assert_eq!(m.process_key, keccak256(b"P"));
    assert_eq!(m.name, "Test");
    assert_eq!(
        m.pools,
        vec![Pool {
            bpmn_id: "P".into(),
            name: "Main".into(),
            role: keccak256(b"Main"),
            executable: true
        }]
    );
    assert_eq!(
        m.scopes,
        vec![Subprocess {
            bpmn_id: "P".into(),
            parent_element: 0,
            pool: 0
        }]
    );
    assert_eq!(m.elements[0].bpmn_id, "T");
    assert_eq!(m.elements[0].kind, ElementKind::Task);
    assert_eq!(m.elements[0].lane, 0);
    assert_eq!(m.elements[1].kind, ElementKind::StartEvent);
    assert_eq!(m.elements[2].kind, ElementKind::EndEvent);
    assert_eq!(
        m.activity_flows,
        vec![
            ActivitySequenceFlow {
                bpmn_id: "f1".into(),
                source: 1,
                target: 0,
                place: 0
            },
            ActivitySequenceFlow {
                bpmn_id: "f2".into(),
                source: 0,
                target: 2,
                place: 1
            },
        ]
    );
    let s = m.summary();
    assert_eq!(
        (
            s.elements,
            s.activities,
            s.events,
            s.gateways,
            s.sequence_flows
        ),
        (3, 1, 2, 0, 2)
    );
    assert_eq!(s.places_per_scope, vec![2]);
    // JSON mirrors the Solidity field names; bytes32 as hex, enums as numbers
    let v: serde_json::Value = serde_json::from_str(&m.to_json()).unwrap();
    assert_eq!(v["processKey"], to_hex(&keccak256(b"P")));
    assert_eq!(v["elements"][1]["kind"], 10);
    assert_eq!(
        v["elements"][0]["messageOut"],
        format!("0x{}", "0".repeat(64))
    );
    assert_eq!(v["activityFlows"][0]["bpmnId"], "f1");
    assert_eq!(v["scopes"][0]["parentElement"], 0);
}

#[test]
fn element_kinds_and_index_order() {
    let body = r#"
<bpmn:exclusiveGateway id="G1"/>
<bpmn:startEvent id="S"/>
<bpmn:userTask id="A1"/>
<bpmn:manualTask id="A2"/>
<bpmn:serviceTask id="A3"/>
<bpmn:scriptTask id="A4"/>
<bpmn:businessRuleTask id="A5"/>
<bpmn:callActivity id="A6" calledElement="Other"/>
<bpmn:parallelGateway id="G2"/>
<bpmn:intermediateThrowEvent id="E1"/>
<bpmn:endEvent id="E2"><bpmn:terminateEventDefinition/></bpmn:endEvent>
<bpmn:endEvent id="E3"/>
"#
    .to_string()
        + &flow("f1", "S", "G1")
        + &flow("f2", "G1", "G2")
        + &flow("f3", "G2", "A1")
        + &flow("f4", "G2", "A2")
        + &flow("f5", "A1", "A3")
        + &flow("f6", "A3", "A4")
        + &flow("f7", "A4", "A5")
        + &flow("f8", "A5", "A6")
        + &flow("f9", "A6", "E1")
        + &flow("f10", "E1", "E2")
        + &flow("f11", "A2", "E3");
    let m = ok(&process(&body));
    let got: Vec<(&str, ElementKind)> = m
        .elements
        .iter()
        .map(|e| (e.bpmn_id.as_str(), e.kind))
        .collect();
    use ElementKind::*;
    assert_eq!(
        got,
        vec![
            ("A1", UserTask),
            ("A2", ManualTask),
            ("A3", ServiceTask),
            ("A4", ScriptTask),
            ("A5", BusinessRuleTask),
            ("A6", CallActivity),
            ("S", StartEvent),
            ("E1", IntermediateThrowEvent),
            ("E2", TerminateEndEvent),
            ("E3", EndEvent),
            ("G1", ExclusiveGateway),
            ("G2", ParallelGateway),
        ]
    );
    assert_eq!(m.elements[5].called_process, keccak256(b"Other"));
    // flows from gateways are gateway flows, the others activity flows, each in document order
    let g: Vec<&str> = m.gateway_flows.iter().map(|f| f.bpmn_id.as_str()).collect();
    assert_eq!(g, vec!["f2", "f3", "f4"]);
    assert_eq!(m.gateway_flows[0].gateway as usize, idx(&m, "G1"));
    assert_eq!(m.gateway_flows[1].place, 2);
    assert_eq!(m.activity_flows.len(), 8);
    // a single outgoing flow of an exclusive gateway needs no condition
    assert!(m.gateway_flows[0].condition.is_empty());
}

#[test]
fn call_activity_qname_prefix() {
    let body = simple_body().replace(
        "<bpmn:task id=\"T\" name=\"Do\"/>",
        "<bpmn:callActivity id=\"T\" xmlns:tns=\"urn:x\" calledElement=\"tns:Shipment\"/>",
    );
    let m = ok(&process(&body));
    assert_eq!(m.elements[0].called_process, keccak256(b"Shipment"));
    // an undeclared prefix is part of the name
    let body = simple_body().replace(
        "<bpmn:task id=\"T\" name=\"Do\"/>",
        "<bpmn:callActivity id=\"T\" calledElement=\"a:b\"/>",
    );
    assert_eq!(
        ok(&process(&body)).elements[0].called_process,
        keccak256(b"a:b")
    );
}

#[test]
fn event_based_gateway_shares_one_place() {
    let body = r#"
<bpmn:startEvent id="S"/>
<bpmn:eventBasedGateway id="EBG"/>
<bpmn:intermediateCatchEvent id="C1"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>
<bpmn:receiveTask id="R2"/>
<bpmn:intermediateCatchEvent id="C3"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>
<bpmn:endEvent id="E"/>
"#
    .to_string()
        + &flow("f0", "S", "EBG")
        + &flow("g1", "EBG", "C1")
        + &flow("a1", "C1", "E")
        + &flow("g2", "EBG", "R2")
        + &flow("a2", "R2", "E")
        + &flow("g3", "EBG", "C3")
        + &flow("a3", "C3", "E");
    let xml = defs(&format!(
        r#"<bpmn:collaboration id="C">
  <bpmn:participant id="PA" name="Buyer" processRef="P"/>
  <bpmn:participant id="PB" name="Seller"/>
  <bpmn:messageFlow id="m1" sourceRef="PB" targetRef="C1"/>
  <bpmn:messageFlow id="m2" sourceRef="PB" targetRef="R2"/>
  <bpmn:messageFlow id="m3" sourceRef="PB" targetRef="C3"/>
</bpmn:collaboration>
<bpmn:process id="P">{body}</bpmn:process>"#
    ));
    let m = ok(&xml);
    let place = |id: &str| {
        m.activity_flows
            .iter()
            .find(|f| f.bpmn_id == id)
            .map(|f| f.place)
            .or_else(|| {
                m.gateway_flows
                    .iter()
                    .find(|f| f.bpmn_id == id)
                    .map(|f| f.place)
            })
            .unwrap()
    };
    assert_eq!(place("f0"), 0);
    assert_eq!(place("g1"), 1);
    assert_eq!(place("a1"), 2);
    assert_eq!(place("g2"), 1, "shared deferred-choice place");
    assert_eq!(place("a2"), 3);
    assert_eq!(place("g3"), 1, "shared deferred-choice place");
    assert_eq!(place("a3"), 4);
    assert_eq!(m.summary().places_per_scope, vec![5]);
    assert_eq!(
        m.elements[idx(&m, "EBG")].kind,
        ElementKind::EventBasedGateway
    );
    assert_eq!(m.elements[idx(&m, "C1")].message_in, 1);
    assert_eq!(m.elements[idx(&m, "R2")].message_in, 2);
    assert_eq!(m.elements[idx(&m, "C3")].message_in, 3);
    for t in &m.triggers {
        assert_eq!((t.source_element, t.source_pool), (0, 1));
    }
    assert!(!m.pools[1].executable);
    // the gateway must lead to catch events or receive tasks
    let bad = xml.replace("<bpmn:receiveTask id=\"R2\"/>", "<bpmn:task id=\"R2\"/>");
    assert_refused(
        &bad,
        "g2",
        "sequenceFlow",
        "event-based gateway must lead to",
    );
}

#[test]
fn lanes_to_roles() {
    let xml = defs(
        r#"<bpmn:collaboration id="C"><bpmn:participant id="PA" name="  Acme
  Corp " processRef="P"/></bpmn:collaboration>
<bpmn:process id="P">
  <bpmn:laneSet id="LS">
    <bpmn:lane id="L1" name="Sales">
      <bpmn:flowNodeRef>S</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T1</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T2</bpmn:flowNodeRef>
      <bpmn:childLaneSet id="CLS">
        <bpmn:lane id="L1a" name="Key accounts">
          <bpmn:flowNodeRef>T2</bpmn:flowNodeRef>
        </bpmn:lane>
      </bpmn:childLaneSet>
    </bpmn:lane>
    <bpmn:lane id="L2">
      <bpmn:flowNodeRef>SP</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>unknown-id</bpmn:flowNodeRef>
    </bpmn:lane>
  </bpmn:laneSet>
  <bpmn:startEvent id="S"/>
  <bpmn:userTask id="T1"/>
  <bpmn:userTask id="T2"/>
  <bpmn:subProcess id="SP">
    <bpmn:startEvent id="SS"/>
    <bpmn:task id="ST"/>
    <bpmn:sequenceFlow id="s1" sourceRef="SS" targetRef="ST"/>
  </bpmn:subProcess>
  <bpmn:task id="T3"/>
  <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="T1"/>
  <bpmn:sequenceFlow id="f2" sourceRef="T1" targetRef="T2"/>
  <bpmn:sequenceFlow id="f3" sourceRef="T2" targetRef="SP"/>
  <bpmn:sequenceFlow id="f4" sourceRef="SP" targetRef="T3"/>
</bpmn:process>"#,
    );
    let m = ok(&xml);
    assert_eq!(m.pools[0].name, "Acme Corp");
    assert_eq!(m.pools[0].role, keccak256(b"Acme Corp"));
    let lanes: Vec<(&str, &str, u8)> = m
        .swimlanes
        .iter()
        .map(|l| (l.bpmn_id.as_str(), l.name.as_str(), l.pool))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("L1", "Sales", 0),
            ("L1a", "Key accounts", 0),
            ("L2", "L2", 0)
        ]
    );
    assert_eq!(m.swimlanes[0].role, keccak256(b"Sales"));
    assert_eq!(m.swimlanes[1].role, keccak256(b"Key accounts"));
    assert_eq!(
        m.swimlanes[2].role,
        keccak256(b"L2"),
        "a lane without name: role of its id"
    );
    let lane = |id: &str| m.elements[idx(&m, id)].lane;
    assert_eq!(lane("T1"), 1);
    assert_eq!(lane("T2"), 2, "innermost lane wins");
    assert_eq!(lane("SP"), 3);
    assert_eq!(
        lane("ST"),
        3,
        "sub-process content inherits the sub-process lane"
    );
    assert_eq!(lane("S"), 1);
    assert_eq!(lane("T3"), 0, "no lane: the pool's role");
}

/// Tasks naming their performer: resource roles, then `@ Role @` documentation annotations,
/// win over lanes; one synthetic swimlane per distinct (pool, role name), after the real lanes.
fn performers_model() -> String {
    defs(
        r#"<bpmn:resource id="R1" name=" Team
  Assistant "/>
<bpmn:resource id="R2"/>
<bpmn:process id="P" name="Main">
  <bpmn:laneSet id="LS">
    <bpmn:lane id="L1" name="Clerks">
      <bpmn:flowNodeRef>S</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T1</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T2</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T7</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>T9</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>SP</bpmn:flowNodeRef>
    </bpmn:lane>
  </bpmn:laneSet>
  <bpmn:startEvent id="S"/>
  <bpmn:userTask id="T1" name="Assign">
    <bpmn:potentialOwner id="PO1" name="Assign Potential Owner">
      <bpmn:resourceRef>R1</bpmn:resourceRef>
    </bpmn:potentialOwner>
  </bpmn:userTask>
  <bpmn:userTask id="T2">
    <bpmn:documentation><![CDATA[@  Approver @
() : (bool _ok) -> {ok = _ok;}]]></bpmn:documentation>
  </bpmn:userTask>
  <bpmn:task id="T3">
    <bpmn:humanPerformer id="HP3">
      <bpmn:resourceAssignmentExpression id="RAE3">
        <bpmn:formalExpression>  manager
        </bpmn:formalExpression>
      </bpmn:resourceAssignmentExpression>
    </bpmn:humanPerformer>
  </bpmn:task>
  <bpmn:task id="T4"><bpmn:performer id="PF4" name="Auditor"/></bpmn:task>
  <bpmn:task id="T5"><bpmn:potentialOwner id="PO5"><bpmn:resourceRef>R2</bpmn:resourceRef></bpmn:potentialOwner></bpmn:task>
  <bpmn:serviceTask id="T6">
    <bpmn:documentation>@ Ignored @</bpmn:documentation>
    <bpmn:performer id="PF6"><bpmn:resourceRef>R1</bpmn:resourceRef></bpmn:performer>
    <bpmn:potentialOwner id="PO6">
      <bpmn:resourceAssignmentExpression id="RAE6"><bpmn:formalExpression>boss</bpmn:formalExpression></bpmn:resourceAssignmentExpression>
    </bpmn:potentialOwner>
  </bpmn:serviceTask>
  <bpmn:task id="T7"><bpmn:documentation>see @ Approver @ and @ Other @</bpmn:documentation></bpmn:task>
  <bpmn:task id="T8"><bpmn:potentialOwner id="PO8"><bpmn:resourceRef>missing</bpmn:resourceRef></bpmn:potentialOwner></bpmn:task>
  <bpmn:task id="T9"><bpmn:documentation>no annotation: a@b</bpmn:documentation></bpmn:task>
  <bpmn:subProcess id="SP">
    <bpmn:potentialOwner id="POSP"><bpmn:resourceRef>R2</bpmn:resourceRef></bpmn:potentialOwner>
    <bpmn:startEvent id="SS"/>
    <bpmn:task id="ST"/>
    <bpmn:sequenceFlow id="s1" sourceRef="SS" targetRef="ST"/>
  </bpmn:subProcess>
  <bpmn:endEvent id="E"/>
  <bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="T1"/>
  <bpmn:sequenceFlow id="f2" sourceRef="T1" targetRef="T2"/>
  <bpmn:sequenceFlow id="f3" sourceRef="T2" targetRef="T3"/>
  <bpmn:sequenceFlow id="f4" sourceRef="T3" targetRef="T4"/>
  <bpmn:sequenceFlow id="f5" sourceRef="T4" targetRef="T5"/>
  <bpmn:sequenceFlow id="f6" sourceRef="T5" targetRef="T6"/>
  <bpmn:sequenceFlow id="f7" sourceRef="T6" targetRef="T7"/>
  <bpmn:sequenceFlow id="f8" sourceRef="T7" targetRef="T8"/>
  <bpmn:sequenceFlow id="f9" sourceRef="T8" targetRef="T9"/>
  <bpmn:sequenceFlow id="f10" sourceRef="T9" targetRef="SP"/>
  <bpmn:sequenceFlow id="f11" sourceRef="SP" targetRef="E"/>
</bpmn:process>"#,
    )
}

#[test]
fn task_performers_to_roles() {
    let m = ok(&performers_model());
    let lanes: Vec<(&str, &str, u8)> = m
        .swimlanes
        .iter()
        .map(|l| (l.bpmn_id.as_str(), l.name.as_str(), l.pool))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("L1", "Clerks", 0),
            // potentialOwner -> resourceRef -> the resource's (normalized) name
            ("R1", "Team Assistant", 0),
            // documentation annotation
            ("performer:Approver", "Approver", 0),
            // resourceAssignmentExpression/formalExpression, trimmed
            ("performer:manager", "manager", 0),
            // the resource role's own name
            ("performer:Auditor", "Auditor", 0),
            // a resource without name: its id
            ("R2", "R2", 0),
            // a resourceRef naming no resource: the referenced id
            ("performer:missing", "missing", 0),
        ]
    );
    for l in &m.swimlanes {
        assert_eq!(l.role, keccak256(l.name.as_bytes()), "{}", l.bpmn_id);
    }
    assert_eq!(m.swimlanes[1].role, keccak256(b"Team Assistant"));
    assert_eq!(m.swimlanes[2].role, keccak256(b"Approver"));
    let lane = |id: &str| m.elements[idx(&m, id)].lane;
    assert_eq!(lane("S"), 1, "other elements keep their lane");
    assert_eq!(lane("T1"), 2, "the resource role wins over the lane");
    assert_eq!(lane("T2"), 3, "the annotation wins over the lane");
    assert_eq!(lane("T3"), 4);
    assert_eq!(lane("T4"), 5);
    assert_eq!(lane("T5"), 6);
    assert_eq!(
        lane("T6"),
        2,
        "first resource role wins (over the others and the annotation); same performer as T1: same swimlane"
    );
    assert_eq!(lane("T7"), 3, "first `@` pair; same performer as T2");
    assert_eq!(lane("T8"), 7);
    assert_eq!(lane("T9"), 1, "no `@ ... @` pair: the lane");
    assert_eq!(lane("SP"), 1, "only tasks take their performer");
    assert_eq!(lane("ST"), 1, "sub-process content inherits the real lane");
    assert_eq!(lane("E"), 0);
}

#[test]
fn task_performers_per_pool() {
    let task = |id: &str| {
        format!(
            "<bpmn:userTask id=\"{id}\"><bpmn:documentation>@ Clerk @</bpmn:documentation></bpmn:userTask>"
        )
    };
    let body = |p: &str| {
        format!(
            "<bpmn:startEvent id=\"{p}S\"/>{}{}<bpmn:endEvent id=\"{p}E\"/>{}{}{}",
            task(&format!("{p}T1")),
            task(&format!("{p}T2")),
            flow(&format!("{p}f1"), &format!("{p}S"), &format!("{p}T1")),
            flow(&format!("{p}f2"), &format!("{p}T1"), &format!("{p}T2")),
            flow(&format!("{p}f3"), &format!("{p}T2"), &format!("{p}E")),
        )
    };
    let xml = defs(&format!(
        r#"<bpmn:collaboration id="C">
  <bpmn:participant id="PA" name="Buyer" processRef="P"/>
  <bpmn:participant id="PB" name="Seller" processRef="Q"/>
</bpmn:collaboration>
<bpmn:process id="P">{}</bpmn:process>
<bpmn:process id="Q">{}</bpmn:process>"#,
        body("p"),
        body("q")
    ));
    let m = ok(&xml);
    let lanes: Vec<(&str, &str, u8)> = m
        .swimlanes
        .iter()
        .map(|l| (l.bpmn_id.as_str(), l.name.as_str(), l.pool))
        .collect();
    assert_eq!(
        lanes,
        vec![
            ("performer:Clerk", "Clerk", 0),
            ("performer:Clerk", "Clerk", 1)
        ],
        "one performer swimlane per (pool, role name)"
    );
    let lane = |id: &str| m.elements[idx(&m, id)].lane;
    assert_eq!(
        (lane("pT1"), lane("pT2"), lane("qT1"), lane("qT2")),
        (1, 1, 2, 2)
    );
    assert_eq!((lane("pS"), lane("qE")), (0, 0));
    assert_eq!(m.swimlanes[1].role, keccak256(b"Clerk"));
}

#[test]
fn scopes_and_nested_subprocesses() {
    let body = r#"
<bpmn:startEvent id="S"/>
<bpmn:subProcess id="SP1" name="Outer">
  <bpmn:startEvent id="S1"/>
  <bpmn:subProcess id="SP2">
    <bpmn:startEvent id="S2"/>
    <bpmn:task id="T2"/>
    <bpmn:sequenceFlow id="c1" sourceRef="S2" targetRef="T2"/>
  </bpmn:subProcess>
  <bpmn:endEvent id="E1"/>
  <bpmn:sequenceFlow id="b1" sourceRef="S1" targetRef="SP2"/>
  <bpmn:sequenceFlow id="b2" sourceRef="SP2" targetRef="E1"/>
</bpmn:subProcess>
<bpmn:endEvent id="E"/>
<bpmn:sequenceFlow id="a1" sourceRef="S" targetRef="SP1"/>
<bpmn:sequenceFlow id="a2" sourceRef="SP1" targetRef="E"/>
"#;
    let m = ok(&process(body));
    let scopes: Vec<(&str, u16, u8)> = m
        .scopes
        .iter()
        .map(|s| (s.bpmn_id.as_str(), s.parent_element, s.pool))
        .collect();
    let sp1 = idx(&m, "SP1");
    let sp2 = idx(&m, "SP2");
    assert_eq!(
        scopes,
        vec![
            ("P", 0, 0),
            ("SP1", sp1 as u16 + 1, 0),
            ("SP2", sp2 as u16 + 1, 0)
        ]
    );
    assert_eq!(m.elements[sp1].child_scope, 1);
    assert_eq!(m.elements[sp1].scope, 0);
    assert_eq!(m.elements[sp2].child_scope, 2);
    assert_eq!(m.elements[sp2].scope, 1);
    assert_eq!(m.elements[idx(&m, "T2")].scope, 2);
    assert_eq!(m.summary().places_per_scope, vec![2, 2, 1]);
    let place = |id: &str| {
        m.activity_flows
            .iter()
            .find(|f| f.bpmn_id == id)
            .unwrap()
            .place
    };
    assert_eq!(
        (
            place("c1"),
            place("b1"),
            place("b2"),
            place("a1"),
            place("a2")
        ),
        (0, 0, 1, 0, 1)
    );

    // a flow that crosses the sub-process boundary
    let cross = process(&body.replace("targetRef=\"T2\"", "targetRef=\"E\""));
    assert_refused(&cross, "c1", "sequenceFlow", "cannot cross");
    // a sub-process without none start event
    let nostart = process(
        &body
            .replace("<bpmn:startEvent id=\"S2\"/>", "")
            .replace(
                "<bpmn:sequenceFlow id=\"c1\" sourceRef=\"S2\" targetRef=\"T2\"/>",
                "",
            )
            .replace("<bpmn:task id=\"T2\"/>", ""),
    );
    assert_refused(&nostart, "SP2", "subProcess", "needs a none start event");
}

fn collaboration(messages: &str, p_body: &str, q_body: &str) -> String {
    defs(&format!(
        r#"<bpmn:message id="Msg" name="Order"/>
<bpmn:collaboration id="C">
  <bpmn:participant id="PA" name="Buyer" processRef="P"/>
  <bpmn:participant id="PB" name="Seller" processRef="Q"/>
  <bpmn:participant id="PX" name="Bank"/>
{messages}
</bpmn:collaboration>
<bpmn:process id="P">{p_body}</bpmn:process>
<bpmn:process id="Q">{q_body}</bpmn:process>"#
    ))
}

fn buyer() -> String {
    String::from(
        r#"<bpmn:startEvent id="S"/>
<bpmn:sendTask id="Send"/>
<bpmn:intermediateCatchEvent id="Wait"><bpmn:messageEventDefinition/></bpmn:intermediateCatchEvent>
<bpmn:task id="Pay"/>
<bpmn:endEvent id="E"><bpmn:messageEventDefinition/></bpmn:endEvent>
<bpmn:sequenceFlow id="f1" sourceRef="S" targetRef="Send"/>
<bpmn:sequenceFlow id="f2" sourceRef="Send" targetRef="Wait"/>
<bpmn:sequenceFlow id="f3" sourceRef="Wait" targetRef="Pay"/>
<bpmn:sequenceFlow id="f4" sourceRef="Pay" targetRef="E"/>"#,
    )
}

fn seller() -> String {
    String::from(
        r#"<bpmn:startEvent id="QS"><bpmn:messageEventDefinition/></bpmn:startEvent>
<bpmn:receiveTask id="QR"/>
<bpmn:intermediateThrowEvent id="QT"><bpmn:messageEventDefinition/></bpmn:intermediateThrowEvent>
<bpmn:endEvent id="QE"/>
<bpmn:sequenceFlow id="q1" sourceRef="QS" targetRef="QR"/>
<bpmn:sequenceFlow id="q2" sourceRef="QR" targetRef="QT"/>
<bpmn:sequenceFlow id="q3" sourceRef="QT" targetRef="QE"/>"#,
    )
}

const MESSAGES: &str = r#"<bpmn:messageFlow id="m0" sourceRef="Send" targetRef="QS" messageRef="Msg"/>
<bpmn:messageFlow id="m1" name="Pay info" sourceRef="PX" targetRef="QR"/>
<bpmn:messageFlow id="m2" name="Confirm" sourceRef="QT" targetRef="Wait"/>
<bpmn:messageFlow id="mx" name="Pool to black box: left out" sourceRef="PB" targetRef="PX"/>
<bpmn:messageFlow id="m3" name="Transfer" sourceRef="Pay" targetRef="PX"/>
<bpmn:messageFlow id="m4" name="Receipt" sourceRef="E" targetRef="PX"/>
<bpmn:messageFlow id="m5" name="Notice" sourceRef="PB" targetRef="Pay"/>"#;

#[test]
fn message_flows() {
    let m = ok(&collaboration(MESSAGES, &buyer(), &seller()));
    assert_eq!(
        m.pools.iter().map(|p| p.executable).collect::<Vec<_>>(),
        vec![true, true, false]
    );
    assert_eq!(m.pools[2].role, keccak256(b"Bank"));
    let e = |id: &str| &m.elements[idx(&m, id)];
    assert_eq!(e("QS").kind, ElementKind::MessageStartEvent);
    assert_eq!(e("QT").kind, ElementKind::MessageIntermediateThrowEvent);
    assert_eq!(e("E").kind, ElementKind::MessageEndEvent);
    // receivers: messageIn = index + 1
    assert_eq!(e("QS").message_in, 1);
    assert_eq!(e("QR").message_in, 2);
    assert_eq!(e("Wait").message_in, 3);
    // senders: messageOut bitmap
    assert_eq!(e("Send").message_out.bits(), vec![0]);
    assert_eq!(e("QT").message_out.bits(), vec![2]);
    assert_eq!(e("Pay").message_out.bits(), vec![3], "a plain task sends");
    assert_eq!(e("E").message_out.bits(), vec![4]);
    assert_eq!(e("Pay").message_in, 0, "a plain task target is informative");
    let t: Vec<(&str, &str, u16, u8, u16)> = m
        .triggers
        .iter()
        .map(|t| {
            (
                t.bpmn_id.as_str(),
                t.name.as_str(),
                t.source_element,
                t.source_pool,
                t.target,
            )
        })
        .collect();
    let i = |id: &str| idx(&m, id) as u16;
    assert_eq!(
        t,
        vec![
            ("m0", "Order", i("Send") + 1, 0, i("QS")),
            ("m1", "Pay info", 0, 2, i("QR")),
            ("m2", "Confirm", i("QT") + 1, 1, i("Wait")),
            ("m3", "Transfer", i("Pay") + 1, 0, i("Pay")),
            ("m4", "Receipt", i("E") + 1, 0, i("E")),
            ("m5", "Notice", 0, 1, i("Pay")),
        ]
    );
    // messages to the black-box pool target their sender: never delivered
    assert_eq!(e("Pay").message_in, 0);
    assert!(
        m.triggers.iter().all(|t| t.bpmn_id != "mx"),
        "pool-to-pool flows are left out"
    );
    // a none start event exists in P: the model may start
    assert_eq!(m.process_key, keccak256(b"P"));
}

#[test]
fn message_flow_refusals() {
    let base = |msgs: &str| collaboration(msgs, &buyer(), &seller());
    // one incoming message flow at most
    let two =
        MESSAGES.to_string() + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"PX\" targetRef=\"QR\"/>";
    assert_refused(
        &base(&two),
        "m6",
        "messageFlow",
        "already receives message flow `m1`",
    );
    // a receiver without message flow
    let none = MESSAGES.replace(
        r#"<bpmn:messageFlow id="m1" name="Pay info" sourceRef="PX" targetRef="QR"/>"#,
        "",
    );
    assert_refused(
        &base(&none),
        "QR",
        "receiveTask",
        "no message flow targets it",
    );
    // a message flow into an executable pool shape
    let to_pool =
        MESSAGES.to_string() + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"PX\" targetRef=\"PA\"/>";
    assert_refused(
        &base(&to_pool),
        "m6",
        "messageFlow",
        "executable pool `PA` itself",
    );
    // within one pool
    let same = MESSAGES.to_string()
        + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"Send\" targetRef=\"Pay\"/>";
    assert_refused(&base(&same), "m6", "messageFlow", "two different pools");
    // senders and targets of the wrong kind
    let from_start =
        MESSAGES.to_string() + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"S\" targetRef=\"PX\"/>";
    assert_refused(
        &base(&from_start),
        "m6",
        "messageFlow",
        "cannot send messages",
    );
    let to_end =
        MESSAGES.to_string() + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"PX\" targetRef=\"QE\"/>";
    assert_refused(
        &base(&to_end),
        "m6",
        "messageFlow",
        "cannot receive messages",
    );
    // unknown ends
    let unknown = MESSAGES.to_string()
        + "\n<bpmn:messageFlow id=\"m6\" sourceRef=\"nope\" targetRef=\"PX\"/>";
    assert_refused(&base(&unknown), "m6", "messageFlow", "`nope` is neither");
    // message start events are top-level only
    let sub = seller().replace(
        "<bpmn:receiveTask id=\"QR\"/>",
        "<bpmn:subProcess id=\"QR\"><bpmn:startEvent id=\"X\"><bpmn:messageEventDefinition/></bpmn:startEvent></bpmn:subProcess>",
    );
    let msgs = MESSAGES.replace("targetRef=\"QR\"", "targetRef=\"X\"");
    assert_refused(
        &collaboration(&msgs, &buyer(), &sub),
        "X",
        "startEvent",
        "only supported at the top level",
    );
}

#[test]
fn participants_and_processes() {
    // a process referenced by two participants
    let xml = defs(&format!(
        r#"<bpmn:collaboration id="C"><bpmn:participant id="A" processRef="P"/><bpmn:participant id="B" processRef="P"/></bpmn:collaboration>
<bpmn:process id="P">{}</bpmn:process>"#,
        simple_body()
    ));
    assert_refused(
        &xml,
        "B",
        "participant",
        "already the process of another participant",
    );
    // unknown processRef
    let xml = defs(
        r#"<bpmn:collaboration id="C"><bpmn:participant id="A" processRef="Nope"/></bpmn:collaboration>"#,
    );
    assert_refused(&xml, "A", "participant", "does not name a process");
    // participant without name: name and role from its id; processes called by a call
    // activity of the file are separate definitions
    let called = simple_body()
        .replace("id=\"", "id=\"c")
        .replace("Ref=\"", "Ref=\"c");
    let main = simple_body().replace(
        "<bpmn:task id=\"T\" name=\"Do\"/>",
        "<bpmn:callActivity id=\"T\" calledElement=\"Sub\"/>",
    );
    let xml = defs(&format!(
        r#"<bpmn:collaboration id="C"><bpmn:participant id="A" processRef="P"/></bpmn:collaboration>
<bpmn:process id="P">{main}</bpmn:process>
<bpmn:process id="Sub">{called}</bpmn:process>"#
    ));
    let m = ok(&xml);
    assert_eq!(m.pools.len(), 1);
    assert_eq!(m.pools[0].name, "A");
    assert_eq!(m.pools[0].role, keccak256(b"A"));
    assert_eq!(m.elements.len(), 3);
    assert_eq!(m.elements[0].called_process, keccak256(b"Sub"));
    // no executable process at all
    let xml = defs(r#"<bpmn:process id="P"/>"#);
    let e = assert_refused(&xml, "D", "definitions", "no executable process");
    assert_eq!(e.line, Some(2));
}

#[test]
fn exclusive_gateway_conditions_and_defaults() {
    let body = |c2: &str, c3: &str, default: &str| {
        format!(
            r#"<bpmn:startEvent id="S"/>
<bpmn:exclusiveGateway id="G" {default}/>
<bpmn:task id="A"/><bpmn:task id="B"/><bpmn:task id="C"/>
{}{}{}{}"#,
            flow("f1", "S", "G"),
            cflow("f2", "G", "A", c2),
            cflow("f3", "G", "B", c3),
            flow("f4", "G", "C"),
        )
    };
    let m = ok(&process(&body(
        "${amount > 1000}",
        "amount <= 1000 && vip",
        "default=\"f4\"",
    )));
    let f = |id: &str| {
        m.gateway_flows
            .iter()
            .find(|f| f.bpmn_id == id)
            .unwrap()
            .clone()
    };
    assert!(f("f4").is_default && !f("f2").is_default && !f("f3").is_default);
    assert!(f("f4").condition.is_empty());
    assert_eq!(
        m.variables,
        vec![
            Variable {
                name: "amount".into(),
                var_type: VariableType::Int
            },
            Variable {
                name: "vip".into(),
                var_type: VariableType::Bool
            },
        ]
    );
    let vars = |amount: i128, vip: bool| [Int256::from(amount), Int256::from(vip)];
    assert!(eval_condition(&f("f2").condition, &vars(1001, false)).unwrap());
    assert!(!eval_condition(&f("f2").condition, &vars(1000, false)).unwrap());
    assert!(eval_condition(&f("f3").condition, &vars(1000, true)).unwrap());
    assert!(!eval_condition(&f("f3").condition, &vars(999, false)).unwrap());

    // without default, a flow without condition beside conditional ones is refused (a mix of
    // conditions and decision flows)
    assert_refused(
        &process(&body("a", "b", "")),
        "f4",
        "sequenceFlow",
        "without a condition",
    );
    // the default flow may not have a condition
    assert_refused(
        &process(&body("a", "b", "default=\"f3\"")),
        "f3",
        "sequenceFlow",
        "cannot have a condition",
    );
    // default must be an outgoing flow
    assert_refused(
        &process(&body("a", "b", "default=\"f1\"")),
        "G",
        "exclusiveGateway",
        "not an outgoing sequence flow",
    );
    // condition errors name the flow and quote the expression
    let e = assert_refused(
        &process(&body("a > 'x'", "b", "default=\"f4\"")),
        "f2",
        "sequenceFlow",
        "strings support only",
    );
    assert!(e.reason.starts_with("condition `a > 'x'`"), "{e}");
    let e = assert_refused(
        &process(&body("a >", "b", "default=\"f4\"")),
        "f2",
        "sequenceFlow",
        "expected a value",
    );
    assert!(e.to_string().contains("<bpmn:sequenceFlow id=\"f2\">"));
    // a variable used with two types across flows: the second flow is named
    assert_refused(
        &process(&body("a > 1", "a", "default=\"f4\"")),
        "f3",
        "sequenceFlow",
        "type mismatch",
    );
    // an empty conditionExpression is no condition
    let empty = process(&body("a", "b", "default=\"f4\"").replace("<![CDATA[b]]>", "  "));
    let e = assert_refused(&empty, "f3", "sequenceFlow", "without a condition");
    assert!(e.reason.contains("while flow `f2` has one"), "{e}");
}

/// A gateway whose flows carry labels but no condition (as modelling tools export a human
/// decision) compiles as a decision gateway: its flows unconditional and not default, the
/// default flow kept when there is one.
#[test]
fn exclusive_gateway_without_conditions_is_a_decision() {
    let body = |default: &str| {
        format!(
            r#"<bpmn:startEvent id="S"/>
<bpmn:task id="T" name="Review"/>
<bpmn:exclusiveGateway id="G" name="approved?" {default}/>
<bpmn:task id="A"/><bpmn:task id="B"/><bpmn:endEvent id="E"/>
{}{}<bpmn:sequenceFlow id="yes" name="yes" sourceRef="G" targetRef="A"/>
<bpmn:sequenceFlow id="no" name="no" sourceRef="G" targetRef="B"/>
{}{}"#,
            flow("f1", "S", "T"),
            flow("f2", "T", "G"),
            flow("f3", "A", "E"),
            flow("f4", "B", "E"),
        )
    };
    for default in ["", "default=\"no\""] {
        let m = ok(&process(&body(default)));
        let g = idx(&m, "G") as u16;
        let flows: Vec<_> = m.gateway_flows.iter().filter(|f| f.gateway == g).collect();
        assert_eq!(flows.iter().map(|f| f.bpmn_id.as_str()).collect::<Vec<_>>(), ["yes", "no"]);
        assert!(flows.iter().all(|f| f.condition.is_empty()));
        assert_eq!(flows[1].is_default, !default.is_empty());
        assert!(!flows[0].is_default);
    }
}

#[test]
fn structural_refusals() {
    // unknown target
    assert_refused(
        &process(&(simple_body() + &flow("f3", "T", "Nope"))),
        "f3",
        "sequenceFlow",
        "targetRef `Nope` is not a flow node",
    );
    // start event with incoming flow
    assert_refused(
        &process(&(simple_body() + &flow("f3", "T", "S"))),
        "S",
        "startEvent",
        "cannot have incoming",
    );
    // end event with outgoing flow
    assert_refused(
        &process(&(simple_body() + &flow("f3", "E", "T"))),
        "E",
        "endEvent",
        "cannot have outgoing",
    );
    // no none start event
    let body = simple_body().replace(
        "<bpmn:startEvent id=\"S\"/>",
        "<bpmn:intermediateThrowEvent id=\"S\"/>",
    );
    assert_refused(
        &process(&(body + &flow("f0", "T", "S"))),
        "D",
        "definitions",
        "no executable pool has a none start event",
    );
    // element without incoming flow (implicit start)
    assert_refused(
        &process(&(simple_body() + "<bpmn:task id=\"Lonely\"/>")),
        "Lonely",
        "task",
        "no incoming sequence flow",
    );
    // gateway without outgoing flow
    assert_refused(
        &process(&(simple_body() + "<bpmn:parallelGateway id=\"PG\"/>" + &flow("f3", "T", "PG"))),
        "PG",
        "parallelGateway",
        "at least one outgoing",
    );
    // duplicate id: the second occurrence is named
    let xml = process(&(simple_body() + "\n<bpmn:task id=\"f1\"/>"));
    let e = refused(&xml);
    assert_eq!(
        (e.element_id.as_deref(), e.element_type.as_deref()),
        (Some("f1"), Some("task")),
        "{e}"
    );
    assert!(
        e.reason
            .contains("duplicate id `f1` (also used by the sequenceFlow at line"),
        "{e}"
    );
    assert_eq!(e.line, Some(line_of(&xml, "<bpmn:task id=\"f1\"/>")));
    // missing ids and refs
    let e = refused(&process(&(simple_body() + "<bpmn:task name=\"x\"/>")));
    assert!(
        e.reason.contains("needs an id") && e.element_type.as_deref() == Some("task"),
        "{e}"
    );
    let e = refused(&process(
        &(simple_body() + "<bpmn:sequenceFlow id=\"f9\" sourceRef=\"T\"/>"),
    ));
    assert!(e.reason.contains("needs a targetRef"), "{e}");
    // intermediate catch event without definition
    assert_refused(
        &process(&(simple_body() + "<bpmn:intermediateCatchEvent id=\"IC\"/>")),
        "IC",
        "intermediateCatchEvent",
        "needs an event definition",
    );
}

#[test]
fn malformed_xml_and_display() {
    let e = refused("<bpmn:definitions xmlns:bpmn=\"x\">\n  <a>\n</bpmn:definitions>");
    assert_eq!(e.line, Some(3));
    assert!(
        e.reason.starts_with("malformed XML:") && e.reason.contains("3:"),
        "{e}"
    );
    assert!(e.element_id.is_none());
    assert!(refused("").reason.contains("malformed XML"));
    assert!(refused("not xml at all").reason.contains("malformed XML"));
    let dtd = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><x/>";
    assert!(refused(dtd).reason.contains("malformed XML"));
    let xml = process(&(simple_body() + "<bpmn:boundaryEvent id=\"X\" attachedToRef=\"T\"/>"));
    let e = refused(&xml);
    let line = line_of(&xml, "id=\"X\"");
    assert_eq!(
        e.to_string(),
        format!("line {line}: <bpmn:boundaryEvent id=\"X\">: boundary events are not supported")
    );
    assert_eq!(CompileError::new("plain").to_string(), "plain");
}

#[test]
fn nesting_depth_limit() {
    let nest = |n: usize| format!("{}{}", "<x>".repeat(n), "</x>".repeat(n));
    // definitions + process + 198 = 200 levels: parsed (and ignored)
    let body = simple_body() + &nest(198);
    assert_eq!(ok(&process(&body)).elements.len(), 3);
    let xml = process(&(simple_body() + "\n" + &nest(199)));
    let e = refused(&xml);
    assert!(e.reason.contains("nested too deeply"), "{e}");
    assert_eq!(e.line, Some(line_of(&xml, "<x>")));
    // comments, CDATA, processing instructions and quoted '>' do not count
    let hidden = format!(
        "<!-- {} --><?pi {} ?><bpmn:task id=\"T2\" name=\"a > b /> c\"><bpmn:documentation><![CDATA[{}]]></bpmn:documentation></bpmn:task>",
        "<x>".repeat(500),
        "<x>".repeat(500),
        "<x>".repeat(500)
    );
    let m = ok(&process(
        &(simple_body() + &hidden + &flow("f3", "T", "T2")),
    ));
    assert_eq!(
        m.elements[m.element_index("T2").unwrap()].name,
        "a > b /> c"
    );
}

#[test]
fn every_unsupported_construct_is_refused() {
    let cases: Vec<(String, &str, &str)> = vec![
        ("<bpmn:boundaryEvent id=\"X\" attachedToRef=\"T\"/>".into(), "boundaryEvent", "boundary events"),
        ("<bpmn:intermediateCatchEvent id=\"X\"><bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>".into(), "intermediateCatchEvent", "timer events"),
        ("<bpmn:startEvent id=\"X\"><bpmn:signalEventDefinition/></bpmn:startEvent>".into(), "startEvent", "signal events"),
        ("<bpmn:endEvent id=\"X\"><bpmn:errorEventDefinition/></bpmn:endEvent>".into(), "endEvent", "error events"),
        ("<bpmn:intermediateThrowEvent id=\"X\"><bpmn:escalationEventDefinition/></bpmn:intermediateThrowEvent>".into(), "intermediateThrowEvent", "escalation events"),
        ("<bpmn:intermediateCatchEvent id=\"X\"><bpmn:conditionalEventDefinition/></bpmn:intermediateCatchEvent>".into(), "intermediateCatchEvent", "conditional events"),
        ("<bpmn:intermediateThrowEvent id=\"X\"><bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent>".into(), "intermediateThrowEvent", "compensation events"),
        ("<bpmn:intermediateThrowEvent id=\"X\"><bpmn:linkEventDefinition name=\"l\"/></bpmn:intermediateThrowEvent>".into(), "intermediateThrowEvent", "no link catch event named `l`"),
        ("<bpmn:endEvent id=\"X\"><bpmn:cancelEventDefinition/></bpmn:endEvent>".into(), "endEvent", "cancel events"),
        ("<bpmn:signal id=\"sig\"/><bpmn:endEvent id=\"X\"><bpmn:eventDefinitionRef>sig2</bpmn:eventDefinitionRef></bpmn:endEvent>".into(), "endEvent", "eventDefinitionRef"),
        ("<bpmn:startEvent id=\"X\"><bpmn:messageEventDefinition/><bpmn:timerEventDefinition/></bpmn:startEvent>".into(), "startEvent", "several event definitions"),
        ("<bpmn:inclusiveGateway id=\"X\"/>".into(), "inclusiveGateway", "inclusive gateways"),
        ("<bpmn:complexGateway id=\"X\"/>".into(), "complexGateway", "complex gateways"),
        ("<bpmn:eventBasedGateway id=\"X\" instantiate=\"true\"/>".into(), "eventBasedGateway", "instantiating"),
        ("<bpmn:task id=\"X\"><bpmn:multiInstanceLoopCharacteristics/></bpmn:task>".into(), "task", "multi-instance"),
        ("<bpmn:userTask id=\"X\"><bpmn:standardLoopCharacteristics loopMaximum=\"2\"/></bpmn:userTask>".into(), "userTask", "loopMaximum is not supported"),
        ("<bpmn:serviceTask id=\"X\" isForCompensation=\"true\"/>".into(), "serviceTask", "compensation activities"),
        ("<bpmn:transaction id=\"X\"/>".into(), "transaction", "transactions"),
        ("<bpmn:adHocSubProcess id=\"X\"/>".into(), "adHocSubProcess", "ad-hoc sub-processes"),
        ("<bpmn:subProcess id=\"X\" triggeredByEvent=\"true\"/>".into(), "subProcess", "event sub-processes"),
        ("<bpmn:callActivity id=\"X\"/>".into(), "callActivity", "without calledElement"),
        (format!("<bpmn:parallelGateway id=\"G\"/>{}{}", flow("g0", "T", "G"), cflow("X", "G", "X2", "true")) + "<bpmn:task id=\"X2\"/>", "sequenceFlow", "only supported on sequence flows leaving an exclusive gateway"),
    ];
    for (snippet, ty, reason) in cases {
        // the unsupported element comes before a supported part that would compile
        let xml = process(&format!("{snippet}\n{}", simple_body()));
        let e = assert_refused(&xml, "X", ty, reason);
        assert!(
            e.to_string().starts_with(&format!(
                "line {}: <bpmn:{ty} id=\"X\">",
                line_of(&xml, "id=\"X\"")
            )),
            "{e}"
        );
    }
    // a choreography
    let xml = defs(&format!(
        "<bpmn:process id=\"P\">{}</bpmn:process>\n<bpmn:choreography id=\"X\"/>",
        simple_body()
    ));
    assert_refused(&xml, "X", "choreography", "choreographies");
}

#[test]
fn ignored_content() {
    // DI, extension elements, documentation, data objects, annotations and associations are
    // ignored; content in another namespace (even named like BPMN) too
    let body = simple_body().replace(
        "<bpmn:task id=\"T\" name=\"Do\"/>",
        r#"<bpmn:task id="T" name="Do">
  <bpmn:documentation>text</bpmn:documentation>
  <bpmn:extensionElements><bpmn:boundaryEvent id="inExt"/><x:timer xmlns:x="urn:x"/></bpmn:extensionElements>
  <bpmn:ioSpecification id="io"/>
</bpmn:task>
<bpmn:dataObject id="do1"/><bpmn:dataObjectReference id="dor" dataObjectRef="do1"/>
<bpmn:textAnnotation id="ta"><bpmn:text>note</bpmn:text></bpmn:textAnnotation>
<bpmn:association id="as" sourceRef="ta" targetRef="T"/>
<o:boundaryEvent xmlns:o="urn:other" id="other"/>"#,
    );
    let xml = defs(&format!(
        r#"<bpmn:process id="P" name="Main">{body}</bpmn:process>
<bpmndi:BPMNDiagram xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" id="dia"><bpmndi:BPMNPlane id="pl" bpmnElement="P"/></bpmndi:BPMNDiagram>"#
    ));
    assert_eq!(ok(&xml), ok(&process(&simple_body())));
}

#[test]
fn latin1_files() {
    let dir = std::env::temp_dir().join(format!("alstra-bpmn-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = process(&simple_body())
        .replace("UTF-8", "ISO-8859-1")
        .replace("name=\"Do\"", "name=\"Caf\u{e9}\"");
    let bytes: Vec<u8> = xml.chars().map(|c| c as u32 as u8).collect();
    let p = dir.join("latin1.bpmn");
    std::fs::write(&p, &bytes).unwrap();
    assert_eq!(compile_file(&p).unwrap().elements[0].name, "Caf\u{e9}");
    std::fs::write(&p, [0xff, 0xfe, 0x00]).unwrap();
    assert!(compile_file(&p)
        .unwrap_err()
        .reason
        .contains("not valid UTF-8"));
    assert!(compile_file(dir.join("missing.bpmn"))
        .unwrap_err()
        .reason
        .contains("cannot read"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Link events (BPMN 2.0.2 section 10.5.6): a throw and the catch of the same link name in its
/// scope are joined by a flow `link:<throw>-><catch>`; both run as none intermediate events.
#[test]
fn link_events_join_their_halves() {
    let link = |id: &str, catch: bool, name: &str| {
        let t = if catch { "intermediateCatchEvent" } else { "intermediateThrowEvent" };
        format!("<bpmn:{t} id=\"{id}\" name=\"{name}\"><bpmn:linkEventDefinition id=\"{id}d\" name=\"{name}\"/></bpmn:{t}>\n")
    };
    let body = |extra: &str| {
        format!(
            "<bpmn:startEvent id=\"S\"/><bpmn:task id=\"A\"/><bpmn:task id=\"B\"/><bpmn:endEvent id=\"E\"/>\n{}{}{}{}{}{}{extra}",
            link("goB", false, "to B"),
            link("atB", true, "to B"),
            flow("f1", "S", "A"),
            flow("f2", "A", "goB"),
            flow("f3", "atB", "B"),
            flow("f4", "B", "E"),
        )
    };
    let m = ok(&process(&body("")));
    let (go, at) = (idx(&m, "goB"), idx(&m, "atB"));
    assert_eq!(m.elements[go].kind, ElementKind::IntermediateThrowEvent);
    assert_eq!(m.elements[at].kind, ElementKind::IntermediateThrowEvent);
    let f = m.activity_flows.iter().find(|f| f.bpmn_id == "link:goB->atB").expect("the link flow");
    assert_eq!((f.source as usize, f.target as usize), (go, at));
    assert_eq!(m.activity_flows.len(), 5);
    // a second throw of the same link is fine (several sources, one target)
    let m = ok(&process(&body(&(link("goB2", false, "to B") + &flow("f5", "S", "goB2")))));
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "link:goB2->atB"));
    // refused: no catch, two catches, a catch with incoming and a throw with outgoing flows
    let mut lonely = body("");
    lonely = lonely.replacen("name=\"to B\"><bpmn:linkEventDefinition id=\"goBd\" name=\"to B\"", "name=\"to C\"><bpmn:linkEventDefinition id=\"goBd\" name=\"to C\"", 1);
    assert_refused(&process(&lonely), "goB", "intermediateThrowEvent", "no link catch event named `to C`");
    assert_refused(&process(&body(&link("atB2", true, "to B"))), "atB2", "intermediateCatchEvent", "already has a catch event");
    assert_refused(&process(&body(&flow("f9", "S", "atB"))), "atB", "intermediateCatchEvent", "cannot have incoming");
    assert_refused(&process(&body(&flow("f9", "goB", "E"))), "goB", "intermediateThrowEvent", "cannot have outgoing");
    // a link is only an intermediate event
    let start = "<bpmn:startEvent id=\"L\"><bpmn:linkEventDefinition/></bpmn:startEvent>";
    assert_refused(&process(&body(start)), "L", "startEvent", "only intermediate");
}

/// Implicit start (BPMN 2.0.2 sections 10.5.2 and 10.3.5): a process or sub-process without
/// start events starts every flow node without incoming flow, through an implicit none start
/// event `<scope id>:implicit-start`; with a start event, a node without incoming flow is refused.
#[test]
fn a_scope_without_start_events_starts_implicitly() {
    let body = format!(
        "<bpmn:task id=\"A\"/><bpmn:task id=\"B\"/><bpmn:task id=\"C\"/><bpmn:endEvent id=\"E\"/>\n\
         <bpmn:subProcess id=\"Sub\"><bpmn:task id=\"X\"/></bpmn:subProcess>\n{}{}{}{}",
        flow("f1", "A", "B"),
        flow("f2", "B", "E"),
        flow("f3", "C", "Sub"),
        flow("f4", "Sub", "E"),
    );
    let m = ok(&process(&body));
    let start = idx(&m, "P:implicit-start");
    assert_eq!(m.elements[start].kind, ElementKind::StartEvent);
    assert_eq!(m.elements[start].name, "implicit start");
    let mut from_start: Vec<String> = m
        .activity_flows
        .iter()
        .filter(|f| f.source as usize == start)
        .map(|f| f.bpmn_id.clone())
        .collect();
    from_start.sort();
    assert_eq!(from_start, ["implicit:P:implicit-start->A", "implicit:P:implicit-start->C"]);
    // the sub-process has its own, to X
    let sub_start = idx(&m, "Sub:implicit-start");
    assert_eq!(m.elements[sub_start].scope, m.elements[idx(&m, "X")].scope);
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "implicit:Sub:implicit-start->X"));
    // with a start event, a flow node without incoming flow is refused
    let with_start = format!("<bpmn:startEvent id=\"S\"/>\n{}{body}", flow("f0", "S", "A"));
    assert_refused(&process(&with_start), "C", "task", "no incoming sequence flow, in a scope with start events");
}

/// Standard loops (BPMN 2.0.2 section 10.3.8) run through a loop gateway `A:loop`: with a
/// `loopCondition` it is a conditional exclusive gateway, without one a decision gateway whose
/// default flow leaves the loop; `testBefore` puts the test before the first iteration.
#[test]
fn standard_loops_compile_to_a_loop_gateway() {
    let body = |lp: &str| {
        format!(
            "<bpmn:startEvent id=\"S\"/><bpmn:userTask id=\"A\" name=\"Fix\">{lp}</bpmn:userTask><bpmn:endEvent id=\"E\"/>\n\
             <bpmn:dataObject id=\"ok\" name=\"ok\" itemSubjectRef=\"BoolItem\"/>\n{}{}",
            flow("f1", "S", "A"),
            flow("f2", "A", "E"),
        )
    };
    let with_items = |b: String| {
        process(&b).replace("<bpmn:process", "<bpmn:itemDefinition id=\"BoolItem\" structureRef=\"xsd:boolean\"/>\n<bpmn:process")
    };
    let gateway_flows = |m: &CompiledModel, g: usize| -> Vec<(String, usize, bool, bool)> {
        m.gateway_flows
            .iter()
            .filter(|f| f.gateway as usize == g)
            .map(|f| (f.bpmn_id.clone(), f.target as usize, f.condition.is_empty(), f.is_default))
            .collect()
    };
    // no loopCondition: a decision, the default leaves the loop
    let m = ok(&with_items(body("<bpmn:standardLoopCharacteristics/>")));
    let (a, g, e) = (idx(&m, "A"), idx(&m, "A:loop"), idx(&m, "E"));
    assert_eq!(m.elements[g].kind, ElementKind::ExclusiveGateway);
    assert_eq!(m.elements[g].name, "loop of Fix");
    assert_eq!(gateway_flows(&m, g), [("f2".to_string(), e, true, true), ("A:again".to_string(), a, true, false)]);
    let into_a: Vec<_> = m.activity_flows.iter().filter(|f| f.target as usize == a).map(|f| f.bpmn_id.clone()).collect();
    assert_eq!(into_a, ["f1"]);
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "A:loop-test" && f.source as usize == a && f.target as usize == g));
    // a loopCondition: the flow back is conditional
    let cond = "<bpmn:standardLoopCharacteristics><bpmn:loopCondition xsi:type=\"bpmn:tFormalExpression\">!ok</bpmn:loopCondition></bpmn:standardLoopCharacteristics>";
    let m = ok(&with_items(body(cond)));
    let g = idx(&m, "A:loop");
    let again = m.gateway_flows.iter().find(|f| f.bpmn_id == "A:again").unwrap();
    assert!(!again.condition.is_empty() && !again.is_default);
    assert_eq!(m.variables.len(), 1);
    // testBefore: A's incoming flow leads to the gateway
    let m = ok(&with_items(body(&cond.replace("<bpmn:standardLoopCharacteristics>", "<bpmn:standardLoopCharacteristics testBefore=\"true\">"))));
    let (a, g2) = (idx(&m, "A"), idx(&m, "A:loop"));
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "f1" && f.target as usize == g2));
    assert!(m.gateway_flows.iter().any(|f| f.bpmn_id == "A:again" && f.target as usize == a));
    let _ = g;
    // refused: loopMaximum, and a loop activity without exactly one outgoing flow
    assert_refused(&with_items(body("<bpmn:standardLoopCharacteristics loopMaximum=\"3\"/>")), "A", "userTask", "loopMaximum");
    let two_out = with_items(body("<bpmn:standardLoopCharacteristics/>") + &flow("f3", "A", "E"));
    assert_refused(&two_out, "A", "userTask", "exactly one outgoing sequence flow (it has 2)");
}

#[test]
fn read_model_honours_the_encoding_declaration() {
    let dir = std::env::temp_dir().join(format!("alstra-bpmn-read-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xml = process(&simple_body()).replace("UTF-8", "windows-1252").replace("name=\"Do\"", "name=\"Pr\u{fc}fen\"");
    let p = dir.join("cp1252.bpmn");
    std::fs::write(&p, xml.chars().map(|c| c as u32 as u8).collect::<Vec<u8>>()).unwrap();
    let text = alstra_bpmn::read_model(&p).unwrap();
    assert!(text.contains("Pr\u{fc}fen"));
    assert_eq!(compile(&text).unwrap().elements[0].name, "Pr\u{fc}fen");
    let _ = std::fs::remove_dir_all(&dir);
}

// ------------------------------------------------------------------------- limits

fn chain(n: usize) -> String {
    // start -> t0 -> ... -> t(n-1) -> end: n + 1 flows
    let mut b = String::from("<bpmn:startEvent id=\"S\"/><bpmn:endEvent id=\"E\"/>\n");
    for i in 0..n {
        b += &format!("<bpmn:task id=\"t{i}\"/>");
    }
    b += &flow("f", "S", "t0");
    for i in 1..n {
        b += &flow(&format!("f{i}"), &format!("t{}", i - 1), &format!("t{i}"));
    }
    b += &flow("fe", &format!("t{}", n - 1), "E");
    b
}

#[test]
fn places_limit() {
    let m = ok(&process(&chain(255)));
    assert_eq!(m.summary().places_per_scope, vec![256]);
    assert_eq!(m.activity_flows.last().unwrap().place, 255);
    let e = assert_refused(&process(&chain(256)), "P", "process", "257 places");
    assert!(e.reason.contains("limit is 256"));
}

#[test]
fn scopes_limit() {
    let sub = |i: usize| {
        format!("<bpmn:subProcess id=\"sp{i}\"><bpmn:startEvent id=\"ss{i}\"/></bpmn:subProcess>")
    };
    let build = |n: usize| {
        let mut b = String::from("<bpmn:startEvent id=\"S\"/>");
        for i in 0..n {
            b += &sub(i);
            b += &flow(&format!("f{i}"), "S", &format!("sp{i}"));
        }
        process(&b)
    };
    assert_eq!(ok(&build(255)).scopes.len(), 256);
    let e = refused(&build(256));
    assert!(
        e.reason.contains("257 scopes") && e.reason.contains("limit is 256"),
        "{e}"
    );
    assert_eq!(e.element_type.as_deref(), Some("definitions"));
}

#[test]
fn message_flows_limit() {
    let build = |n: usize| {
        let mut msgs = String::new();
        let mut p = String::from("<bpmn:startEvent id=\"S\"/><bpmn:sendTask id=\"T\"/>");
        p += &flow("f", "S", "T");
        for i in 0..n {
            msgs += &format!("<bpmn:messageFlow id=\"m{i}\" sourceRef=\"T\" targetRef=\"X\"/>");
        }
        defs(&format!(
            "<bpmn:collaboration id=\"C\"><bpmn:participant id=\"A\" processRef=\"P\"/><bpmn:participant id=\"X\"/>{msgs}</bpmn:collaboration><bpmn:process id=\"P\">{p}</bpmn:process>"
        ))
    };
    let m = ok(&build(256));
    assert_eq!(m.elements[0].message_out.count_ones(), 256);
    assert_eq!(m.elements[0].message_out, Bitmap256([0xff; 32]));
    let e = refused(&build(257));
    assert!(
        e.reason.contains("257 message flows") && e.reason.contains("limit is 256"),
        "{e}"
    );
}

#[test]
fn variables_limit() {
    let build = |n: usize| {
        let mut b = String::from("<bpmn:startEvent id=\"S\"/><bpmn:exclusiveGateway id=\"G\" default=\"fd\"/><bpmn:endEvent id=\"E\"/>");
        b += &flow("f", "S", "G");
        b += &flow("fd", "G", "E");
        for c in 0..n.div_ceil(100) {
            let names: Vec<String> = (c * 100..((c + 1) * 100).min(n))
                .map(|i| format!("v{i}"))
                .collect();
            b += &cflow(&format!("c{c}"), "G", "E", &names.join(" || "));
        }
        process(&b)
    };
    assert_eq!(ok(&build(256)).variables.len(), 256);
    let e = assert_refused(&build(257), "c2", "sequenceFlow", "257 variables");
    assert!(e.reason.contains("limit is 256"));
}

#[test]
fn elements_limit() {
    // the element count is checked before the flows, so isolated tasks suffice
    let mut b = String::with_capacity(65_536 * 24);
    b.push_str("<bpmn:startEvent id=\"S\"/>");
    for i in 0..65_535 {
        b.push_str(&format!("<bpmn:task id=\"t{i}\"/>"));
    }
    let e = refused(&process(&b));
    assert!(
        e.reason.contains("65536 elements") && e.reason.contains("limit is 65535"),
        "{e}"
    );
    assert_eq!(e.element_type.as_deref(), Some("definitions"));
}

/// Declared process variables: `property` / `dataObject` typed through an `itemDefinition`
/// (BPMN 2.0.2 8.3.10, 10.3.1) come first, in document order, whether a condition reads them or
/// not; a condition that uses one as another type is refused.
#[test]
fn declared_variables() {
    let items = r#"<bpmn:itemDefinition id="IntItem" structureRef="xsd:integer"/>
<bpmn:itemDefinition id="StrItem" structureRef="xsd:string"/>
<bpmn:itemDefinition id="BoolItem" structureRef="java.lang.Boolean"/>
<bpmn:itemDefinition id="DateItem" structureRef="xsd:dateTime"/>"#;
    let body = |decls: &str, cond: &str| {
        let p = format!(
            "<bpmn:process id=\"P\" name=\"Main\">\n{decls}\n<bpmn:startEvent id=\"S\"/><bpmn:exclusiveGateway id=\"G\" default=\"d\"/><bpmn:endEvent id=\"E1\"/><bpmn:endEvent id=\"E2\"/>\n{}{}{}</bpmn:process>",
            flow("f", "S", "G"),
            cflow("c", "G", "E1", cond),
            flow("d", "G", "E2")
        );
        defs(&format!("{items}\n{p}"))
    };
    let decls = r#"<bpmn:property id="p1" name="country" itemSubjectRef="StrItem"/>
<bpmn:dataObject id="amount" itemSubjectRef="tns:IntItem"/>
<bpmn:property id="p3" name="vip" itemSubjectRef="BoolItem"/>"#;
    let m = ok(&body(decls, "${vip || amount > 10}"));
    let vars: Vec<(&str, VariableType)> = m.variables.iter().map(|v| (v.name.as_str(), v.var_type)).collect();
    assert_eq!(vars, [("country", VariableType::String), ("amount", VariableType::Int), ("vip", VariableType::Bool)]);
    // a condition using a declared variable as another type
    let e = refused(&body(decls, "${country > 3}"));
    assert!(e.reason.contains("country"), "{e}");
    // an untyped data object, or one of a type the engine does not hold, declares nothing
    let m = ok(&body(r#"<bpmn:dataObject id="notes" name="Notes"/><bpmn:property id="d" name="due" itemSubjectRef="DateItem"/>"#, "${true}"));
    assert!(m.variables.is_empty());
    // a name no condition can write labels a document
    let m = ok(&body(r#"<bpmn:dataObject id="x" name="total amount" itemSubjectRef="IntItem"/>"#, "${true}"));
    assert!(m.variables.is_empty());
    // an item that does not exist
    let e = refused(&body(r#"<bpmn:dataObject id="x" name="n" itemSubjectRef="Nope"/>"#, "${true}"));
    assert!(e.reason.contains("no itemDefinition `Nope`"), "{e}");
}

/// Runs compiled models on the BPM core's engine with one participant holding every role.
mod run {
    use alstra_bpm_core::engine::{Engine, InstanceStatus, RuntimeDefinition};
    use alstra_bpmn::CompiledModel;

    pub const ALICE: [u8; 20] = [0xa1; 20];

    pub fn engine(m: &CompiledModel) -> Engine {
        let mut e = Engine::new();
        let roles = m.pools.iter().map(|p| p.role).chain(m.swimlanes.iter().map(|l| l.role));
        e.register_participant(ALICE, roles.collect::<Vec<_>>());
        e.publish(RuntimeDefinition::new(m));
        e
    }

    /// The BPMN ids of the tasks enabled in instance `id`.
    pub fn enabled(e: &Engine, m: &CompiledModel, id: u64) -> Vec<String> {
        let mut v: Vec<String> = e.enabled_tasks(id).iter().map(|i| m.elements[*i as usize].bpmn_id.clone()).collect();
        v.sort();
        v
    }

    pub fn complete(e: &mut Engine, m: &CompiledModel, id: u64, task: &str) {
        let i = m.element_index(task).unwrap_or_else(|| panic!("no element {task}"));
        e.complete_task(ALICE, id, i as u16, &[]).unwrap_or_else(|err| panic!("completing {task}: {err:?}"));
    }

    pub fn completed(e: &Engine, id: u64) -> bool {
        e.instance(id).unwrap().status == InstanceStatus::Completed
    }
}

/// `S -> A -> E` where task (or sub-process) `A` carries `mi` and `inner` (a sub-process's
/// content, empty for a task).
fn mi_model(tag: &str, mi: &str, inner: &str) -> String {
    process(&format!(
        "<bpmn:startEvent id=\"S\"/><bpmn:{tag} id=\"A\" name=\"Review\">{mi}{inner}</bpmn:{tag}><bpmn:endEvent id=\"E\"/>\n{}{}",
        flow("f1", "S", "A"),
        flow("f2", "A", "E")
    ))
}

fn mi(sequential: bool, cardinality: &str) -> String {
    format!(
        "<bpmn:multiInstanceLoopCharacteristics isSequential=\"{sequential}\"><bpmn:loopCardinality xsi:type=\"bpmn:tFormalExpression\">{cardinality}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
    )
}

#[test]
fn a_parallel_multi_instance_task_is_unrolled_between_a_split_and_a_join() {
    let m = ok(&mi_model("userTask", &mi(false, "3"), ""));
    let ids: Vec<&str> = m.elements.iter().map(|e| e.bpmn_id.as_str()).collect();
    for id in ["A#1", "A#2", "A#3", "A:mi-split", "A:mi-join"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert!(!ids.contains(&"A"), "the activity itself is replaced by its copies");
    assert_eq!(m.elements[idx(&m, "A#2")].name, "Review (2 of 3)");
    let (split, join) = (idx(&m, "A:mi-split"), idx(&m, "A:mi-join"));
    assert_eq!(m.elements[split].kind, ElementKind::ParallelGateway);
    assert_eq!(m.elements[join].kind, ElementKind::ParallelGateway);
    let into = |t: usize| -> Vec<String> {
        let mut v: Vec<String> = m.activity_flows.iter().filter(|f| f.target as usize == t).map(|f| f.bpmn_id.clone())
            .chain(m.gateway_flows.iter().filter(|f| f.target as usize == t).map(|f| f.bpmn_id.clone())).collect();
        v.sort();
        v
    };
    assert_eq!(into(split), ["f1"]);
    assert_eq!(into(join), ["A:mi-join-1", "A:mi-join-2", "A:mi-join-3"]);
    assert_eq!(into(idx(&m, "A#3")), ["A:mi-split-3"]);
    assert_eq!(into(idx(&m, "E")), ["f2"]);
    let places: std::collections::BTreeSet<u8> = m.activity_flows.iter().map(|f| f.place).chain(m.gateway_flows.iter().map(|f| f.place)).collect();
    assert_eq!(places.len(), 8, "one place per flow");

    // run: all three instances are enabled at once; the activity completes with the last one
    let mut e = run::engine(&m);
    let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
    assert_eq!(run::enabled(&e, &m, id), ["A#1", "A#2", "A#3"]);
    run::complete(&mut e, &m, id, "A#2");
    run::complete(&mut e, &m, id, "A#3");
    assert_eq!(run::enabled(&e, &m, id), ["A#1"]);
    assert!(!run::completed(&e, id), "the join waits for every instance");
    run::complete(&mut e, &m, id, "A#1");
    assert!(run::completed(&e, id));
}

#[test]
fn a_sequential_multi_instance_task_runs_its_instances_one_after_another() {
    let m = ok(&mi_model("userTask", &mi(true, " 2 "), ""));
    assert!(m.element_index("A:mi-split").is_none(), "no gateway");
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "A:mi-next-1"
        && f.source as usize == idx(&m, "A#1") && f.target as usize == idx(&m, "A#2")));
    let mut e = run::engine(&m);
    let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
    assert_eq!(run::enabled(&e, &m, id), ["A#1"]);
    run::complete(&mut e, &m, id, "A#1");
    assert_eq!(run::enabled(&e, &m, id), ["A#2"]);
    run::complete(&mut e, &m, id, "A#2");
    assert!(run::completed(&e, id));
}

#[test]
fn a_multi_instance_sub_process_is_copied_with_its_content_and_nested_ones_too() {
    // a sequential sub-process of 2 instances holding a parallel task of 2 instances and an
    // exclusive gateway with a default flow
    let inner = format!(
        "<bpmn:startEvent id=\"s\"/><bpmn:userTask id=\"t\" name=\"Quote\">{}</bpmn:userTask>\
         <bpmn:exclusiveGateway id=\"g\" default=\"d\"/><bpmn:endEvent id=\"e\"/>{}{}{}",
        mi(false, "2"),
        flow("i1", "s", "t"),
        flow("i2", "t", "g"),
        flow("d", "g", "e")
    );
    let m = ok(&mi_model("subProcess", &mi(true, "2"), &inner));
    let scopes: Vec<&str> = m.scopes.iter().map(|s| s.bpmn_id.as_str()).collect();
    assert_eq!(scopes, ["P", "A#1", "A#2"], "each copy of the sub-process is a scope of its own");
    for k in 1..=2 {
        let scope = k as u8;
        assert_eq!(m.elements[idx(&m, &format!("A#{k}"))].child_scope, scope);
        // inner ids carry the copy's suffix first, then the inner copy's
        for id in [format!("s#{k}"), format!("t#{k}#1"), format!("t#{k}#2"), format!("t#{k}:mi-split"), format!("g#{k}"), format!("e#{k}")] {
            assert_eq!(m.elements[idx(&m, &id)].scope, scope, "{id}");
        }
        assert_eq!(m.elements[idx(&m, &format!("t#{k}#2"))].name, format!("Quote ({k} of 2) (2 of 2)"));
        let default = m.gateway_flows.iter().find(|f| f.gateway as usize == idx(&m, &format!("g#{k}"))).unwrap();
        assert_eq!((default.bpmn_id.clone(), default.is_default), (format!("d#{k}"), true));
    }
    let mut e = run::engine(&m);
    let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
    assert_eq!(run::enabled(&e, &m, id), ["t#1#1", "t#1#2"]);
    run::complete(&mut e, &m, id, "t#1#1");
    run::complete(&mut e, &m, id, "t#1#2");
    assert_eq!(run::enabled(&e, &m, id), ["t#2#1", "t#2#2"], "the second instance of the sub-process");
    run::complete(&mut e, &m, id, "t#2#2");
    run::complete(&mut e, &m, id, "t#2#1");
    assert!(run::completed(&e, id));
}

#[test]
fn a_multi_instance_activity_with_several_incoming_flows_merges_them_first() {
    // two parallel branches both lead to A: they meet an exclusive gateway before the split (a
    // parallel gateway alone would join them). Both tokens reach it in one advance, and the
    // engine's markings are 1-safe (docs/bpm-engine.md, "Tokens"): the instances run once.
    let body = format!(
        "<bpmn:startEvent id=\"S\"/><bpmn:parallelGateway id=\"fork\"/><bpmn:userTask id=\"A\">{}</bpmn:userTask><bpmn:endEvent id=\"E\"/>{}{}{}{}",
        mi(false, "2"),
        flow("f0", "S", "fork"),
        flow("f1", "fork", "A"),
        flow("f2", "fork", "A"),
        flow("f3", "A", "E")
    );
    let m = ok(&process(&body));
    let (merge, split) = (idx(&m, "A:mi-merge"), idx(&m, "A:mi-split"));
    assert_eq!(m.elements[merge].kind, ElementKind::ExclusiveGateway);
    let into_merge: Vec<&str> = m.gateway_flows.iter().filter(|f| f.target as usize == merge).map(|f| f.bpmn_id.as_str()).collect();
    assert_eq!(into_merge, ["f1", "f2"]);
    assert!(m.gateway_flows.iter().any(|f| f.bpmn_id == "A:mi-merge" && f.gateway as usize == merge && f.target as usize == split));
    let mut e = run::engine(&m);
    let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
    assert_eq!(run::enabled(&e, &m, id), ["A#1", "A#2"]);
    run::complete(&mut e, &m, id, "A#1");
    run::complete(&mut e, &m, id, "A#2");
    assert!(run::completed(&e, id));
}

#[test]
fn multi_instance_refusals_name_the_activity() {
    let card = |c: &str| mi_model("userTask", &mi(false, c), "");
    assert_refused(&card("${count}"), "A", "userTask", "loopCardinality `${count}` is not an integer constant");
    assert_refused(&card("0"), "A", "userTask", "loopCardinality 0: a multi-instance activity has from 1 to 32 instances");
    assert_refused(&card("33"), "A", "userTask", "loopCardinality 33");
    let none = mi_model("userTask", "<bpmn:multiInstanceLoopCharacteristics/>", "");
    assert_refused(&none, "A", "userTask", "needs a loopCardinality");
    let collection = mi_model(
        "userTask",
        "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopDataInputRef>items</bpmn:loopDataInputRef></bpmn:multiInstanceLoopCharacteristics>",
        "",
    );
    assert_refused(&collection, "A", "userTask", "over a collection");
    let completion = mi(false, "2").replace(
        "</bpmn:multiInstanceLoopCharacteristics>",
        "<bpmn:completionCondition>done</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>",
    );
    assert_refused(&mi_model("userTask", &completion, ""), "A", "userTask", "completionCondition");
    // a message flow to an instance of a multi-instance task: which copy would it reach?
    let xml = defs(&format!(
        "<bpmn:collaboration id=\"C\"><bpmn:participant id=\"PP\" processRef=\"P\"/><bpmn:participant id=\"X\" name=\"Supplier\"/>\
         <bpmn:messageFlow id=\"m1\" sourceRef=\"X\" targetRef=\"A\"/></bpmn:collaboration>\n\
         <bpmn:process id=\"P\"><bpmn:startEvent id=\"S\"/><bpmn:userTask id=\"A\">{}</bpmn:userTask><bpmn:endEvent id=\"E\"/>{}{}</bpmn:process>",
        mi(false, "2"),
        flow("f1", "S", "A"),
        flow("f2", "A", "E")
    ));
    assert_refused(&xml, "m1", "messageFlow", "`A` is a multi-instance activity or inside one");
}

#[test]
fn conditional_and_default_flows_leaving_an_activity_split_after_it() {
    let items = "<bpmn:itemDefinition id=\"IntItem\" structureRef=\"xsd:integer\"/>\n<bpmn:process";
    let model = |outgoing: &str| {
        process(&format!(
            "<bpmn:dataObject id=\"amount\" name=\"amount\" itemSubjectRef=\"IntItem\"/>\
             <bpmn:startEvent id=\"S\"/><bpmn:userTask id=\"A\" name=\"Check\" default=\"d\"/><bpmn:task id=\"Big\"/><bpmn:task id=\"Small\"/>\
             <bpmn:endEvent id=\"E\"/>{}{outgoing}{}{}",
            flow("f1", "S", "A"),
            flow("f3", "Big", "E"),
            flow("f4", "Small", "E")
        ))
        .replace("<bpmn:process", items)
    };
    let m = ok(&model(&(cflow("big", "A", "Big", "amount > 1000") + &flow("d", "A", "Small"))));
    let (a, g) = (idx(&m, "A"), idx(&m, "A:split"));
    assert_eq!((m.elements[g].kind, m.elements[g].name.as_str()), (ElementKind::ExclusiveGateway, "after Check"));
    assert!(m.activity_flows.iter().any(|f| f.bpmn_id == "A:split" && f.source as usize == a && f.target as usize == g));
    let out: Vec<(&str, bool, bool)> = m.gateway_flows.iter().filter(|f| f.gateway as usize == g)
        .map(|f| (f.bpmn_id.as_str(), f.condition.is_empty(), f.is_default)).collect();
    assert_eq!(out, [("big", false, false), ("d", true, true)]);
    // run: the condition holds -> Big, else the default -> Small
    for (amount, next) in [(5000, "Big"), (10, "Small")] {
        let mut e = run::engine(&m);
        let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
        let out = [alstra_bpm_core::engine::Assignment { index: 0, value: alstra_bpm_core::Int256::from(amount as i128) }];
        e.complete_task(run::ALICE, id, a as u16, &out).unwrap();
        assert_eq!(run::enabled(&e, &m, id), [next], "amount {amount}");
    }
    // refused: two flows besides the default (an inclusive split), a default that is not one
    // of the activity's flows
    let two = model(&(cflow("big", "A", "Big", "amount > 1000") + &cflow("small", "A", "Small", "amount < 10") + &flow("d", "A", "E")));
    assert_refused(&two, "A", "userTask", "exactly one flow besides the default (it has 2: big, small)");
    let stray = model(&(cflow("big", "A", "Big", "amount > 1000") + &flow("x", "A", "Small"))).replace("default=\"d\"", "default=\"f3\"");
    assert_refused(&stray, "A", "userTask", "the default flow `f3` is not an outgoing sequence flow of this activity");
    // a condition on a flow leaving an event is still refused
    let from_event = process(&format!("<bpmn:startEvent id=\"S\"/><bpmn:endEvent id=\"E\"/>{}", cflow("c", "S", "E", "true")));
    assert_refused(&from_event, "c", "sequenceFlow", "leaving an exclusive gateway or an activity (the source `S` is a StartEvent)");
}

#[test]
fn a_parallel_multi_instance_task_without_outgoing_flow_ends_copy_by_copy() {
    let xml = process(&format!(
        "<bpmn:startEvent id=\"S\"/><bpmn:userTask id=\"A\">{}</bpmn:userTask>{}",
        mi(false, "2"),
        flow("f1", "S", "A")
    ));
    let m = ok(&xml);
    assert!(m.element_index("A:mi-join").is_none(), "nothing to join: each copy ends implicitly");
    let mut e = run::engine(&m);
    let (id, _) = e.start_instance(run::ALICE, 1, &[], &[]).unwrap();
    run::complete(&mut e, &m, id, "A#1");
    assert!(!run::completed(&e, id), "the other copy still waits");
    run::complete(&mut e, &m, id, "A#2");
    assert!(run::completed(&e, id));
}
