//! `compile` never panics: a seeded mutation loop over the real models (truncations, byte
//! flips, deleted attributes and lines, rewired references, renamed tags, garbage
//! conditions), "peeling" of refused models (the named element is cut out and the model
//! compiled again, to reach deeper checks) and hostile inputs. Every model that compiles is
//! checked for internal consistency (indexes in range, bytecode well-formed).

use alstra_bpmn::*;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn models() -> Vec<(String, String)> {
    // Read at run time, not with env!(): the shared target dir may hold this test binary from
    // another checkout, and cargo does not rebuild it for a new manifest path.
    let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo test sets CARGO_MANIFEST_DIR")).join("tests/data");
    let mut out = Vec::new();
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
        for f in files
            .into_iter()
            .filter(|f| f.extension().is_some_and(|e| e == "bpmn"))
        {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            out.push((name, std::fs::read_to_string(&f).unwrap()));
        }
    }
    out
}

/// Structural invariants of a compiled model (what the registry would re-check).
fn check_model(m: &CompiledModel) -> Result<(), String> {
    let ne = m.elements.len();
    let ns = m.scopes.len();
    let nt = m.triggers.len();
    if ne > MAX_ELEMENTS
        || ns > MAX_SCOPES
        || nt > MAX_MESSAGE_FLOWS
        || m.variables.len() > MAX_VARIABLES
    {
        return Err("limit exceeded".into());
    }
    if !m.pools.iter().any(|p| p.executable) {
        return Err("no executable pool".into());
    }
    let mut group = 0;
    for e in &m.elements {
        let g = if e.kind.is_activity() {
            0
        } else if e.kind.is_event() {
            1
        } else {
            2
        };
        if g < group {
            return Err(format!("element order: {}", e.bpmn_id));
        }
        group = g;
        if e.scope as usize >= ns
            || e.lane as usize > m.swimlanes.len()
            || e.message_in as usize > nt
        {
            return Err(format!("element {} out of range", e.bpmn_id));
        }
        if e.message_out.bits().iter().any(|b| *b as usize >= nt) {
            return Err(format!("messageOut of {}", e.bpmn_id));
        }
        if e.kind == ElementKind::SubProcess {
            let s = m.scopes.get(e.child_scope as usize).ok_or("childScope")?;
            if m.elements
                .get((s.parent_element as usize).wrapping_sub(1))
                .map(|x| &x.bpmn_id)
                != Some(&e.bpmn_id)
            {
                return Err(format!("scope of {} does not point back", e.bpmn_id));
            }
        }
    }
    for (k, e) in m.elements.iter().enumerate() {
        if e.kind.is_receiver() != (e.message_in != 0) {
            return Err(format!("messageIn of {}", e.bpmn_id));
        }
        if e.message_in != 0 && m.triggers[e.message_in as usize - 1].target as usize != k {
            return Err(format!("trigger of {} does not target it", e.bpmn_id));
        }
        for b in e.message_out.bits() {
            if m.triggers[b as usize].source_element as usize != k + 1 {
                return Err(format!(
                    "messageOut of {} names another sender's flow",
                    e.bpmn_id
                ));
            }
        }
    }
    for s in &m.scopes {
        if s.pool as usize >= m.pools.len() || s.parent_element as usize > ne {
            return Err(format!("scope {}", s.bpmn_id));
        }
    }
    for l in &m.swimlanes {
        if l.pool as usize >= m.pools.len() || l.role != keccak256(l.name.as_bytes()) {
            return Err(format!("lane {}", l.bpmn_id));
        }
    }
    for e in &m.elements {
        // the registry's LaneOfAnotherPool check
        if e.lane != 0 && m.swimlanes[e.lane as usize - 1].pool != m.scopes[e.scope as usize].pool {
            return Err(format!("lane of {} belongs to another pool", e.bpmn_id));
        }
    }
    for f in &m.activity_flows {
        let (s, t) = (
            m.elements.get(f.source as usize).ok_or("source")?,
            m.elements.get(f.target as usize).ok_or("target")?,
        );
        if s.kind.is_gateway() || s.scope != t.scope {
            return Err(format!("flow {}", f.bpmn_id));
        }
    }
    let zero = vec![Int256::ZERO; m.variables.len()];
    for f in &m.gateway_flows {
        let (s, t) = (
            m.elements.get(f.gateway as usize).ok_or("gateway")?,
            m.elements.get(f.target as usize).ok_or("target")?,
        );
        if !s.kind.is_gateway() || s.scope != t.scope {
            return Err(format!("flow {}", f.bpmn_id));
        }
        eval_condition(&f.condition, &zero).map_err(|e| format!("{}: {e}", f.bpmn_id))?;
        let mut i = 0;
        while i < f.condition.len() {
            match f.condition[i] {
                vm::OP_PUSH => i += 33,
                vm::OP_LOAD => {
                    if f.condition[i + 1] as usize >= m.variables.len() {
                        return Err(format!("{}: LOAD out of range", f.bpmn_id));
                    }
                    i += 2
                }
                _ => i += 1,
            }
        }
    }
    for t in &m.triggers {
        if t.target as usize >= ne
            || t.source_element as usize > ne
            || t.source_pool as usize >= m.pools.len()
        {
            return Err(format!("trigger {}", t.bpmn_id));
        }
    }
    let _ = m.summary();
    let _ = m.to_json();
    Ok(())
}

