//! The compiler's error type.

use serde::Serialize;

/// Why a model was refused.
///
/// `element_id`/`element_type`/`line` locate the offending BPMN element when there is one:
/// its `id` attribute, its BPMN type (the XML local name, e.g. `boundaryEvent`) and the 1-based
/// line of its start tag in the file. Malformed XML has only `line` (and the parser's message,
/// with line and column, in `reason`). Limit errors name the scope or the model.
///
/// Display: `line 42: <bpmn:boundaryEvent id="X">: boundary events are not supported`
/// (parts that are `None` are left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompileError {
    /// The `id` of the offending element, if any.
    pub element_id: Option<String>,
    /// Its BPMN type (XML local name, e.g. `sequenceFlow`), if any.
    pub element_type: Option<String>,
    /// 1-based line of its start tag (or of the XML error), if known.
    pub line: Option<u32>,
    /// Human-readable reason.
    pub reason: String,
}

impl CompileError {
    /// An error not tied to an element.
    pub fn new(reason: impl Into<String>) -> CompileError {
        CompileError {
            element_id: None,
            element_type: None,
            line: None,
            reason: reason.into(),
        }
    }
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(line) = self.line {
            write!(f, "line {line}: ")?;
        }
        match (&self.element_type, &self.element_id) {
            (Some(t), Some(id)) => write!(f, "<bpmn:{t} id=\"{id}\">: ")?,
            (Some(t), None) => write!(f, "<bpmn:{t}>: ")?,
            (None, Some(id)) => write!(f, "\"{id}\": ")?,
            (None, None) => {}
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for CompileError {}
