//! BPMN 2.0 XML -> [`CompiledModel`].

use crate::error::CompileError;
use crate::expr::{compile_condition, VarTable};
use alstra_bpm_core::model::*;
use roxmltree::{Document, Node, NodeId, ParsingOptions};
use std::collections::{HashMap, HashSet};

/// The BPMN 2.0 model namespace; elements are recognized by this URI, whatever their prefix.
pub const BPMN_NS: &str = "http://www.omg.org/spec/BPMN/20100524/MODEL";
pub use alstra_bpm_core::limits::{
    MAX_ELEMENTS, MAX_MESSAGE_FLOWS, MAX_PLACES, MAX_POOLS, MAX_SCOPES, MAX_SWIMLANES as MAX_LANES,
    MAX_VARIABLES,
};
/// Maximum number of XML nodes accepted (memory bound for hostile input).
pub const MAX_XML_NODES: u32 = 5_000_000;
/// Maximum element nesting depth accepted (the XML parser recurses per level; real BPMN
/// files nest about 10 levels).
pub const MAX_XML_DEPTH: usize = 200;

const ACTIVITY_TAGS: &[&str] = &[
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "businessRuleTask",
    "subProcess",
    "callActivity",
];

const FLOW_NODE_TAGS: &[&str] = &[
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "sendTask",
    "receiveTask",
    "scriptTask",
    "businessRuleTask",
    "subProcess",
    "callActivity",
    "transaction",
    "adHocSubProcess",
    "startEvent",
    "endEvent",
    "intermediateThrowEvent",
    "intermediateCatchEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "inclusiveGateway",
    "complexGateway",
];

/// Resource roles of an activity (BPMN 2.0 spec 10.2.1): `resourceRole` and its
/// specializations.
const RESOURCE_ROLE_TAGS: &[&str] = &[
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceRole",
];

fn is_bpmn(n: &Node) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(BPMN_NS)
}

fn tag<'a>(n: &Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

fn is_tag(n: &Node, t: &str) -> bool {
    is_bpmn(n) && tag(n) == t
}

fn bpmn_children<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(is_bpmn)
}

/// Whitespace-normalized text: trimmed, runs of whitespace (including newlines) -> one space.
fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn attr<'a>(n: &Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute(name).map(str::trim).filter(|s| !s.is_empty())
}

/// A reference attribute (`processRef`, `calledElement`, ...) that may be a QName: a prefix
/// bound to a namespace in scope is dropped.
fn local_ref<'a>(n: &Node, value: &'a str) -> &'a str {
    if let Some((prefix, local)) = value.split_once(':') {
        if n.lookup_namespace_uri(Some(prefix)).is_some() {
            return local;
        }
    }
    value
}

fn text_of(n: &Node) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect()
}

/// The performer a task names, as (role name, id of the `bpmn:resource` when one names it):
/// the first resource role (performer, humanPerformer, potentialOwner, resourceRole) that
/// yields a name — the name of the resource its `resourceRef` points to (else the referenced
/// id), else its `resourceAssignmentExpression` text, else its own `name` — else the first
/// `@ Role @` annotation of its documentation (Caterpillar's convention). Names are
/// whitespace-normalized like lane names.
fn performer_of<'a, 'i>(
    task: &Node<'a, 'i>,
    resources: &HashMap<&str, Node<'a, 'i>>,
) -> Option<(String, Option<String>)> {
    for rr in bpmn_children(*task).filter(|c| RESOURCE_ROLE_TAGS.contains(&tag(c))) {
        if let Some(r) = bpmn_children(rr).find(|c| tag(c) == "resourceRef") {
            let text = text_of(&r);
            let rid = local_ref(&r, text.trim());
            if !rid.is_empty() {
                return Some(match resources.get(rid) {
                    Some(res) => {
                        let name = norm(res.attribute("name").unwrap_or(""));
                        let name = if name.is_empty() { norm(rid) } else { name };
                        (name, Some(rid.to_string()))
                    }
                    None => (norm(rid), None),
                });
            }
        }
        let expr = bpmn_children(rr)
            .filter(|c| tag(c) == "resourceAssignmentExpression")
            .flat_map(bpmn_children)
            .find(|c| matches!(tag(c), "formalExpression" | "expression"))
            .map(|e| norm(&text_of(&e)))
            .filter(|t| !t.is_empty());
        if let Some(name) = expr {
            return Some((name, None));
        }
        let own = norm(rr.attribute("name").unwrap_or(""));
        if !own.is_empty() {
            return Some((own, None));
        }
    }
    bpmn_children(*task)
        .filter(|c| tag(c) == "documentation")
        .find_map(|d| doc_annotation(&text_of(&d)))
        .map(|name| (name, None))
}

/// The role named by the first `@ ... @` pair of a documentation text (Caterpillar).
fn doc_annotation(text: &str) -> Option<String> {
    let (_, rest) = text.split_once('@')?;
    let (name, _) = rest.split_once('@')?;
    let name = norm(name);
    (!name.is_empty()).then_some(name)
}

struct PoolInfo<'a, 'i> {
    record: Pool,
    node: Node<'a, 'i>,
    process: Option<Node<'a, 'i>>,
}

struct ScopeInfo<'a, 'i> {
    node: Node<'a, 'i>,
    pool: usize,
    /// Position (in `nodes`) of the SubProcess element that opens it.
    opener: Option<usize>,
}

struct NodeInfo<'a, 'i> {
    node: Node<'a, 'i>,
    id: String,
    kind: ElementKind,
    scope: usize,
    /// Position of the enclosing SubProcess node, if any.
    container: Option<usize>,
    child_scope: usize,
    called: [u8; 32],
    lane: usize,
    message_in: usize,
    message_out: Bitmap256,
    incoming: Vec<usize>,
    outgoing: Vec<usize>,
}

struct FlowInfo<'a, 'i> {
    node: Node<'a, 'i>,
    id: String,
    scope: usize,
    source: usize,
    target: usize,
    condition: Option<String>,
    place: usize,
}

