//! Pass 2: swimlanes (lanes of executable pools) and performer roles of tasks.

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    // ---------------------------------------------------------------- lanes

    pub(super) fn collect_lanes(&mut self) -> Result<(), CompileError> {
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
    pub(super) fn collect_performers(&mut self) -> Result<(), CompileError> {
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
}
