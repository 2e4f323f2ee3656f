//! Task verification declarations (AlstraNet specification 5.22, TaskVerification;
//! docs/bpm-engine.md, "Task verification").
//!
//! A task whose completion needs a second role's approval says so with attributes of the
//! AlstraNet namespace ([`ALSTRA_NS`]), as bpmn.io or a text editor writes them:
//!
//! ```xml
//! <bpmn:userTask id="Pay" name="Pay invoice" alstra:verifier="Controller" alstra:evidence="required"/>
//! ```
//!
//! or with extension properties named `alstra:verifier` / `alstra:evidence`, as Camunda
//! Modeler's "Extension properties" panel writes them (`camunda:properties`, and
//! `zeebe:properties` for Camunda 8; any `property` element under `extensionElements` counts):
//!
//! ```xml
//! <bpmn:extensionElements><camunda:properties>
//!   <camunda:property name="alstra:verifier" value="Controller"/>
//! </camunda:properties></bpmn:extensionElements>
//! ```
//!
//! `alstra:verifier` names the verifier role (like a lane name: `keccak256` of the whitespace-
//! normalized name); `alstra:evidence` is `required` (a submission carries a document hash) or
//! `none` (the default). Refused: a declaration on anything but a task completed by a person, a
//! verifier role that is the task's own performer role (four eyes need two roles), an empty
//! role, `alstra:evidence` without a verifier or with another value. Every copy of a
//! multi-instance task is verified.
//!
//! `alstra:certificate="true"` on an executable `process` asks for an ERC-721 certificate per
//! completed instance (`InstanceCertificates`, to the instance's starter; specification 5.13).
//!
//! `alstra:reward="<units>"` on a verified task (same two forms) is its reward rule (AlstraNet
//! specification 5.13 Token and 5.15 Reward): each approval mints that many recognition units
//! (`RewardUnits`, non-transferable) to the account that performed the task. A whole number
//! from 1 to [`MAX_REWARD_UNITS`]; refused on a task without `alstra:verifier` (only verified
//! work is rewarded) and on anything but a task.

use super::*;

/// Namespace of AlstraNet's BPMN extension attributes.
pub const ALSTRA_NS: &str = "https://alstranet.org/schema/bpmn";

/// Largest `alstra:reward` of one task (the core's limit, also checked by the registry).
pub const MAX_REWARD_UNITS: u64 = alstra_bpm_core::limits::MAX_REWARD_UNITS as u64;

/// The value an element declares for `alstra:<key>`: its attribute in [`ALSTRA_NS`], else a
/// `property` (any namespace) under its `extensionElements` whose `name` is `alstra:<key>`.
fn declared<'a>(n: &Node<'a, '_>, key: &str) -> Option<&'a str> {
    if let Some(v) = n.attribute((ALSTRA_NS, key)) {
        return Some(v);
    }
    let wanted = format!("alstra:{key}");
    n.children()
        .filter(|c| is_tag(c, "extensionElements"))
        .flat_map(|ext| ext.descendants())
        .filter(|p| p.is_element() && p.tag_name().name() == "property")
        .find(|p| p.attribute("name").map(str::trim) == Some(wanted.as_str()))
        .map(|p| p.attribute("value").unwrap_or(""))
}

impl<'a, 'i> Compiler<'a, 'i> {
    /// Whether the definition asks for a certificate per completed instance:
    /// `alstra:certificate="true"` (or an extension property of that name) on an executable
    /// `process`. Refused on any other element, and with a value other than true/false.
    pub(super) fn certificate(&self) -> Result<bool, CompileError> {
        let mut asked = false;
        for n in self.root.descendants().filter(is_bpmn) {
            let Some(v) = declared(&n, "certificate") else { continue };
            let executable = n.attribute("isExecutable").map(str::trim) != Some("false");
            if tag(&n) != "process" || !executable {
                return Err(self.err(
                    &n,
                    format!("alstra:certificate on a {}: declare it on the executable process", if tag(&n) == "process" { "non-executable process" } else { tag(&n) }),
                ));
            }
            match v.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" => asked = true,
                "false" | "no" => {},
                other => return Err(self.err(&n, format!("alstra:certificate is \"{other}\": write \"true\" or \"false\""))),
            }
        }
        Ok(asked)
    }

    /// The verified tasks, in element order (see the module docs).
    pub(super) fn task_verifications(&self, index: &[usize]) -> Result<Vec<TaskVerification>, CompileError> {
        let mut out = Vec::new();
        // declarations on XML elements that are not a person task of the model
        for n in self.root.descendants().filter(is_bpmn) {
            if ["verifier", "evidence", "reward"].iter().all(|k| declared(&n, k).is_none()) {
                continue;
            }
            let is_task = self.nodes.iter().any(|x| x.node == n && x.kind.is_role_task());
            if !is_task {
                return Err(self.err(
                    &n,
                    format!(
                        "alstra:verifier/alstra:evidence/alstra:reward on a {}: only tasks completed by a person (task, user, manual, service, send, script, business rule task) can be verified",
                        tag(&n)
                    ),
                ));
            }
        }
        for (pos, x) in self.nodes.iter().enumerate() {
            if !x.kind.is_role_task() {
                continue;
            }
            let verifier = declared(&x.node, "verifier").map(norm);
            let evidence = match declared(&x.node, "evidence").map(|v| v.trim().to_ascii_lowercase()) {
                None => false,
                Some(v) if v == "required" || v == "true" => true,
                Some(v) if v == "none" || v == "false" || v.is_empty() => false,
                Some(v) => {
                    return Err(self.err(
                        &x.node,
                        format!("alstra:evidence is \"{v}\": write \"required\" or \"none\""),
                    ))
                }
            };
            let reward = match declared(&x.node, "reward").map(str::trim) {
                None => 0,
                Some(v) => match v.parse::<u64>() {
                    Ok(units) if (1..=MAX_REWARD_UNITS).contains(&units) => units,
                    _ => {
                        return Err(self.err(
                            &x.node,
                            format!("alstra:reward is \"{v}\": write a whole number of units from 1 to {MAX_REWARD_UNITS}"),
                        ))
                    }
                },
            };
            let Some(name) = verifier else {
                if evidence {
                    return Err(self.err(&x.node, "alstra:evidence=\"required\" needs alstra:verifier (the role that checks the evidence)"));
                }
                if reward != 0 {
                    return Err(self.err(
                        &x.node,
                        "alstra:reward needs alstra:verifier: rewards are minted only for work a second role approved",
                    ));
                }
                continue;
            };
            if name.is_empty() {
                return Err(self.err(&x.node, "alstra:verifier is empty: name the role that verifies the task"));
            }
            let role = keccak256(name.as_bytes());
            let pool = self.scopes[x.scope].pool;
            let performer = if x.lane == 0 { self.pools[pool].record.role } else { self.swimlanes[x.lane - 1].role };
            if role == performer {
                return Err(self.err(
                    &x.node,
                    format!("alstra:verifier \"{name}\" is the task's own performer role: the four-eyes principle needs another role"),
                ));
            }
            out.push(TaskVerification {
                element: index[pos] as u16,
                verifier_name: name,
                verifier_role: role,
                evidence_required: evidence,
                reward,
            });
        }
        out.sort_by_key(|v| v.element);
        Ok(out)
    }
}
