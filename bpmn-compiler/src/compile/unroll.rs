//! Pass 3b: multi-instance activities unrolled into copies, and the limits of the unrolled tables.
//!
//! A multi-instance activity with a constant `loopCardinality` N (BPMN 2.0.2 section 10.3.8,
//! "Multi-Instance Activity") runs N instances of its inner activity. The engine's markings are
//! 1-safe bitmaps, so the compiler unrolls it: N copies of the activity (and, for a sub-process,
//! of its whole content, each copy a scope of its own), with ids `<id>#1` .. `<id>#N` (also for
//! every element and flow inside a copied sub-process; `#` cannot occur in an XML id, so no
//! model's own id can clash) and names ending ` (k of N)`.
//!
//! - **Parallel** (`isSequential="false"`, the default): a parallel gateway `<id>:mi-split`
//!   takes the activity's incoming flows and starts every copy (flows `<id>:mi-split-k`), a
//!   parallel gateway `<id>:mi-join` waits for all of them (flows `<id>:mi-join-k`) and takes the
//!   activity's outgoing flows (an activity without outgoing flow has no join: each copy ends on
//!   its own, as the implicit end of section 10.3.5 has it): the activity completes when all its instances have (BPMN's
//!   default without `completionCondition`). Several incoming flows first meet an exclusive
//!   gateway `<id>:mi-merge` (flow `<id>:mi-merge`): an activity starts for each arriving token
//!   (section 13.2.1), which a parallel gateway alone would turn into a join. The engine's
//!   markings are 1-safe (docs/bpm-engine.md, "Tokens"): a token that arrives while the
//!   instances of an earlier one still wait to start merges with it.
//! - **Sequential**: copy 1 takes the incoming flows, copy k leads to copy k+1 (flow
//!   `<id>:mi-next-k`), copy N takes the outgoing flows.
//!
//! Refused (by `multi_instance` in the walk, naming the activity): a cardinality that is not an
//! integer constant from 1 to [`MAX_MULTI_INSTANCES`], a collection (`loopDataInputRef`), a
//! `completionCondition`. Here: a message flow to or from an unrolled activity or anything in it
//! (which copy would it reach?).

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    /// Unrolls every multi-instance activity (outer ones first: the copies of an outer
    /// sub-process carry the inner multi-instance activities, unrolled in turn).
    pub(super) fn unroll_multi_instance(&mut self) -> Result<(), CompileError> {
        while let Some(a) = self.nodes.iter().position(|n| n.multi_instance.is_some()) {
            let Some(mi) = self.nodes[a].multi_instance.take() else { break };
            let n = mi.cardinality;
            let id = self.nodes[a].id.clone();
            let name = self.display_name(a);
            let (scope, container) = (self.nodes[a].scope, self.nodes[a].container);
            let mut copies = vec![a];
            for k in 2..=n {
                copies.push(self.copy_node(a, &format!("#{k}"), &format!(" ({k} of {n})"), scope, container)?);
            }
            self.rename_node(a, "#1", &format!(" (1 of {n})"));
            let incoming = std::mem::take(&mut self.nodes[a].incoming);
            let outgoing = std::mem::take(&mut self.nodes[a].outgoing);
            let (first, last) = if mi.sequential {
                for k in 1..n {
                    self.add_flow(&id, format!("{id}:mi-next-{k}"), copies[k - 1], copies[k]);
                }
                (copies[0], copies[n - 1])
            } else {
                let split = self.add_gateway(a, format!("{id}:mi-split"), ElementKind::ParallelGateway, format!("start the {n} instances of {name}"));
                // without outgoing flow, each copy ends on its own (an implicit end): no join
                let join = (!outgoing.is_empty()).then(|| {
                    self.add_gateway(a, format!("{id}:mi-join"), ElementKind::ParallelGateway, format!("all {n} instances of {name} done"))
                });
                for (k, &c) in copies.iter().enumerate() {
                    self.add_flow(&id, format!("{id}:mi-split-{}", k + 1), split, c);
                    if let Some(join) = join {
                        self.add_flow(&id, format!("{id}:mi-join-{}", k + 1), c, join);
                    }
                }
                if incoming.len() > 1 {
                    let merge = self.add_gateway(a, format!("{id}:mi-merge"), ElementKind::ExclusiveGateway, format!("merge before {name}"));
                    self.add_flow(&id, format!("{id}:mi-merge"), merge, split);
                    (merge, join.unwrap_or(a))
                } else {
                    (split, join.unwrap_or(a))
                }
            };
            for f in incoming {
                self.flows[f].target = first;
                self.nodes[first].incoming.push(f);
            }
            for f in outgoing {
                self.flows[f].source = last;
                self.nodes[last].outgoing.push(f);
            }
        }
        Ok(())
    }

    /// The name of node `p` as the model gives it (its id when it has none).
    pub(super) fn display_name(&self, p: usize) -> String {
        let n = &self.nodes[p];
        let name = norm(n.node.attribute("name").unwrap_or(""));
        if name.is_empty() { n.id.clone() } else { name }
    }

    /// A gateway of the unrolling of activity `a`, in its scope and lane (no flow yet).
    fn add_gateway(&mut self, a: usize, id: String, kind: ElementKind, label: String) -> usize {
        let n = &self.nodes[a];
        let mut g = NodeInfo::synthetic(n.node, id, kind, n.scope, n.container);
        g.lane = n.lane;
        g.label = Some(label);
        self.nodes.push(g);
        self.nodes.len() - 1
    }

    /// A flow `source -> target` of the unrolling of activity `activity`, on the next free place
    /// of their scope.
    fn add_flow(&mut self, activity: &str, id: String, source: usize, target: usize) {
        let scope = self.nodes[source].scope;
        let place = self.flows.iter().filter(|f| f.scope == scope).map(|f| f.place + 1).max().unwrap_or(0);
        let node = self.nodes[source].node;
        debug_assert!(id.starts_with(activity));
        let f = self.flows.len();
        self.flows.push(FlowInfo { node, id, scope, source, target, condition: None, place });
        self.nodes[source].outgoing.push(f);
        self.nodes[target].incoming.push(f);
    }

    /// Appends `suffix` to the id of node `p` (and `label` to its name); for a sub-process, to
    /// every element and flow inside it too. The old ids leave `node_by_id`.
    fn rename_node(&mut self, p: usize, suffix: &str, label: &str) {
        let n = &mut self.nodes[p];
        let old = std::mem::replace(&mut n.id, String::new());
        n.id = format!("{old}{suffix}");
        n.name_suffix.push_str(label);
        if n.kind == ElementKind::ExclusiveGateway {
            n.default_flow = n.default_flow.take().or_else(|| attr(&n.node, "default").map(str::to_string)).map(|d| format!("{d}{suffix}"));
        }
        let (kind, child) = (n.kind, n.child_scope);
        self.retire_id(old);
        if kind == ElementKind::SubProcess {
            for q in (0..self.nodes.len()).filter(|q| self.nodes[*q].scope == child).collect::<Vec<_>>() {
                self.rename_node(q, suffix, label);
            }
            for f in self.flows.iter_mut().filter(|f| f.scope == child) {
                f.id.push_str(suffix);
            }
        }
    }

    /// A copy of node `p` in `scope` (under sub-process `container`) with `suffix` appended to its
    /// id and `label` to its name, without flows; a sub-process is copied with a scope of its own
    /// holding copies of its content and flows (same places). Returns its position.
    fn copy_node(
        &mut self,
        p: usize,
        suffix: &str,
        label: &str,
        scope: usize,
        container: Option<usize>,
    ) -> Result<usize, CompileError> {
        if self.nodes.len() >= MAX_ELEMENTS {
            return Err(self.model_err(format!(
                "the model has more than {MAX_ELEMENTS} elements with its multi-instance copies, the limit is {MAX_ELEMENTS}"
            )));
        }
        let mut n = self.nodes[p].clone();
        n.id.push_str(suffix);
        n.name_suffix.push_str(label);
        n.scope = scope;
        n.container = container;
        n.incoming.clear();
        n.outgoing.clear();
        if n.kind == ElementKind::ExclusiveGateway {
            n.default_flow = n.default_flow.take().or_else(|| attr(&n.node, "default").map(str::to_string)).map(|d| format!("{d}{suffix}"));
        }
        let q = self.nodes.len();
        self.nodes.push(n);
        if self.nodes[q].kind == ElementKind::SubProcess {
            let old = self.nodes[p].child_scope;
            let (node, pool) = (self.scopes[old].node, self.scopes[old].pool);
            let s = self.new_scope(node, pool, Some(q))?;
            self.nodes[q].child_scope = s;
            let mut map = HashMap::new();
            for m in (0..self.nodes.len()).filter(|m| self.nodes[*m].scope == old).collect::<Vec<_>>() {
                map.insert(m, self.copy_node(m, suffix, label, s, Some(q))?);
            }
            for f in (0..self.flows.len()).filter(|f| self.flows[*f].scope == old).collect::<Vec<_>>() {
                let mut fl = self.flows[f].clone();
                fl.id.push_str(suffix);
                fl.scope = s;
                fl.source = map[&fl.source];
                fl.target = map[&fl.target];
                let g = self.flows.len();
                self.nodes[fl.source].outgoing.push(g);
                self.nodes[fl.target].incoming.push(g);
                self.flows.push(fl);
            }
        }
        Ok(q)
    }

    /// `id` no longer names one element: a message flow that names it is refused
    /// ([`Self::endpoint`]).
    fn retire_id(&mut self, id: String) {
        if self.node_by_id.remove(&id).is_some() {
            self.unrolled.insert(id);
        }
    }

    /// The limits of the compiled tables, once the copies are made: elements, places per scope.
    pub(super) fn check_limits(&self) -> Result<(), CompileError> {
        if self.nodes.len() > MAX_ELEMENTS {
            return Err(self.model_err(format!(
                "the model has {} elements (multi-instance copies included), the limit is {MAX_ELEMENTS}",
                self.nodes.len()
            )));
        }
        let mut places = vec![0usize; self.scopes.len()];
        for f in &self.flows {
            places[f.scope] = places[f.scope].max(f.place + 1);
        }
        for (s, n) in places.iter().enumerate() {
            if *n > MAX_PLACES {
                let node = self.scopes[s].node;
                return Err(self.err(
                    &node,
                    format!("this scope has {n} places (sequence flows), the limit is {MAX_PLACES}"),
                ));
            }
        }
        Ok(())
    }
}