#[derive(Clone, Copy)]
enum Endpoint {
    Element(usize),
    Pool(usize),
}

struct Compiler<'a, 'i> {
    doc: &'a Document<'i>,
    root: Node<'a, 'i>,
    pools: Vec<PoolInfo<'a, 'i>>,
    /// process node -> pool index
    process_pool: HashMap<NodeId, usize>,
    scopes: Vec<ScopeInfo<'a, 'i>>,
    nodes: Vec<NodeInfo<'a, 'i>>,
    node_by_id: HashMap<String, usize>,
    flows: Vec<FlowInfo<'a, 'i>>,
    ids: HashMap<String, Node<'a, 'i>>,
    /// Every BPMN element of the document by id (first occurrence), for reference lookups.
    all_ids: HashMap<&'a str, Node<'a, 'i>>,
    swimlanes: Vec<Swimlane>,
    triggers: Vec<EventTrigger>,
}

/// Compiles a BPMN 2.0 XML document into the on-chain records.
///
/// Never panics. Errors: malformed XML (the parser's message, with line and column), a root
/// that is not a BPMN `definitions`, an unsupported construct (named by id, BPMN type and
/// line, see docs/bpm-engine.md "Not supported"), a structural error (unknown references,
/// start event with incoming flows, exclusive gateway flow without condition, ...), a
/// condition outside the expression language or badly typed, or a limit exceeded (256 places
/// per scope, 256 message flows, 256 scopes, 256 variables, 256 pools, 65,535 elements).
pub fn compile(xml: &str) -> Result<CompiledModel, CompileError> {
    check_depth(xml)?;
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
    };
    let doc = Document::parse_with_options(xml, opts).map_err(|e| CompileError {
        element_id: None,
        element_type: None,
        line: Some(e.pos().row),
        reason: format!("malformed XML: {e}"),
    })?;
    let root = doc.root_element();
    let mut all_ids = HashMap::new();
    for n in root.descendants().filter(is_bpmn) {
        if let Some(id) = n.attribute("id") {
            all_ids.entry(id).or_insert(n);
        }
    }
    let mut c = Compiler {
        all_ids,
        doc: &doc,
        root,
        pools: Vec::new(),
        process_pool: HashMap::new(),
        scopes: Vec::new(),
        nodes: Vec::new(),
        node_by_id: HashMap::new(),
        flows: Vec::new(),
        ids: HashMap::new(),
        swimlanes: Vec::new(),
        triggers: Vec::new(),
    };
    c.run()
}

/// Refuses documents nested deeper than [`MAX_XML_DEPTH`] before they reach the (recursive)
/// XML parser. The scan follows the parser's tokenization (comments, CDATA, processing
/// instructions, quoted attribute values, self-closing tags); on malformed input it may only
/// over-estimate the depth, and it stops where the parser would fail anyway.
fn check_depth(xml: &str) -> Result<(), CompileError> {
    let b = xml.as_bytes();
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p)
    };
    let mut depth = 0usize;
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|r| r.iter().position(|c| *c == b'<')) {
        i += off;
        let rest = &b[i..];
        let next = if rest.starts_with(b"<!--") {
            find(i + 4, b"-->").map(|e| e + 3)
        } else if rest.starts_with(b"<![CDATA[") {
            find(i + 9, b"]]>").map(|e| e + 3)
        } else if rest.starts_with(b"<?") {
            find(i + 2, b"?>").map(|e| e + 2)
        } else if rest.starts_with(b"<!") {
            find(i + 2, b">").map(|e| e + 1)
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            find(i + 2, b">").map(|e| e + 1)
        } else {
            // start tag: skip quoted attribute values
            let mut j = i + 1;
            let mut quote = None;
            let mut end = None;
            while j < b.len() {
                match (quote, b[j]) {
                    (Some(q), c) if c == q => quote = None,
                    (Some(_), _) => {}
                    (None, b'"') | (None, b'\'') => quote = Some(b[j]),
                    (None, b'>') => {
                        end = Some(j);
                        break;
                    }
                    _ => {}
                }
                j += 1;
            }
            if let Some(e) = end {
                if b[e - 1] != b'/' {
                    depth += 1;
                    if depth > MAX_XML_DEPTH {
                        let line = xml.get(..i).map_or(0, |s| s.matches('\n').count()) + 1;
                        return Err(CompileError {
                            element_id: None,
                            element_type: None,
                            line: Some(line as u32),
                            reason: format!(
                                "XML nested too deeply (more than {MAX_XML_DEPTH} levels of elements)"
                            ),
                        });
                    }
                }
                Some(e + 1)
            } else {
                None
            }
        };
        match next {
            Some(n) => i = n,
            None => break,
        }
    }
    Ok(())
}

/// Reads and compiles a `.bpmn` file. The file must be UTF-8 (a BOM is skipped), or
/// ISO-8859-1 / Windows-1252 when its XML declaration says so. I/O and decoding errors are
/// reported as a [`CompileError`] without element.
pub fn compile_file(path: impl AsRef<std::path::Path>) -> Result<CompiledModel, CompileError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| CompileError::new(format!("cannot read {}: {e}", path.display())))?;
    let text = decode(&bytes).map_err(|e| CompileError::new(format!("{}: {e}", path.display())))?;
    compile(&text)
}

fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            let head: String = bytes
                .iter()
                .take(200)
                .map(|b| *b as char)
                .collect::<String>();
            let head = head.to_ascii_lowercase();
            let latin = head.starts_with("<?xml")
                && ["iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252"]
                    .iter()
                    .any(|enc| head.split("?>").next().unwrap_or("").contains(enc));
            if latin {
                Ok(bytes.iter().map(|b| *b as char).collect())
            } else {
                Err(format!("the file is not valid UTF-8 ({e})"))
            }
        }
    }
}

impl<'a, 'i> Compiler<'a, 'i> {
    fn line(&self, n: &Node) -> u32 {
        self.doc.text_pos_at(n.range().start).row
    }

