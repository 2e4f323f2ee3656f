//! Pass 4: conditions compiled to bytecode, and the records assembled in append order.

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    // ---------------------------------------------------------------- conditions

    pub(super) fn compile_conditions(&self) -> Result<(Vec<Vec<u8>>, Vec<Variable>), CompileError> {
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

    pub(super) fn assemble(
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
