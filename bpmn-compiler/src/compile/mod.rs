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

mod assemble;
mod flows;
mod lanes;
mod scopes;
mod unroll;
mod verify;

pub use verify::{ALSTRA_NS, MAX_REWARD_UNITS};
mod xml;

use xml::*;


struct PoolInfo<'a, 'i> {
    record: Pool,
    node: Node<'a, 'i>,
    process: Option<Node<'a, 'i>>,
}

#[derive(Clone)]
struct ScopeInfo<'a, 'i> {
    node: Node<'a, 'i>,
    pool: usize,
    /// Position (in `nodes`) of the SubProcess element that opens it.
    opener: Option<usize>,
}

#[derive(Clone)]
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
    /// A link event (BPMN 2.0.2 section 10.5.6): its link name and whether it catches.
    link: Option<(String, bool)>,
    /// The implicit start event of a scope without start events (`id`: `<scope id>:implicit-start`).
    implicit_start: bool,
    /// A standard loop activity: its loop gateway (`<id>:loop`, the next node), whether the
    /// condition is tested before each iteration, and its `loopCondition` (none: the completer
    /// decides).
    standard_loop: Option<StandardLoop>,
    /// The loop gateway of a standard loop activity (the activity's position).
    loop_gateway_of: Option<usize>,
    /// The default flow of a gateway the compiler made, or of a copy of an exclusive gateway
    /// made by unrolling (otherwise an exclusive gateway's is its `default` attribute).
    default_flow: Option<String>,
    /// The name of an element the compiler adds (a gateway of a multi-instance activity or of
    /// an activity's conditional flows), instead of its XML element's.
    label: Option<String>,
    /// A multi-instance activity not unrolled yet (`unroll_multi_instance`).
    multi_instance: Option<MultiInstance>,
    /// Appended to the element's name: which instance of a multi-instance activity this copy
    /// (or an element inside it) belongs to, e.g. ` (2 of 3)`.
    name_suffix: String,
}

impl<'a, 'i> NodeInfo<'a, 'i> {
    /// A flow node the compiler adds (an implicit start event, a loop gateway): `node` is the XML
    /// element it stands for (for error lines), no lane, no message, no flow yet.
    fn synthetic(node: Node<'a, 'i>, id: String, kind: ElementKind, scope: usize, container: Option<usize>) -> Self {
        NodeInfo {
            node,
            id,
            kind,
            scope,
            container,
            child_scope: 0,
            called: [0; 32],
            lane: 0,
            message_in: 0,
            message_out: Bitmap256::ZERO,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            link: None,
            implicit_start: false,
            standard_loop: None,
            loop_gateway_of: None,
            default_flow: None,
            label: None,
            multi_instance: None,
            name_suffix: String::new(),
        }
    }
}

/// `standardLoopCharacteristics` of an activity (BPMN 2.0.2 section 10.3.8).
#[derive(Clone)]
struct StandardLoop {
    test_before: bool,
    condition: Option<String>,
}

/// `multiInstanceLoopCharacteristics` of an activity with a constant `loopCardinality` (BPMN
/// 2.0.2 section 10.3.8): the compiler unrolls it into `cardinality` copies.
#[derive(Clone, Copy)]
struct MultiInstance {
    sequential: bool,
    cardinality: usize,
}

/// Most instances a multi-instance activity may have (each is a copy of the activity in the
/// compiled tables, and of its content for a sub-process).
pub const MAX_MULTI_INSTANCES: usize = 32;

#[derive(Clone)]
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
    /// Ids of flow nodes replaced by their multi-instance copies (`unroll_multi_instance`).
    unrolled: HashSet<String>,
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
        unrolled: HashSet::new(),
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

/// Reads and compiles a `.bpmn` file ([`read_model`], then [`compile`]).
pub fn compile_file(path: impl AsRef<std::path::Path>) -> Result<CompiledModel, CompileError> {
    compile(&read_model(path)?)
}

/// Reads a `.bpmn` file as text, honouring its XML encoding declaration (XML 1.0 section 4.3.3):
/// UTF-8 (a BOM is skipped), or ISO-8859-1 / Windows-1252 when the declaration says so, as some
/// modelling tools export. I/O and decoding errors are reported as a [`CompileError`] without
/// element.
pub fn read_model(path: impl AsRef<std::path::Path>) -> Result<String, CompileError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path)
        .map_err(|e| CompileError::new(format!("cannot read {}: {e}", path.display())))?;
    decode(&bytes).map_err(|e| CompileError::new(format!("{}: {e}", path.display())))
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
        self.add_implicit_starts();
        if self.nodes.len() > MAX_ELEMENTS {
            return Err(self.model_err(format!(
                "the model has {} elements, the limit is {MAX_ELEMENTS}",
                self.nodes.len()
            )));
        }
        self.collect_lanes()?;
        self.collect_performers()?;
        self.collect_flows()?;
        self.unroll_multi_instance()?;
        self.check_limits()?;
        let index = self.element_indexes();
        self.check_nodes()?;
        self.collect_message_flows(&index)?;
        let (conditions, variables) = self.compile_conditions()?;
        let verifications = self.task_verifications(&index)?;
        let certificate = self.certificate()?;
        let mut model = self.assemble(&index, conditions, variables, verifications);
        model.certificate = certificate;
        Ok(model)
    }
}
