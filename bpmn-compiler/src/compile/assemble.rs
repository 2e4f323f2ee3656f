//! Pass 4: conditions compiled to bytecode, and the records assembled in append order.

use super::*;

impl<'a, 'i> Compiler<'a, 'i> {
    // ---------------------------------------------------------------- conditions

    /// Declared process variables (BPMN 2.0.2 sections 10.3.1 and 8.3.10: a `property` or a
    /// `dataObject` of an executable process or of one of its sub-processes, typed by the
    /// `structureRef` of the `itemDefinition` its `itemSubjectRef` names), in document order:
    /// a variable a task writes but no condition reads still needs an index. A `property` or
    /// `dataObject` without `itemSubjectRef`, whose item is not a scalar type the engine holds
    /// ([`scalar_type`]) or whose name is not an identifier only documents the process and
    /// declares nothing.
    fn declare_variables(&self, table: &mut VarTable) -> Result<(), CompileError> {
        let items: Vec<Node> = bpmn_children(self.root).filter(|n| is_tag(n, "itemDefinition")).collect();
        for process in self.pools.iter().filter_map(|p| p.process) {
            for d in process.descendants().filter(|n| is_bpmn(n) && matches!(tag(n), "property" | "dataObject")) {
                // an untyped data object documents the process: no variable
                let Some(item_ref) = attr(&d, "itemSubjectRef") else { continue };
                let Some(name) = attr(&d, "name").or_else(|| attr(&d, "id")) else {
                    return Err(self.err(&d, format!("a {} needs a name (the variable's)", tag(&d))));
                };
                // a name conditions cannot write (`Purchase order`) labels a document, not a variable
                if !name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    continue;
                }
                let item_id = item_ref.rsplit(':').next().unwrap_or(item_ref);
                let Some(item) = items.iter().find(|i| attr(i, "id") == Some(item_id)) else {
                    return Err(self.err(&d, format!("variable `{name}`: no itemDefinition `{item_ref}`")));
                };
                let structure = attr(item, "structureRef").unwrap_or_default();
                let Some(ty) = scalar_type(structure) else {
                    continue; // structured business data (a document, a record): not an engine variable
                };
                table.declare(name, ty).map_err(|e| self.err(&d, format!("variable `{name}`: {e}")))?;
            }
        }
        Ok(())
    }

    pub(super) fn compile_conditions(&self) -> Result<(Vec<Vec<u8>>, Vec<Variable>), CompileError> {
        let mut table = VarTable::new();
        self.declare_variables(&mut table)?;
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
        verifications: Vec<TaskVerification>,
    ) -> CompiledModel {
        let mut elements: Vec<Option<Element>> = vec![None; self.nodes.len()];
        for (pos, n) in self.nodes.iter().enumerate() {
            elements[index[pos]] = Some(Element {
                bpmn_id: n.id.clone(),
                name: if let Some(label) = &n.label {
                    label.clone()
                } else if n.implicit_start {
                    "implicit start".to_string()
                } else if n.loop_gateway_of.is_some() {
                    format!("loop of {}", norm(n.node.attribute("name").unwrap_or(&n.id)))
                } else {
                    norm(n.node.attribute("name").unwrap_or(""))
                } + &n.name_suffix,
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
                // a sub-process's scope has its id (a multi-instance copy's: `<id>#k`)
                bpmn_id: s.opener.map_or_else(|| attr(&s.node, "id").unwrap_or("").to_string(), |p| self.nodes[p].id.clone()),
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
                        && src.default_flow.as_deref().or_else(|| attr(&src.node, "default"))
                            == Some(fl.id.as_str()),
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
            verifications,
            certificate: false,
        }
    }
}

/// The engine's type for an `itemDefinition`'s `structureRef`, by its local name (after any
/// `prefix:` or Java package), case-insensitive: XML Schema (`xsd:integer`, `xsd:string`,
/// `xsd:boolean`, ...), FEEL (`feel:number`, `feel:string`, `feel:boolean`), the MIWG test
/// suite's `tString`/`tBool`, Java (`java.lang.Long`, ...). A FEEL number is held as an integer
/// (the engine has no decimals). `None` for anything else (dates, structured types).
pub(super) fn scalar_type(structure_ref: &str) -> Option<VariableType> {
    let local = structure_ref.rsplit([':', '.']).next().unwrap_or(structure_ref).to_ascii_lowercase();
    match local.as_str() {
        "int" | "integer" | "long" | "short" | "byte" | "biginteger" | "number" | "tint" | "tinteger" => {
            Some(VariableType::Int)
        }
        "boolean" | "bool" | "tbool" | "tboolean" => Some(VariableType::Bool),
        "string" | "tstring" => Some(VariableType::String),
        _ => None,
    }
}