/// Compiles without panicking; returns the result. A panic or an inconsistent model fails
/// the test with the input's description.
fn run(xml: &str, what: &dyn Fn() -> String) -> Result<CompiledModel, CompileError> {
    let r = catch_unwind(AssertUnwindSafe(|| compile(xml)));
    match r {
        Err(_) => {
            let path = std::env::temp_dir().join("alstra-bpmn-panic.bpmn");
            let _ = std::fs::write(&path, xml);
            panic!(
                "compile panicked on {} (input saved to {})",
                what(),
                path.display()
            );
        }
        Ok(Ok(m)) => {
            if let Err(e) = check_model(&m) {
                panic!("inconsistent model for {}: {e}", what());
            }
            // the error path must render too
            Ok(m)
        }
        Ok(Err(e)) => {
            let _ = e.to_string();
            Err(e)
        }
    }
}

const TAGS: &[&str] = &[
    "task",
    "userTask",
    "sendTask",
    "receiveTask",
    "subProcess",
    "callActivity",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "exclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "sequenceFlow",
    "messageFlow",
    "participant",
    "lane",
    "process",
    "boundaryEvent",
    "messageEventDefinition",
    "terminateEventDefinition",
    "conditionExpression",
    "potentialOwner",
    "performer",
    "resourceRef",
    "documentation",
];
const REF_ATTRS: &[&str] = &[
    "sourceRef",
    "targetRef",
    "processRef",
    "default",
    "calledElement",
    "attachedToRef",
    "messageRef",
];
const CHARS: &[u8] = b"<>/\"'=:& \n!()|abcxyz019-_${}";
const CONDITION_TOKENS: &[&str] = &[
    "a",
    "b",
    "x",
    "true",
    "false",
    "1",
    "-7",
    "'s'",
    "\"t\"",
    "==",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "&&",
    "||",
    "and",
    "or",
    "not",
    "!",
    "(",
    ")",
    "not(",
    "bpmn:getDataObject('a')",
    "${",
    "}",
    "9999999999999999999999999999999999999999999999999999999999999999999999999999999",
];

fn ids(xml: &str) -> Vec<String> {
    xml.match_indices("id=\"")
        .filter_map(|(i, _)| xml[i + 4..].split('"').next().map(str::to_string))
        .take(500)
        .collect()
}