    fn err(&self, n: &Node, reason: impl Into<String>) -> CompileError {
        CompileError {
            element_id: n.attribute("id").map(str::to_string),
            element_type: Some(tag(n).to_string()),
            line: Some(self.line(n)),
            reason: reason.into(),
        }
    }

    /// An error about the whole model (names the `definitions` element).
    fn model_err(&self, reason: impl Into<String>) -> CompileError {
        let root = self.root;
        self.err(&root, reason)
    }

    fn require_id(&self, n: &Node<'a, 'i>) -> Result<String, CompileError> {
        match attr(n, "id") {
            Some(id) => Ok(id.to_string()),
            None => Err(self.err(n, format!("a {} needs an id", tag(n)))),
        }
    }

    fn register_id(&mut self, id: &str, n: Node<'a, 'i>) -> Result<(), CompileError> {
        if let Some(prev) = self.ids.get(id) {
            return Err(self.err(
                &n,
                format!(
                    "duplicate id `{id}` (also used by the {} at line {})",
                    tag(prev),
                    self.line(prev)
                ),
            ));
        }
        self.ids.insert(id.to_string(), n);
        Ok(())
    }

    fn run(&mut self) -> Result<CompiledModel, CompileError> {
        let root = self.root;
        if !is_tag(&root, "definitions") {
            return Err(CompileError {
                element_id: root.attribute("id").map(str::to_string),
                element_type: Some(tag(&root).to_string()),
                line: Some(self.line(&root)),
                reason: format!(
                    "the root element is not a BPMN 2.0 `definitions` (namespace {BPMN_NS})"
                ),
            });
        }
        // A choreography is refused before anything else: its participants are not pools.
        if let Some(ch) = bpmn_children(root)
            .find(|n| matches!(tag(n), "choreography" | "globalChoreographyTask"))
        {
            return Err(self.err(&ch, "choreographies are not supported"));
        }
        self.collect_pools()?;
        self.walk_processes()?;
        if self.nodes.len() > MAX_ELEMENTS {
            return Err(self.model_err(format!(
                "the model has {} elements, the limit is {MAX_ELEMENTS}",
                self.nodes.len()
            )));
        }
        let index = self.element_indexes();
        self.collect_lanes()?;
        self.collect_performers()?;
        self.collect_flows()?;
        self.check_nodes()?;
        self.collect_message_flows(&index)?;
        let (conditions, variables) = self.compile_conditions()?;
        Ok(self.assemble(&index, conditions, variables))
    }

    // ---------------------------------------------------------------- pools

    fn has_flow_nodes(process: &Node) -> bool {
        bpmn_children(*process).any(|c| FLOW_NODE_TAGS.contains(&tag(&c)))
    }

    fn collect_pools(&mut self) -> Result<(), CompileError> {
        let root = self.root;
        let processes: Vec<Node<'a, 'i>> = bpmn_children(root)
            .filter(|n| tag(n) == "process")
            .collect();
        let mut process_by_id: HashMap<&str, Node<'a, 'i>> = HashMap::new();
        for p in &processes {
            if let Some(id) = attr(p, "id") {
                process_by_id.entry(id).or_insert(*p);
            }
        }
        let called: HashSet<&str> = root
            .descendants()
            .filter(|n| is_tag(n, "callActivity"))
            .filter_map(|n| attr(&n, "calledElement").map(|v| local_ref(&n, v)))
            .collect();

        let mut referenced: HashSet<NodeId> = HashSet::new();
        for collab in bpmn_children(root).filter(|n| tag(n) == "collaboration") {
            for part in bpmn_children(collab).filter(|n| tag(n) == "participant") {
                let id = self.require_id(&part)?;
                self.register_id(&id, part)?;
                let name = norm(part.attribute("name").unwrap_or(""));
                let name = if name.is_empty() { id.clone() } else { name };
                let mut process = None;
                if let Some(pref) = attr(&part, "processRef") {
                    let pref = local_ref(&part, pref);
                    let Some(p) = process_by_id.get(pref).copied() else {
                        return Err(self.err(
                            &part,
                            format!("processRef `{pref}` does not name a process of this file"),
                        ));
                    };
                    if !referenced.insert(p.id()) {
                        return Err(self.err(
                            &part,
                            format!(
                                "process `{pref}` is already the process of another participant"
                            ),
                        ));
                    }
                    if Self::has_flow_nodes(&p) {
                        process = Some(p);
                    }
                }
                self.push_pool(id, name, part, process)?;
            }
        }
        // Processes with flow nodes that no participant references become pools of their own
        // (a plain process without collaboration, or a pool whose participant is missing), except
        // processes called by a call activity of this file (separate definitions), unless
        // nothing else would be left.
        let candidates: Vec<Node<'a, 'i>> = processes
            .iter()
            .copied()
            .filter(|p| !referenced.contains(&p.id()) && Self::has_flow_nodes(p))
            .collect();
        let not_called: Vec<Node<'a, 'i>> = candidates
            .iter()
            .copied()
            .filter(|p| attr(p, "id").is_none_or(|id| !called.contains(id)))
            .collect();
        let has_executable = self.pools.iter().any(|p| p.process.is_some());
        let implicit = if not_called.is_empty() && !has_executable {
            candidates
        } else {
            not_called
        };
        for p in implicit {
            let id = self.require_id(&p)?;
            let name = norm(p.attribute("name").unwrap_or(""));
            let name = if name.is_empty() { id.clone() } else { name };
            self.push_pool(id, name, p, Some(p))?;
        }
        if !self.pools.iter().any(|p| p.process.is_some()) {
            return Err(self.model_err(
                "the model has no executable process (no pool whose process has flow nodes)",
            ));
        }
        Ok(())
    }

