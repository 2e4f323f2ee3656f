//! Pass 1: pools, processes and scopes, flow nodes and their kinds (what is supported).

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    // ---------------------------------------------------------------- pools

    pub(super) fn has_flow_nodes(process: &Node) -> bool {
        bpmn_children(*process).any(|c| FLOW_NODE_TAGS.contains(&tag(&c)))
    }

    pub(super) fn collect_pools(&mut self) -> Result<(), CompileError> {
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

    pub(super) fn push_pool(
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

    pub(super) fn walk_processes(&mut self) -> Result<(), CompileError> {
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

    /// Gives each scope without any start event, in which some flow node has no incoming
    /// sequence flow (nor is a link catch event), an implicit none start event (BPMN 2.0.2
    /// sections 10.5.2 and 10.3.5: without a start event, every flow node without incoming
    /// sequence flow is instantiated when its process or sub-process is). Its flows are added by
    /// `implicit_start_flows` once the sequence flows are known; its lane is none, so its role is
    /// the pool's.
    pub(super) fn add_implicit_starts(&mut self) {
        for scope in 0..self.scopes.len() {
            let in_scope = |n: &&NodeInfo| n.scope == scope;
            if self.nodes.iter().filter(in_scope).any(|n| matches!(n.kind, ElementKind::StartEvent | ElementKind::MessageStartEvent)) {
                continue;
            }
            let targeted: HashSet<&str> = self
                .flows
                .iter()
                .filter(|f| f.scope == scope)
                .filter_map(|f| attr(&f.node, "targetRef"))
                .collect();
            let needed = self
                .nodes
                .iter()
                .filter(in_scope)
                .any(|n| {
                    !targeted.contains(n.id.as_str())
                        && !n.link.as_ref().is_some_and(|(_, catch)| *catch)
                        && n.loop_gateway_of.is_none()
                });
            if !needed {
                continue;
            }
            let s = &self.scopes[scope];
            let id = format!("{}:implicit-start", attr(&s.node, "id").unwrap_or(""));
            let pos = self.nodes.len();
            let (node, opener) = (s.node, s.opener);
            self.nodes.push(NodeInfo {
                implicit_start: true,
                ..NodeInfo::synthetic(node, id.clone(), ElementKind::StartEvent, scope, opener)
            });
            self.node_by_id.insert(id, pos);
        }
    }

    pub(super) fn count_scopes(&self) -> usize {
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

    pub(super) fn new_scope(
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

    pub(super) fn walk(&mut self, process: Node<'a, 'i>, pool: usize) -> Result<(), CompileError> {
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
            let link = self.link_of(&d);
            let standard_loop = bpmn_children(d).find(|c| tag(c) == "standardLoopCharacteristics").map(|l| StandardLoop {
                test_before: attr(&l, "testBefore") == Some("true"),
                condition: bpmn_children(l)
                    .find(|c| tag(c) == "loopCondition")
                    .map(|c| text_of(&c))
                    .filter(|t| !t.trim().is_empty()),
            });
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
                link,
                implicit_start: false,
                standard_loop: standard_loop.clone(),
                loop_gateway_of: None,
                default_flow: None,
                label: None,
                multi_instance: self.multi_instance(&d)?,
                name_suffix: String::new(),
            });
            self.node_by_id.insert(id.clone(), pos);
            if standard_loop.is_some() {
                // its loop gateway, wired by `loop_flows`
                let gid = format!("{id}:loop");
                self.nodes.push(NodeInfo {
                    loop_gateway_of: Some(pos),
                    ..NodeInfo::synthetic(d, gid.clone(), ElementKind::ExclusiveGateway, scope, container)
                });
                self.node_by_id.insert(gid, pos + 1);
            }
            if kind == ElementKind::SubProcess {
                let s = self.new_scope(d, pool, Some(pos))?;
                self.nodes[pos].child_scope = s;
                container_scope.insert(d.id(), (s, Some(pos)));
            }
        }
        Ok(())
    }

    pub(super) fn check_activity(&self, d: &Node) -> Result<(), CompileError> {
        for c in bpmn_children(*d) {
            match tag(&c) {
                "standardLoopCharacteristics" if attr(&c, "loopMaximum").is_some() => {
                    return Err(self.err(
                        d,
                        "loopMaximum is not supported (the engine does not count iterations): use a loopCondition on a variable",
                    ))
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

    /// The `multiInstanceLoopCharacteristics` of activity `d` (BPMN 2.0.2 section 10.3.8), if
    /// any: `isSequential` and a constant `loopCardinality` from 1 to [`MAX_MULTI_INSTANCES`].
    /// Refused, naming the activity: a cardinality that is not an integer constant (an
    /// expression on instance data: the compiler unrolls the instances, so their number must be
    /// known at deployment), a multi-instance over a collection (`loopDataInputRef`), a
    /// `completionCondition`, or none of them (nothing says how many instances).
    fn multi_instance(&self, d: &Node) -> Result<Option<MultiInstance>, CompileError> {
        let Some(mi) = bpmn_children(*d).find(|c| tag(c) == "multiInstanceLoopCharacteristics") else {
            return Ok(None);
        };
        let child = |t: &str| bpmn_children(mi).find(|c| tag(c) == t);
        if child("loopDataInputRef").is_some() || child("inputDataItem").is_some() {
            return Err(self.err(
                d,
                "multi-instance over a collection (loopDataInputRef) is not supported: give a constant loopCardinality",
            ));
        }
        if child("completionCondition").is_some_and(|c| !text_of(&c).trim().is_empty()) {
            return Err(self.err(
                d,
                "a multi-instance completionCondition is not supported (every instance completes)",
            ));
        }
        let Some(card) = child("loopCardinality") else {
            return Err(self.err(
                d,
                "a multi-instance activity needs a loopCardinality (how many instances), a constant from 1 to 32",
            ));
        };
        let text = text_of(&card);
        let text = text.trim();
        let cardinality = match text.parse::<usize>() {
            Ok(n) if (1..=MAX_MULTI_INSTANCES).contains(&n) => n,
            Ok(n) => {
                return Err(self.err(
                    d,
                    format!("loopCardinality {n}: a multi-instance activity has from 1 to {MAX_MULTI_INSTANCES} instances"),
                ))
            }
            Err(_) => {
                return Err(self.err(
                    d,
                    format!(
                        "loopCardinality `{text}` is not an integer constant: the compiler unrolls the instances, so their number must be known when the model is deployed"
                    ),
                ))
            }
        };
        Ok(Some(MultiInstance { sequential: attr(&mi, "isSequential") == Some("true"), cardinality }))
    }

    pub(super) fn event_kind(&self, d: &Node) -> Result<ElementKind, CompileError> {
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
            // a link pair is a sequence flow drawn in two halves (BPMN 2.0.2 section 10.5.6):
            // both run as none intermediate events, joined by a flow (`collect_flows`)
            ("intermediateThrowEvent" | "intermediateCatchEvent", Some("linkEventDefinition")) => {
                ElementKind::IntermediateThrowEvent
            }
            (_, Some("linkEventDefinition")) => {
                return Err(self.err(d, "link events are only intermediate throw or catch events"))
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

    /// The link name of a link event (its `linkEventDefinition`'s `name`, else the event's) and
    /// whether it catches; `None` for any other element.
    pub(super) fn link_of(&self, d: &Node) -> Option<(String, bool)> {
        let t = tag(d);
        if !matches!(t, "intermediateThrowEvent" | "intermediateCatchEvent") {
            return None;
        }
        let def = bpmn_children(*d).find_map(|c| match tag(&c) {
            "linkEventDefinition" => Some(c),
            "eventDefinitionRef" => {
                let text = text_of(&c);
                let r = local_ref(&c, text.trim());
                self.all_ids.get(r).copied().filter(|n| tag(n) == "linkEventDefinition")
            }
            _ => None,
        })?;
        let name = attr(&def, "name").filter(|n| !n.trim().is_empty()).or_else(|| attr(d, "name")).unwrap_or("");
        Some((norm(name), t == "intermediateCatchEvent"))
    }

    /// Element index of each node position: activities, then events, then gateways.
    pub(super) fn element_indexes(&self) -> Vec<usize> {
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
}