fn char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(rng: &mut Rng, xml: &str) -> (String, String) {
    let len = xml.len().max(1);
    match rng.below(9) {
        0 => {
            let at = char_boundary(xml, rng.below(len));
            (xml[..at].to_string(), format!("truncated at {at}"))
        }
        1 => {
            let mut b = xml.as_bytes().to_vec();
            let n = 1 + rng.below(4);
            for _ in 0..n {
                let i = rng.below(b.len().max(1));
                if i < b.len() && b[i].is_ascii() {
                    b[i] = *rng.pick(CHARS);
                }
            }
            (
                String::from_utf8(b).unwrap_or_else(|_| xml.to_string()),
                format!("{n} byte flips"),
            )
        }
        2 => {
            // delete one attribute occurrence
            let attrs = [
                "id",
                "name",
                "sourceRef",
                "targetRef",
                "processRef",
                "default",
                "calledElement",
                "triggeredByEvent",
            ];
            let a = rng.pick(&attrs);
            let pat = format!(" {a}=\"");
            let hits: Vec<usize> = xml.match_indices(&pat).map(|(i, _)| i).collect();
            if hits.is_empty() {
                return (xml.to_string(), "no-op".into());
            }
            let start = *rng.pick(&hits);
            let end = xml[start + pat.len()..]
                .find('"')
                .map_or(xml.len(), |e| start + pat.len() + e + 1);
            (
                format!("{}{}", &xml[..start], &xml[end..]),
                format!("deleted {a} at {start}"),
            )
        }
        3 => {
            // rewire a reference to another id of the document
            let ids = ids(xml);
            let a = rng.pick(REF_ATTRS);
            let pat = format!("{a}=\"");
            let hits: Vec<usize> = xml.match_indices(&pat).map(|(i, _)| i).collect();
            if hits.is_empty() || ids.is_empty() {
                return (xml.to_string(), "no-op".into());
            }
            let start = *rng.pick(&hits) + pat.len();
            let end = xml[start..].find('"').map_or(xml.len(), |e| start + e);
            let new = rng.pick(&ids).clone();
            (
                format!("{}{}{}", &xml[..start], new, &xml[end..]),
                format!("{a} -> {new}"),
            )
        }
        4 => {
            // rename a tag everywhere (start and end tags stay balanced)
            let from = rng.pick(TAGS);
            let to = rng.pick(TAGS);
            let mut out = xml.to_string();
            for sep in [":", "<", "</"] {
                for end in [" ", ">", "/", "\n", "\r", "\t"] {
                    out = out.replace(&format!("{sep}{from}{end}"), &format!("{sep}{to}{end}"));
                }
            }
            (out, format!("renamed {from} -> {to}"))
        }
        5 => {
            // duplicate or delete a line
            let lines: Vec<&str> = xml.lines().collect();
            let i = rng.below(lines.len());
            let dup = rng.below(2) == 0;
            let mut out = Vec::with_capacity(lines.len() + 1);
            for (k, l) in lines.iter().enumerate() {
                if k != i || dup {
                    out.push(*l);
                }
                if k == i && dup {
                    out.push(*l);
                }
            }
            (
                out.join("\n"),
                format!("{} line {i}", if dup { "duplicated" } else { "deleted" }),
            )
        }
        6 => {
            // garbage condition on some sequence flow
            let n = 1 + rng.below(8);
            let cond: Vec<&str> = (0..n).map(|_| *rng.pick(CONDITION_TOKENS)).collect();
            let cond = cond.join(" ").replace('&', "&amp;").replace('<', "&lt;");
            let hits: Vec<usize> = xml.match_indices("sequenceFlow ").map(|(i, _)| i).collect();
            if hits.is_empty() {
                return (xml.to_string(), "no-op".into());
            }
            let start = *rng.pick(&hits);
            let Some(close) = xml[start..].find("/>").map(|e| start + e) else {
                return (xml.to_string(), "no-op".into());
            };
            if xml[start..close].contains('>') {
                return (xml.to_string(), "no-op".into());
            }
            let prefix = xml[..start].rsplit('<').next().unwrap_or("");
            let ce = format!("{prefix}conditionExpression");
            (
                format!(
                    "{}><{ce}>{cond}</{ce}></{prefix}sequenceFlow>{}",
                    &xml[..close],
                    &xml[close + 2..]
                ),
                format!("condition `{cond}`"),
            )
        }
        7 => {
            // make every exclusive gateway event-based, or every task a receive task, ...
            let pairs = [
                ("exclusiveGateway", "eventBasedGateway"),
                ("task", "receiveTask"),
                ("userTask", "sendTask"),
                ("endEvent", "startEvent"),
                ("subProcess", "transaction"),
            ];
            let (a, b) = *rng.pick(&pairs);
            (
                xml.replace(&format!(":{a} "), &format!(":{b} "))
                    .replace(&format!(":{a}>"), &format!(":{b}>")),
                format!("{a} => {b} (start tags)"),
            )
        }
        _ => {
            // insert random characters
            let at = char_boundary(xml, rng.below(len));
            let n = 1 + rng.below(6);
            let junk: String = (0..n).map(|_| *rng.pick(CHARS) as char).collect();
            (
                format!("{}{}{}", &xml[..at], junk, &xml[at..]),
                format!("inserted {junk:?} at {at}"),
            )
        }
    }
}

