//! Pass 3: sequence flows and their places, structural checks of the flow nodes, message flows.

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    // ---------------------------------------------------------------- sequence flows

    pub(super) fn collect_flows(&mut self) -> Result<(), CompileError> {
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
            if condition.is_some() && !(skind == ElementKind::ExclusiveGateway || skind.is_activity()) {
                return Err(self.err(
                    &node,
                    format!(
                        "conditions are only supported on sequence flows leaving an exclusive gateway or an activity (the source `{}` is a {})",
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
        self.activity_split_flows(&mut places)?;
        self.loop_flows(&mut places)?;
        self.link_flows(&mut places)?;
        self.implicit_start_flows(&mut places);
        Ok(())
    }

    /// An activity with a conditional outgoing flow or a `default` flow (BPMN 2.0.2 section
    /// 10.3.1, "conditional and default sequence flows") leaves through a split gateway `G`
    /// (`A:split`, an exclusive gateway named "after <name>"): `A -> G` (flow `A:split`), and
    /// `A`'s outgoing flows leave `G` instead, with their conditions and `A`'s default. BPMN takes
    /// every flow whose condition holds (an inclusive split); with one flow besides the default,
    /// that is exactly one exclusive choice: that flow when its condition holds, else the default
    /// (a flow without condition besides the default is a decision by the completer of `A`, as
    /// at a decision gateway). Refused: more than one flow besides the default (the engine has no
    /// inclusive split: draw an exclusive or parallel gateway), a `default` that is not an
    /// outgoing flow of `A`.
    fn activity_split_flows(&mut self, places: &mut [usize]) -> Result<(), CompileError> {
        for a in 0..self.nodes.len() {
            let n = &self.nodes[a];
            if !n.kind.is_activity() {
                continue;
            }
            let default = attr(&n.node, "default");
            if default.is_none() && !n.outgoing.iter().any(|f| self.flows[*f].condition.is_some()) {
                continue;
            }
            if let Some(def) = default {
                if !n.outgoing.iter().any(|f| self.flows[*f].id == def) {
                    return Err(self.err(&n.node, format!("the default flow `{def}` is not an outgoing sequence flow of this activity")));
                }
            }
            let others: Vec<&str> = n.outgoing.iter().map(|f| self.flows[*f].id.as_str()).filter(|id| Some(*id) != default).collect();
            if others.len() != 1 {
                return Err(self.err(
                    &n.node,
                    format!(
                        "an activity with conditional or default flows needs exactly one flow besides the default (it has {}: {}): BPMN would take every flow whose condition holds (an inclusive split), which the engine does not run; draw an exclusive or parallel gateway after the activity",
                        others.len(),
                        others.join(", ")
                    ),
                ));
            }
            let (id, scope, container, lane, node) = (n.id.clone(), n.scope, n.container, n.lane, n.node);
            let label = format!("after {}", self.display_name(a));
            let g = self.nodes.len();
            let mut gw = NodeInfo::synthetic(node, format!("{id}:split"), ElementKind::ExclusiveGateway, scope, container);
            gw.lane = lane;
            gw.label = Some(label);
            gw.default_flow = default.map(str::to_string);
            self.nodes.push(gw);
            for f in std::mem::take(&mut self.nodes[a].outgoing) {
                self.flows[f].source = g;
                self.nodes[g].outgoing.push(f);
            }
            let f = self.flows.len();
            places[scope] += 1;
            self.flows.push(FlowInfo { node, id: format!("{id}:split"), scope, source: a, target: g, condition: None, place: places[scope] - 1 });
            self.nodes[a].outgoing.push(f);
            self.nodes[g].incoming.push(f);
        }
        Ok(())
    }

    /// Wires each standard loop activity `A` (BPMN 2.0.2 section 10.3.8) through its loop
    /// gateway `G` (`A:loop`, an exclusive gateway): `A -> G` (flow `A:loop-test`), `G -> A`
    /// (flow `A:again`, conditional on the `loopCondition`, or a decision flow without one: the
    /// completer decides), and `A`'s one outgoing flow leaves `G` instead, as its default flow.
    /// `testBefore="true"`: `A`'s incoming flows lead to `G` instead, which tests before the first
    /// iteration too. Refused: a loop activity without exactly one outgoing flow.
    fn loop_flows(&mut self, places: &mut [usize]) -> Result<(), CompileError> {
        for a in 0..self.nodes.len() {
            let Some(lp) = self.nodes[a].standard_loop.clone() else { continue };
            let g = a + 1;
            let scope = self.nodes[a].scope;
            let [out] = self.nodes[a].outgoing[..] else {
                return Err(self.err(
                    &self.nodes[a].node,
                    format!(
                        "a loop activity needs exactly one outgoing sequence flow (it has {}): the flow taken when the loop ends",
                        self.nodes[a].outgoing.len()
                    ),
                ));
            };
            // A's exit leaves G, as its default flow
            self.nodes[a].outgoing.clear();
            self.flows[out].source = g;
            self.nodes[g].outgoing.push(out);
            self.nodes[g].default_flow = Some(self.flows[out].id.clone());
            if lp.test_before {
                for f in std::mem::take(&mut self.nodes[a].incoming) {
                    self.flows[f].target = g;
                    self.nodes[g].incoming.push(f);
                }
            }
            let id = self.nodes[a].id.clone();
            let node = self.nodes[a].node;
            for (suffix, source, target, condition) in
                [("loop-test", a, g, None), ("again", g, a, lp.condition.clone())]
            {
                let f = self.flows.len();
                places[scope] += 1;
                self.flows.push(FlowInfo {
                    node,
                    id: format!("{id}:{suffix}"),
                    scope,
                    source,
                    target,
                    condition,
                    place: places[scope] - 1,
                });
                self.nodes[source].outgoing.push(f);
                self.nodes[target].incoming.push(f);
            }
        }
        Ok(())
    }

    /// Joins each link throw event to the link catch event of the same name in its scope with a
    /// flow of its own (id `link:<throw>-><catch>`): a link pair is one sequence flow drawn in two
    /// halves, "a 'go to' within a process level" (BPMN 2.0.2 section 10.5.6). Refused: a throw
    /// with outgoing or a catch with incoming sequence flows, a throw whose link has no catch in
    /// its scope, two catches of one link in a scope.
    fn link_flows(&mut self, places: &mut [usize]) -> Result<(), CompileError> {
        let links: Vec<(usize, String, bool)> = self
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(pos, n)| n.link.clone().map(|(name, catch)| (pos, name, catch)))
            .collect();
        for (pos, name, catch) in &links {
            let n = &self.nodes[*pos];
            if *catch && !n.incoming.is_empty() {
                return Err(self.err(&n.node, "a link catch event cannot have incoming sequence flows (its link throw events lead to it)"));
            }
            if !*catch && !n.outgoing.is_empty() {
                return Err(self.err(&n.node, "a link throw event cannot have outgoing sequence flows (it leads to its link catch event)"));
            }
            if *catch {
                if let Some((other, ..)) = links.iter().find(|(p, m, c)| *c && p < pos && m == name && self.nodes[*p].scope == n.scope) {
                    return Err(self.err(
                        &n.node,
                        format!("link `{name}` already has a catch event in this scope (`{}`)", self.nodes[*other].id),
                    ));
                }
            }
        }
        for (pos, name, catch) in &links {
            if *catch {
                continue;
            }
            let scope = self.nodes[*pos].scope;
            let Some((target, ..)) = links.iter().find(|(p, m, c)| *c && m == name && self.nodes[*p].scope == scope) else {
                let n = &self.nodes[*pos];
                return Err(self.err(&n.node, format!("no link catch event named `{name}` in this scope")));
            };
            let f = self.flows.len();
            places[scope] += 1;
            self.flows.push(FlowInfo {
                node: self.nodes[*pos].node,
                id: format!("link:{}->{}", self.nodes[*pos].id, self.nodes[*target].id),
                scope,
                source: *pos,
                target: *target,
                condition: None,
                place: places[scope] - 1,
            });
            self.nodes[*pos].outgoing.push(f);
            self.nodes[*target].incoming.push(f);
        }
        Ok(())
    }

    /// A scope without any start event starts every flow node without incoming sequence flow
    /// (BPMN 2.0.2 sections 10.5.2 and 10.3.5, implicit start): the scope's implicit start event
    /// (`add_implicit_starts`) gets a flow `implicit:<start>-><node>` to each of them.
    fn implicit_start_flows(&mut self, places: &mut [usize]) {
        let starts: Vec<usize> = (0..self.nodes.len()).filter(|p| self.nodes[*p].implicit_start).collect();
        for start in starts {
            let scope = self.nodes[start].scope;
            let targets: Vec<usize> = (0..self.nodes.len())
                .filter(|p| *p != start && self.nodes[*p].scope == scope && self.nodes[*p].incoming.is_empty())
                .collect();
            for target in targets {
                let f = self.flows.len();
                places[scope] += 1;
                self.flows.push(FlowInfo {
                    node: self.nodes[target].node,
                    id: format!("implicit:{}->{}", self.nodes[start].id, self.nodes[target].id),
                    scope,
                    source: start,
                    target,
                    condition: None,
                    place: places[scope] - 1,
                });
                self.nodes[start].outgoing.push(f);
                self.nodes[target].incoming.push(f);
            }
        }
    }

    // ---------------------------------------------------------------- structure

    pub(super) fn check_nodes(&self) -> Result<(), CompileError> {
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
                    "no incoming sequence flow, in a scope with start events: only they begin its flows (a scope without any start event starts every flow node without incoming flow)",
                ));
            }
            if n.kind.is_gateway() && n.outgoing.is_empty() {
                return Err(self.err(d, "a gateway needs at least one outgoing sequence flow"));
            }
            if n.kind == ExclusiveGateway {
                let default = n.default_flow.as_deref().or_else(|| attr(d, "default"));
                if let Some(def) = default {
                    if !n.outgoing.iter().any(|f| self.flows[*f].id == def) {
                        return Err(self.err(
                            d,
                            format!("the default flow `{def}` is not an outgoing sequence flow of this gateway"),
                        ));
                    }
                }
                // A gateway whose outgoing flows carry no condition (labels only, as modelling
                // tools export a human decision) is a decision gateway: the participant who
                // completes the task before it chooses the flow (docs/bpm-engine.md, "Decisions
                // at exclusive gateways"). Mixing conditional flows with decision flows is refused:
                // which would win is not a question a model should leave to the engine.
                let mut conditional: Option<&str> = None;
                let mut decision: Option<usize> = None;
                for f in &n.outgoing {
                    let fl = &self.flows[*f];
                    let is_default = default == Some(fl.id.as_str());
                    if is_default && fl.condition.is_some() {
                        return Err(self.err(
                            &fl.node,
                            format!("the default flow of exclusive gateway `{}` cannot have a condition", n.id),
                        ));
                    }
                    if !is_default {
                        match fl.condition {
                            Some(_) => conditional = conditional.or(Some(fl.id.as_str())),
                            None => decision = decision.or(Some(*f)),
                        }
                    }
                }
                if let (Some(cond), Some(f)) = (conditional, decision) {
                    let fl = &self.flows[f];
                    return Err(self.err(
                        &fl.node,
                        format!(
                            "this flow leaves exclusive gateway `{}` without a condition while flow `{cond}` has one: give every outgoing flow except the default a conditionExpression, or none (a decision by the participant who completes the task before the gateway)",
                            n.id
                        ),
                    ));
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

    pub(super) fn endpoint(
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
        if self.unrolled.contains(r) {
            return Err(self.err(
                mf,
                format!("{which} `{r}` is a multi-instance activity or inside one: message flows to or from its instances are not supported"),
            ));
        }
        Err(self.err(
            mf,
            format!("{which} `{r}` is neither a flow node of an executable pool nor a participant"),
        ))
    }

    pub(super) fn collect_message_flows(&mut self, index: &[usize]) -> Result<(), CompileError> {
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
}