    fn push_pool(
        &mut self,
        id: String,
        name: String,
        node: Node<'a, 'i>,
        process: Option<Node<'a, 'i>>,
    ) -> Result<(), CompileError> {
        if self.pools.len() >= MAX_POOLS {
            let root = self.root;
            let n = bpmn_children(root)
                .filter(|c| tag(c) == "collaboration")
                .flat_map(|c| bpmn_children(c).filter(|p| tag(p) == "participant"))
                .count()
                .max(self.pools.len() + 1);
            return Err(
                self.model_err(format!("the model has {n} pools, the limit is {MAX_POOLS}"))
            );
        }
        let idx = self.pools.len();
        if let Some(p) = process {
            self.process_pool.insert(p.id(), idx);
        }
        let role = keccak256(name.as_bytes());
        self.pools.push(PoolInfo {
            record: Pool {
                bpmn_id: id,
                name,
                role,
                executable: process.is_some(),
            },
            node,
            process,
        });
        Ok(())
    }

    // ---------------------------------------------------------------- flow nodes

    fn walk_processes(&mut self) -> Result<(), CompileError> {
        let root = self.root;
        for top in bpmn_children(root) {
            if tag(&top) == "process" {
                if let Some(&pool) = self.process_pool.get(&top.id()) {
                    self.walk(top, pool)?;
                }
            }
        }
        Ok(())
    }

    fn count_scopes(&self) -> usize {
        let pools: Vec<Node> = self.pools.iter().filter_map(|p| p.process).collect();
        pools.len()
            + pools
                .iter()
                .flat_map(|p| p.descendants())
                .filter(|d| {
                    is_tag(d, "subProcess")
                        && d.parent_element().is_some_and(|par| {
                            is_tag(&par, "process") || is_tag(&par, "subProcess")
                        })
                })
                .count()
    }

    fn new_scope(
        &mut self,
        node: Node<'a, 'i>,
        pool: usize,
        opener: Option<usize>,
    ) -> Result<usize, CompileError> {
        if self.scopes.len() >= MAX_SCOPES {
            return Err(self.model_err(format!(
                "the model has {} scopes (pool processes and embedded sub-processes), the limit is {MAX_SCOPES}",
                self.count_scopes()
            )));
        }
        self.scopes.push(ScopeInfo { node, pool, opener });
        Ok(self.scopes.len() - 1)
    }

    fn walk(&mut self, process: Node<'a, 'i>, pool: usize) -> Result<(), CompileError> {
        let pid = self.require_id(&process)?;
        self.register_id(&pid, process)?;
        let mut container_scope: HashMap<NodeId, (usize, Option<usize>)> = HashMap::new();
        let top = self.new_scope(process, pool, None)?;
        container_scope.insert(process.id(), (top, None));
        for d in process.descendants().skip(1) {
            if !is_bpmn(&d) {
                continue;
            }
            let Some(parent) = d.parent_element() else {
                continue;
            };
            let Some(&(scope, container)) = container_scope.get(&parent.id()) else {
                continue;
            };
            let t = tag(&d);
            let kind = match t {
                _ if ACTIVITY_TAGS.contains(&t) => {
                    self.check_activity(&d)?;
                    match t {
                        "task" => ElementKind::Task,
                        "userTask" => ElementKind::UserTask,
                        "manualTask" => ElementKind::ManualTask,
                        "serviceTask" => ElementKind::ServiceTask,
                        "sendTask" => ElementKind::SendTask,
                        "receiveTask" => ElementKind::ReceiveTask,
                        "scriptTask" => ElementKind::ScriptTask,
                        "businessRuleTask" => ElementKind::BusinessRuleTask,
                        "subProcess" => ElementKind::SubProcess,
                        _ => ElementKind::CallActivity,
                    }
                }
                "transaction" => return Err(self.err(&d, "transactions are not supported")),
                "adHocSubProcess" => {
                    return Err(self.err(&d, "ad-hoc sub-processes are not supported"))
                }
                "startEvent" | "endEvent" | "intermediateThrowEvent" | "intermediateCatchEvent" => {
                    self.event_kind(&d)?
                }
                "boundaryEvent" => return Err(self.err(&d, "boundary events are not supported")),
                "exclusiveGateway" => ElementKind::ExclusiveGateway,
                "parallelGateway" => ElementKind::ParallelGateway,
                "eventBasedGateway" => {
                    if attr(&d, "instantiate") == Some("true") {
                        return Err(self.err(
                            &d,
                            "instantiating event-based gateways (instantiate=\"true\") are not supported",
                        ));
                    }
                    if attr(&d, "eventGatewayType") == Some("Parallel") {
                        return Err(self.err(&d, "parallel event-based gateways are not supported"));
                    }
                    ElementKind::EventBasedGateway
                }
                "inclusiveGateway" => {
                    return Err(self.err(&d, "inclusive gateways are not supported"))
                }
                "complexGateway" => return Err(self.err(&d, "complex gateways are not supported")),
                "callChoreography" | "subChoreography" | "choreographyTask" => {
                    return Err(self.err(&d, "choreographies are not supported"))
                }
                "sequenceFlow" => {
                    let id = self.require_id(&d)?;
                    self.register_id(&id, d)?;
                    self.flows.push(FlowInfo {
                        node: d,
                        id,
                        scope,
                        source: 0,
                        target: 0,
                        condition: None,
                        place: 0,
                    });
                    continue;
                }
                _ => continue,
            };
            let id = self.require_id(&d)?;
            self.register_id(&id, d)?;
            let pos = self.nodes.len();
            let called = if kind == ElementKind::CallActivity {
                let v = attr(&d, "calledElement").unwrap_or("");
                keccak256(local_ref(&d, v).as_bytes())
            } else {
                [0; 32]
            };
            self.nodes.push(NodeInfo {
                node: d,
                id: id.clone(),
                kind,
                scope,
                container,
                child_scope: 0,
                called,
                lane: 0,
                message_in: 0,
                message_out: Bitmap256::ZERO,
                incoming: Vec::new(),
                outgoing: Vec::new(),
            });
            self.node_by_id.insert(id, pos);
            if kind == ElementKind::SubProcess {
                let s = self.new_scope(d, pool, Some(pos))?;
                self.nodes[pos].child_scope = s;
                container_scope.insert(d.id(), (s, Some(pos)));
            }
        }
        Ok(())
    }