fn mutation_loop(filter: impl Fn(&str, bool) -> bool, rounds: usize, seed: u64) -> usize {
    let mut rng = Rng(seed);
    let mut compiled = 0;
    for (name, xml) in models() {
        let ok = compile(&xml).is_ok();
        if !filter(&name, ok) {
            continue;
        }
        for round in 0..rounds {
            let mut cur = xml.clone();
            let mut steps = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let (next, what) = mutate(&mut rng, &cur);
                cur = next;
                steps.push(what);
            }
            let what = || format!("{name} round {round}: {}", steps.join(", "));
            if run(&cur, &what).is_ok() {
                compiled += 1;
            }
        }
    }
    compiled
}

#[test]
fn mutations_of_compiling_models_never_panic() {
    let n = mutation_loop(|_, ok| ok, 50, 0x5eed_0001);
    // many mutations keep the model valid: the success path is exercised too
    assert!(n > 20, "only {n} mutated models compiled");
}

#[test]
fn mutations_of_refused_models_never_panic() {
    mutation_loop(|_, ok| !ok, 4, 0x5eed_0002);
}

/// Cut out the element named by each error and compile again (up to 10 times per model,
/// 3 for the large ones, to stay fast in debug builds).
#[test]
fn peeling_refused_models_never_panics() {
    for (name, xml) in models() {
        let mut cur = xml.clone();
        let steps = if xml.len() > 60_000 { 3 } else { 10 };
        for step in 0..steps {
            let what = || format!("{name} peel step {step}");
            let Err(e) = run(&cur, &what) else { break };
            let Some(id) = e.element_id.clone() else {
                break;
            };
            let Ok(doc) = roxmltree::Document::parse(&cur) else {
                break;
            };
            let Some(node) = doc
                .descendants()
                .find(|n| n.is_element() && n.attribute("id") == Some(id.as_str()))
            else {
                break;
            };
            if node.parent_element().is_none() {
                break;
            }
            let r = node.range();
            let next = format!("{}{}", &cur[..r.start], &cur[r.end..]);
            drop(doc);
            cur = next;
        }
    }
}

