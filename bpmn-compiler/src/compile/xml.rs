//! XML helpers: BPMN tags, attributes, names, performer roles.

use super::*;

pub(super) const ACTIVITY_TAGS: &[&str] = &[
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

pub(super) const FLOW_NODE_TAGS: &[&str] = &[
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
pub(super) const RESOURCE_ROLE_TAGS: &[&str] = &[
    "performer",
    "humanPerformer",
    "potentialOwner",
    "resourceRole",
];

pub(super) fn is_bpmn(n: &Node) -> bool {
    n.is_element() && n.tag_name().namespace() == Some(BPMN_NS)
}

pub(super) fn tag<'a>(n: &Node<'a, '_>) -> &'a str {
    n.tag_name().name()
}

pub(super) fn is_tag(n: &Node, t: &str) -> bool {
    is_bpmn(n) && tag(n) == t
}

pub(super) fn bpmn_children<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(is_bpmn)
}

/// Whitespace-normalized text: trimmed, runs of whitespace (including newlines) -> one space.
pub(super) fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(super) fn attr<'a>(n: &Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute(name).map(str::trim).filter(|s| !s.is_empty())
}

/// A reference attribute (`processRef`, `calledElement`, ...) that may be a QName: a prefix
/// bound to a namespace in scope is dropped.
pub(super) fn local_ref<'a>(n: &Node, value: &'a str) -> &'a str {
    if let Some((prefix, local)) = value.split_once(':') {
        if n.lookup_namespace_uri(Some(prefix)).is_some() {
            return local;
        }
    }
    value
}

pub(super) fn text_of(n: &Node) -> String {
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
pub(super) fn performer_of<'a, 'i>(
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
pub(super) fn doc_annotation(text: &str) -> Option<String> {
    let (_, rest) = text.split_once('@')?;
    let (name, _) = rest.split_once('@')?;
    let name = norm(name);
    (!name.is_empty()).then_some(name)
}