    fn check_activity(&self, d: &Node) -> Result<(), CompileError> {
        for c in bpmn_children(*d) {
            match tag(&c) {
                "multiInstanceLoopCharacteristics" => {
                    return Err(self.err(d, "multi-instance activities are not supported"))
                }
                "standardLoopCharacteristics" => {
                    return Err(self.err(d, "loop activities are not supported"))
                }
                _ => {}
            }
        }
        if attr(d, "isForCompensation") == Some("true") {
            return Err(self.err(d, "compensation activities are not supported"));
        }
        let t = tag(d);
        if t == "subProcess" && attr(d, "triggeredByEvent") == Some("true") {
            return Err(self.err(d, "event sub-processes are not supported"));
        }
        if t == "callActivity" && attr(d, "calledElement").is_none() {
            return Err(self.err(
                d,
                "a call activity without calledElement is not supported (the called process is unknown)",
            ));
        }
        Ok(())
    }

    fn event_kind(&self, d: &Node) -> Result<ElementKind, CompileError> {
        let mut defs: Vec<String> = Vec::new();
        for c in bpmn_children(*d) {
            let t = tag(&c);
            if t.ends_with("EventDefinition") {
                defs.push(t.to_string());
            } else if t == "eventDefinitionRef" {
                let r = text_of(&c);
                let r = local_ref(&c, r.trim());
                let target = self.all_ids.get(r).copied();
                match target {
                    Some(n) if tag(&n).ends_with("EventDefinition") => {
                        defs.push(tag(&n).to_string())
                    }
                    _ => {
                        return Err(self.err(
                            d,
                            format!("eventDefinitionRef `{r}` does not name an event definition"),
                        ))
                    }
                }
            }
        }
        if defs.len() > 1 {
            return Err(self.err(
                d,
                "events with several event definitions (multiple events) are not supported",
            ));
        }
        let t = tag(d);
        let def = defs.first().map(String::as_str);
        let unsupported = |what: &str| Err(self.err(d, format!("{what} events are not supported")));
        match def {
            Some("timerEventDefinition") => return unsupported("timer"),
            Some("signalEventDefinition") => return unsupported("signal"),
            Some("errorEventDefinition") => return unsupported("error"),
            Some("escalationEventDefinition") => return unsupported("escalation"),
            Some("conditionalEventDefinition") => return unsupported("conditional"),
            Some("compensateEventDefinition") => return unsupported("compensation"),
            Some("linkEventDefinition") => return unsupported("link"),
            Some("cancelEventDefinition") => return unsupported("cancel"),
            _ => {}
        }
        let kind = match (t, def) {
            ("startEvent", None) => ElementKind::StartEvent,
            ("startEvent", Some("messageEventDefinition")) => ElementKind::MessageStartEvent,
            ("endEvent", None) => ElementKind::EndEvent,
            ("endEvent", Some("messageEventDefinition")) => ElementKind::MessageEndEvent,
            ("endEvent", Some("terminateEventDefinition")) => ElementKind::TerminateEndEvent,
            ("intermediateThrowEvent", None) => ElementKind::IntermediateThrowEvent,
            ("intermediateThrowEvent", Some("messageEventDefinition")) => {
                ElementKind::MessageIntermediateThrowEvent
            }
            ("intermediateCatchEvent", Some("messageEventDefinition")) => {
                ElementKind::MessageIntermediateCatchEvent
            }
            ("intermediateCatchEvent", None) => {
                return Err(self.err(d, "an intermediate catch event needs an event definition"))
            }
            (_, Some("terminateEventDefinition")) => {
                return Err(self.err(d, "terminate is only valid on end events"))
            }
            (_, Some(other)) => {
                return Err(self.err(d, format!("unsupported event definition `{other}`")))
            }
            (_, None) => return Err(self.err(d, "unsupported event")),
        };
        Ok(kind)
    }

    /// Element index of each node position: activities, then events, then gateways.
    fn element_indexes(&self) -> Vec<usize> {
        let mut index = vec![0usize; self.nodes.len()];
        let mut next = 0;
        for group in 0..3 {
            for (pos, n) in self.nodes.iter().enumerate() {
                let g = if n.kind.is_activity() {
                    0
                } else if n.kind.is_event() {
                    1
                } else {
                    2
                };
                if g == group {
                    index[pos] = next;
                    next += 1;
                }
            }
        }
        index
    }

    // ---------------------------------------------------------------- lanes