#[test]
fn hostile_inputs_never_panic() {
    let ns = "http://www.omg.org/spec/BPMN/20100524/MODEL";
    let wrap = |body: &str| {
        format!("<b:definitions xmlns:b=\"{ns}\" id=\"D\"><b:process id=\"P\">{body}</b:process></b:definitions>")
    };
    let mut inputs: Vec<(String, String)> = vec![
        ("empty".into(), String::new()),
        ("bom".into(), "\u{feff}".into()),
        ("text".into(), "hello".into()),
        ("non-bpmn root".into(), "<x/>".into()),
        (
            "definitions only".into(),
            format!("<definitions xmlns=\"{ns}\"/>"),
        ),
        ("nul".into(), "<a>\0</a>".into()),
        (
            "entities".into(),
            "<!DOCTYPE a [<!ENTITY x \"&x;&x;\">]><a>&x;</a>".into(),
        ),
    ];
    // deep plain nesting inside a process
    inputs.push((
        "deep nesting".into(),
        wrap(&format!(
            "{}{}",
            "<x>".repeat(50_000),
            "</x>".repeat(50_000)
        )),
    ));
    inputs.push((
        "deep comment-hidden nesting".into(),
        wrap(&format!(
            "<!-- {} -->{}{}",
            "<x>".repeat(1000),
            "<x a='/>'>".repeat(300),
            "</x>".repeat(300)
        )),
    ));
    inputs.push((
        "deep nesting in CDATA".into(),
        wrap(&format!(
            "<b:startEvent id=\"S\"><![CDATA[{}]]></b:startEvent>",
            "<x>".repeat(10_000)
        )),
    ));
    // deeply nested sub-processes (within and beyond the depth limit)
    for depth in [150, 300] {
        let mut sub = String::from("<b:startEvent id=\"s\"/>");
        for i in 0..depth {
            sub = format!(
                "<b:startEvent id=\"s{i}\"/><b:subProcess id=\"sp{i}\">{sub}</b:subProcess>"
            );
        }
        inputs.push((format!("{depth} nested sub-processes"), wrap(&sub)));
    }
    // deeply nested lanes
    let mut lanes = String::from("<b:flowNodeRef>S</b:flowNodeRef>");
    for i in 0..90 {
        lanes = format!(
            "<b:lane id=\"l{i}\"><b:childLaneSet id=\"c{i}\">{lanes}</b:childLaneSet></b:lane>"
        );
    }
    inputs.push((
        "nested lanes".into(),
        wrap(&format!(
            "<b:laneSet id=\"ls\">{lanes}</b:laneSet><b:startEvent id=\"S\"/>"
        )),
    ));
    // pathological conditions
    let gw = |cond: &str| {
        wrap(&format!(
            "<b:startEvent id=\"S\"/><b:exclusiveGateway id=\"G\" default=\"d\"/><b:endEvent id=\"E\"/>\
             <b:sequenceFlow id=\"f\" sourceRef=\"S\" targetRef=\"G\"/><b:sequenceFlow id=\"d\" sourceRef=\"G\" targetRef=\"E\"/>\
             <b:sequenceFlow id=\"c\" sourceRef=\"G\" targetRef=\"E\"><b:conditionExpression>{cond}</b:conditionExpression></b:sequenceFlow>"
        ))
    };
    for cond in [
        "(".repeat(10_000),
        "!".repeat(10_000),
        "not ".repeat(5_000),
        "a &amp;&amp; ".repeat(5_000) + "a",
        "${".repeat(1000),
        "'".into(),
        "bpmn:getDataObject(".into(),
        "\u{e9}\u{1F600} == 'x'".into(),
        "-".into(),
        "a == -".into(),
    ] {
        inputs.push((
            format!("condition {}", &cond[..cond.len().min(20)]),
            gw(&cond),
        ));
    }
    // a huge attribute and many ids
    inputs.push((
        "huge attribute".into(),
        wrap(&format!(
            "<b:startEvent id=\"S\" name=\"{}\"/>",
            "x".repeat(1_000_000)
        )),
    ));
    let mut rng = Rng(0x5eed_0003);
    for i in 0..200 {
        let n = rng.below(300);
        let bytes: String = (0..n).map(|_| *rng.pick(CHARS) as char).collect();
        inputs.push((format!("random {i}"), bytes));
    }
    for (what, xml) in inputs {
        let _ = run(&xml, &|| what.clone());
    }
}