    fn collect_lanes(&mut self) -> Result<(), CompileError> {
        let root = self.root;
        let mut direct: Vec<Option<(usize, usize)>> = vec![None; self.nodes.len()]; // (depth, lane)
        let mut depths: HashMap<NodeId, usize> = HashMap::new();
        for process in bpmn_children(root).filter(|n| tag(n) == "process") {
            let Some(&pool) = self.process_pool.get(&process.id()) else {
                continue;
            };
            for lane in process.descendants().filter(|d| is_tag(d, "lane")) {
                let Some(parent) = lane.parent_element() else {
                    continue;
                };
                if !(is_tag(&parent, "laneSet") || is_tag(&parent, "childLaneSet")) {
                    continue;
                }
                if self.swimlanes.len() >= MAX_LANES {
                    return Err(self.model_err(format!(
                        "the model has more than {MAX_LANES} lanes, the limit is {MAX_LANES}"
                    )));
                }
                let id = self.require_id(&lane)?;
                self.register_id(&id, lane)?;
                let name = norm(lane.attribute("name").unwrap_or(""));
                let name = if name.is_empty() { id.clone() } else { name };
                // nesting depth: lane > childLaneSet > lane (lanes come in document order)
                let depth = parent
                    .parent_element()
                    .filter(|g| is_tag(&parent, "childLaneSet") && is_tag(g, "lane"))
                    .and_then(|g| depths.get(&g.id()))
                    .map_or(0, |d| d + 1);
                depths.insert(lane.id(), depth);
                let idx = self.swimlanes.len();
                self.swimlanes.push(Swimlane {
                    bpmn_id: id,
                    pool: pool as u8,
                    role: keccak256(name.as_bytes()),
                    name,
                });
                for r in bpmn_children(lane).filter(|c| tag(c) == "flowNodeRef") {
                    let rid = text_of(&r);
                    let Some(&pos) = self.node_by_id.get(rid.trim()) else {
                        continue;
                    };
                    if self.scopes[self.nodes[pos].scope].pool != pool {
                        continue;
                    }
                    match direct[pos] {
                        Some((d, _)) if d >= depth => {}
                        _ => direct[pos] = Some((depth, idx)),
                    }
                }
            }
        }
        // nodes are in document order: a sub-process precedes its content
        for (pos, d) in direct.iter().enumerate() {
            let lane = match *d {
                Some((_, l)) => l + 1,
                None => self.nodes[pos].container.map_or(0, |c| self.nodes[c].lane),
            };
            self.nodes[pos].lane = lane;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- task performers

    /// Role-completed tasks that name their performer get a synthetic swimlane (appended after
    /// the real lanes, one per distinct (pool, role name)) and take it as their lane; the
    /// performer wins over the task's lane. See docs/bpm-engine.md "Compiler rules".
    fn collect_performers(&mut self) -> Result<(), CompileError> {
        let root = self.root;
        let mut resources: HashMap<&str, Node<'a, 'i>> = HashMap::new();
        for r in bpmn_children(root).filter(|c| tag(c) == "resource") {
            if let Some(id) = attr(&r, "id") {
                resources.entry(id).or_insert(r);
            }
        }
        let mut synthetic: HashMap<(usize, String), usize> = HashMap::new();
        for pos in 0..self.nodes.len() {
            if !self.nodes[pos].kind.is_role_task() {
                continue;
            }
            let node = self.nodes[pos].node;
            let Some((name, resource)) = performer_of(&node, &resources) else {
                continue;
            };
            let pool = self.scopes[self.nodes[pos].scope].pool;
            let key = (pool, name);
            let lane = match synthetic.get(&key) {
                Some(&lane) => lane,
                None => {
                    if self.swimlanes.len() >= MAX_LANES {
                        return Err(self.err(
                            &node,
                            format!(
                                "the model has more than {MAX_LANES} swimlanes (lanes and task performers), the limit is {MAX_LANES}"
                            ),
                        ));
                    }
                    let name = key.1.clone();
                    self.swimlanes.push(Swimlane {
                        bpmn_id: resource.unwrap_or_else(|| format!("performer:{name}")),
                        pool: pool as u8,
                        role: keccak256(name.as_bytes()),
                        name,
                    });
                    let lane = self.swimlanes.len();
                    synthetic.insert(key, lane);
                    lane
                }
            };
            self.nodes[pos].lane = lane;
        }
        Ok(())
    }

    // ---------------------------------------------------------------- sequence flows

    fn collect_flows(&mut self) -> Result<(), CompileError> {
        let mut places = vec![0usize; self.scopes.len()];
        let mut ebg_place: HashMap<usize, usize> = HashMap::new();
        for f in 0..self.flows.len() {
            let node = self.flows[f].node;
            let scope = self.flows[f].scope;
            let mut ends = [0usize; 2];
            for (k, which) in ["sourceRef", "targetRef"].iter().enumerate() {
                let Some(r) = attr(&node, which) else {
                    return Err(self.err(&node, format!("a sequence flow needs a {which}")));
                };
                let Some(&pos) = self.node_by_id.get(r) else {
                    return Err(self.err(
                        &node,
                        format!("{which} `{r}` is not a flow node of an executable pool"),
                    ));
                };
                if self.nodes[pos].scope != scope {
                    return Err(self.err(
                        &node,
                        format!(
                            "{which} `{r}` is in another scope (`{}`): sequence flows cannot cross a process or sub-process boundary",
                            attr(&self.scopes[self.nodes[pos].scope].node, "id").unwrap_or("")
                        ),
                    ));
                }
                ends[k] = pos;
            }
            let [source, target] = ends;
            let condition = bpmn_children(node)
                .find(|c| tag(c) == "conditionExpression")
                .map(|c| text_of(&c))
                .filter(|t| !t.trim().is_empty());
            let skind = self.nodes[source].kind;
            if condition.is_some() && skind != ElementKind::ExclusiveGateway {
                return Err(self.err(
                    &node,
                    format!(
                        "conditions are only supported on sequence flows leaving an exclusive gateway (the source `{}` is a {})",
                        self.nodes[source].id,
                        skind.name()
                    ),
                ));
            }
            let place = if skind == ElementKind::EventBasedGateway {
                *ebg_place.entry(source).or_insert_with(|| {
                    places[scope] += 1;
                    places[scope] - 1
                })
            } else {
                places[scope] += 1;
                places[scope] - 1
            };
            let fl = &mut self.flows[f];
            fl.source = source;
            fl.target = target;
            fl.condition = condition;
            fl.place = place;
            self.nodes[source].outgoing.push(f);
            self.nodes[target].incoming.push(f);
        }
        for (s, n) in places.iter().enumerate() {
            if *n > MAX_PLACES {
                let node = self.scopes[s].node;
                return Err(self.err(
                    &node,
                    format!(
                        "this scope has {n} places (sequence flows), the limit is {MAX_PLACES}"
                    ),
                ));
            }
        }
        Ok(())
    }

    // ---------------------------------------------------------------- structure

    fn check_nodes(&self) -> Result<(), CompileError> {
        use ElementKind::*;
        for n in &self.nodes {
            let d = &n.node;
            let is_start = matches!(n.kind, StartEvent | MessageStartEvent);
            let in_sub = self.scopes[n.scope].opener.is_some();
            if is_start && !n.incoming.is_empty() {
                return Err(self.err(d, "a start event cannot have incoming sequence flows"));
            }
            if n.kind == MessageStartEvent && in_sub {
                return Err(self.err(
                    d,
                    "an embedded sub-process must be started by a none start event (message start events are only supported at the top level of a pool)",
                ));
            }
            if matches!(n.kind, EndEvent | MessageEndEvent | TerminateEndEvent)
                && !n.outgoing.is_empty()
            {
                return Err(self.err(d, "an end event cannot have outgoing sequence flows"));
            }
            if !is_start && n.incoming.is_empty() {
                return Err(self.err(
                    d,
                    "no incoming sequence flow: only start events may begin a flow (implicit start is not supported)",
                ));
            }
            if n.kind.is_gateway() && n.outgoing.is_empty() {
                return Err(self.err(d, "a gateway needs at least one outgoing sequence flow"));
            }
            if n.kind == ExclusiveGateway {
                let default = attr(d, "default");
                if let Some(def) = default {
                    if !n.outgoing.iter().any(|f| self.flows[*f].id == def) {
                        return Err(self.err(
                            d,
                            format!("the default flow `{def}` is not an outgoing sequence flow of this gateway"),
                        ));
                    }
                }
                for f in &n.outgoing {
                    let fl = &self.flows[*f];
                    let is_default = default == Some(fl.id.as_str());
                    if is_default && fl.condition.is_some() {
                        return Err(self.err(
                            &fl.node,
                            format!("the default flow of exclusive gateway `{}` cannot have a condition", n.id),
                        ));
                    }
                    if n.outgoing.len() > 1 && !is_default && fl.condition.is_none() {
                        return Err(self.err(
                            &fl.node,
                            format!(
                                "this flow leaves exclusive gateway `{}` ({} outgoing flows) without a condition: every outgoing flow except the default one needs a conditionExpression",
                                n.id,
                                n.outgoing.len()
                            ),
                        ));
                    }
                }
            }
            if n.kind == EventBasedGateway {
                for f in &n.outgoing {
                    let fl = &self.flows[*f];
                    let tk = self.nodes[fl.target].kind;
                    if !matches!(tk, MessageIntermediateCatchEvent | ReceiveTask) {
                        return Err(self.err(
                            &fl.node,
                            format!(
                                "an event-based gateway must lead to message intermediate catch events or receive tasks (`{}` is a {})",
                                self.nodes[fl.target].id,
                                tk.name()
                            ),
                        ));
                    }
                }
            }
        }
        for (idx, s) in self.scopes.iter().enumerate() {
            let has_start = self
                .nodes
                .iter()
                .any(|n| n.scope == idx && n.kind == StartEvent);
            if s.opener.is_some() && !has_start {
                return Err(self.err(&s.node, "an embedded sub-process needs a none start event"));
            }
        }
        let top_start = self
            .nodes
            .iter()
            .any(|n| n.kind == StartEvent && self.scopes[n.scope].opener.is_none());
        if !top_start {
            return Err(self.model_err("no executable pool has a none start event"));
        }
        Ok(())
    }

    // ---------------------------------------------------------------- message flows

    fn endpoint(
        &self,
        mf: &Node,
        which: &str,
        participants: &HashMap<String, usize>,
    ) -> Result<Endpoint, CompileError> {
        let Some(r) = attr(mf, which) else {
            return Err(self.err(mf, format!("a message flow needs a {which}")));
        };
        if let Some(&pos) = self.node_by_id.get(r) {
            return Ok(Endpoint::Element(pos));
        }
        if let Some(&p) = participants.get(r) {
            return Ok(Endpoint::Pool(p));
        }
        Err(self.err(
            mf,
            format!("{which} `{r}` is neither a flow node of an executable pool nor a participant"),
        ))
    }

    fn collect_message_flows(&mut self, index: &[usize]) -> Result<(), CompileError> {
        use ElementKind::*;
        let root = self.root;
        let mfs: Vec<Node<'a, 'i>> = bpmn_children(root)
            .filter(|c| tag(c) == "collaboration")
            .flat_map(|c| bpmn_children(c).filter(|m| tag(m) == "messageFlow"))
            .collect();
        let participants: HashMap<String, usize> = self
            .pools
            .iter()
            .enumerate()
            .filter(|(_, p)| is_tag(&p.node, "participant"))
            .map(|(i, p)| (p.record.bpmn_id.clone(), i))
            .collect();
        let mut triggers: Vec<EventTrigger> = Vec::new();
        for mf in &mfs {
            let id = self.require_id(mf)?;
            self.register_id(&id, *mf)?;
            let source = self.endpoint(mf, "sourceRef", &participants)?;
            let target = self.endpoint(mf, "targetRef", &participants)?;
            let (source_element, source_pool) = match source {
                Endpoint::Pool(p) => (0u16, p),
                Endpoint::Element(pos) => {
                    let n = &self.nodes[pos];
                    if !(n.kind.is_role_task()
                        || matches!(n.kind, MessageEndEvent | MessageIntermediateThrowEvent))
                    {
                        return Err(self.err(
                            mf,
                            format!(
                                "the source `{}` is a {}, which cannot send messages (use a send task, a task, a message intermediate throw event or a message end event)",
                                n.id,
                                n.kind.name()
                            ),
                        ));
                    }
                    ((index[pos] + 1) as u16, self.scopes[n.scope].pool)
                }
            };
            let target_pool = match target {
                Endpoint::Pool(p) => {
                    if self.pools[p].record.executable {
                        return Err(self.err(
                            mf,
                            format!(
                                "the target is the executable pool `{}` itself: connect the message flow to the receiving element (receive task, message start or catch event)",
                                self.pools[p].record.bpmn_id
                            ),
                        ));
                    }
                    p
                }
                Endpoint::Element(pos) => {
                    let n = &self.nodes[pos];
                    if n.kind.is_receiver() {
                        if n.message_in != 0 {
                            let other = triggers
                                .get(n.message_in - 1)
                                .map_or("", |t| t.bpmn_id.as_str());
                            return Err(self.err(
                                mf,
                                format!(
                                    "`{}` already receives message flow `{other}`: a receive task, message catch or message start event takes one incoming message flow at most",
                                    n.id
                                ),
                            ));
                        }
                    } else if !n.kind.is_role_task() {
                        return Err(self.err(
                            mf,
                            format!(
                                "the target `{}` is a {}, which cannot receive messages (use a receive task, a message start or catch event, a task, or a black-box pool)",
                                n.id,
                                n.kind.name()
                            ),
                        ));
                    }
                    self.scopes[n.scope].pool
                }
            };
            if source_pool == target_pool {
                return Err(self.err(
                    mf,
                    format!(
                        "a message flow must connect two different pools (both ends are in `{}`)",
                        self.pools[source_pool].record.bpmn_id
                    ),
                ));
            }
            // A message to a black-box pool has no receiving element: the trigger targets its
            // sender (which never waits for it), so it is only sent (informative). Between two
            // pool shapes there is nothing to execute: such a flow is left out.
            let target_idx = match (target, source) {
                (Endpoint::Element(pos), _) => index[pos] as u16,
                (Endpoint::Pool(_), Endpoint::Element(pos)) => index[pos] as u16,
                (Endpoint::Pool(_), Endpoint::Pool(_)) => continue,
            };
            let k = triggers.len();
            if k < MAX_MESSAGE_FLOWS {
                if let Endpoint::Element(pos) = source {
                    self.nodes[pos].message_out.set(k as u8);
                }
                if let Endpoint::Element(pos) = target {
                    if self.nodes[pos].kind.is_receiver() {
                        self.nodes[pos].message_in = k + 1;
                    }
                }
            }
            let mut name = norm(mf.attribute("name").unwrap_or(""));
            if name.is_empty() {
                if let Some(m) = attr(mf, "messageRef")
                    .and_then(|r| self.all_ids.get(local_ref(mf, r)))
                    .filter(|m| tag(m) == "message")
                {
                    name = norm(m.attribute("name").unwrap_or(""));
                }
            }
            triggers.push(EventTrigger {
                bpmn_id: id,
                name,
                source_element,
                source_pool: source_pool as u8,
                target: target_idx,
            });
        }
        if triggers.len() > MAX_MESSAGE_FLOWS {
            return Err(self.model_err(format!(
                "the model has {} message flows, the limit is {MAX_MESSAGE_FLOWS}",
                triggers.len()
            )));
        }
        for n in &self.nodes {
            if n.kind.is_receiver() && n.message_in == 0 {
                return Err(self.err(
                    &n.node,
                    format!(
                        "this {} waits for a message but no message flow targets it (draw the message flow from the sending pool; a black-box pool for an external sender)",
                        n.kind.name()
                    ),
                ));
            }
        }
        self.triggers = triggers;
        Ok(())
    }

    // ---------------------------------------------------------------- conditions

    fn compile_conditions(&self) -> Result<(Vec<Vec<u8>>, Vec<Variable>), CompileError> {
        let mut table = VarTable::new();
        let mut codes = Vec::with_capacity(self.flows.len());
        for (f, fl) in self.flows.iter().enumerate() {
            match &fl.condition {
                Some(src) => {
                    let code = compile_condition(src, &mut table, f).map_err(|e| {
                        self.err(&fl.node, format!("condition `{}`: {e}", norm(src)))
                    })?;
                    codes.push(code);
                }
                None => codes.push(Vec::new()),
            }
        }
        let vars = table
            .finish()
            .map_err(|(f, reason)| match self.flows.get(f) {
                Some(fl) => self.err(&fl.node, reason.clone()),
                None => self.model_err(reason.clone()),
            })?;
        Ok((codes, vars))
    }

    // ---------------------------------------------------------------- output

    fn assemble(
        &self,
        index: &[usize],
        conditions: Vec<Vec<u8>>,
        variables: Vec<Variable>,
    ) -> CompiledModel {
        let mut elements: Vec<Option<Element>> = vec![None; self.nodes.len()];
        for (pos, n) in self.nodes.iter().enumerate() {
            elements[index[pos]] = Some(Element {
                bpmn_id: n.id.clone(),
                name: norm(n.node.attribute("name").unwrap_or("")),
                kind: n.kind,
                scope: n.scope as u8,
                lane: n.lane as u16,
                message_in: n.message_in as u16,
                message_out: n.message_out,
                child_scope: n.child_scope as u8,
                called_process: n.called,
            });
        }
        let scopes = self
            .scopes
            .iter()
            .map(|s| Subprocess {
                bpmn_id: attr(&s.node, "id").unwrap_or("").to_string(),
                parent_element: s.opener.map_or(0, |p| (index[p] + 1) as u16),
                pool: s.pool as u8,
            })
            .collect();
        let mut activity_flows = Vec::new();
        let mut gateway_flows = Vec::new();
        for (f, fl) in self.flows.iter().enumerate() {
            let src = &self.nodes[fl.source];
            if src.kind.is_gateway() {
                gateway_flows.push(GatewaySequenceFlow {
                    bpmn_id: fl.id.clone(),
                    gateway: index[fl.source] as u16,
                    target: index[fl.target] as u16,
                    place: fl.place as u8,
                    condition: conditions.get(f).cloned().unwrap_or_default(),
                    is_default: src.kind == ElementKind::ExclusiveGateway
                        && attr(&src.node, "default") == Some(fl.id.as_str()),
                });
            } else {
                activity_flows.push(ActivitySequenceFlow {
                    bpmn_id: fl.id.clone(),
                    source: index[fl.source] as u16,
                    target: index[fl.target] as u16,
                    place: fl.place as u8,
                });
            }
        }
        let first = self.pools.iter().find_map(|p| p.process);
        let process_id = first.and_then(|p| attr(&p, "id")).unwrap_or("");
        let mut name = norm(self.root.attribute("name").unwrap_or(""));
        if name.is_empty() {
            name = norm(first.and_then(|p| p.attribute("name")).unwrap_or(""));
        }
        if name.is_empty() {
            name = process_id.to_string();
        }
        CompiledModel {
            process_key: keccak256(process_id.as_bytes()),
            name,
            pools: self.pools.iter().map(|p| p.record.clone()).collect(),
            swimlanes: self.swimlanes.clone(),
            scopes,
            elements: elements.into_iter().flatten().collect(),
            activity_flows,
            gateway_flows,
            triggers: self.triggers.clone(),
            variables,
        }
    }
}
