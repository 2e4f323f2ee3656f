//! The condition expression language of docs/bpm-engine.md and its compiler to the stack
//! bytecode of `ConditionVM.sol`.
//!
//! ```text
//! expr    := or
//! or      := and (("||" | "or") and)*
//! and     := not (("&&" | "and") not)*
//! not     := ("!" | "not") not | cmp
//! cmp     := atom (("==" | "=" | "!=" | "<" | "<=" | ">" | ">=") atom)?
//! atom    := "true" | "false" | INT | STRING | IDENT | "bpmn:getDataObject(" STRING ")"
//!          | "not(" expr ")" | "(" expr ")"
//! ```
//!
//! `${ … }` around the whole expression is removed first. `INT` is a decimal integer,
//! optionally preceded by `-`, in the int256 range. `not` directly followed by `(` is the
//! function form (an atom). Types are inferred over the whole model (see [`VarTable`]).

use alstra_bpm_core::condition::{self as vm, Int256};
use alstra_bpm_core::model::{Variable, VariableType};

/// Maximum number of tokens in one condition (keeps every recursion shallow).
pub const MAX_TOKENS: usize = 512;
/// Maximum nesting of parentheses and prefix `!`/`not` in one condition.
pub const MAX_NESTING: usize = 64;
/// Maximum number of variables of a definition (`LOAD` has a 1-byte operand).
pub use alstra_bpm_core::limits::MAX_VARIABLES;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    LParen,
    RParen,
    Bang,
    AndAnd,
    OrOr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Int(Int256),
    Str(String),
    Ident(String),
    GetDataObject,
}

impl Tok {
    fn describe(&self) -> String {
        match self {
            Tok::LParen => "`(`".into(),
            Tok::RParen => "`)`".into(),
            Tok::Bang => "`!`".into(),
            Tok::AndAnd => "`&&`".into(),
            Tok::OrOr => "`||`".into(),
            Tok::Eq => "`==`".into(),
            Tok::Ne => "`!=`".into(),
            Tok::Lt => "`<`".into(),
            Tok::Le => "`<=`".into(),
            Tok::Gt => "`>`".into(),
            Tok::Ge => "`>=`".into(),
            Tok::Int(_) => "an integer".into(),
            Tok::Str(s) => format!("string '{s}'"),
            Tok::Ident(s) => format!("`{s}`"),
            Tok::GetDataObject => "`bpmn:getDataObject`".into(),
        }
    }
}

/// Token with its 1-based character column in the (unwrapped) expression.
type Spanned = (Tok, usize);

fn lex(src: &str) -> Result<Vec<Spanned>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if out.len() >= MAX_TOKENS {
            return Err(format!(
                "expression too long (more than {MAX_TOKENS} tokens)"
            ));
        }
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '!' if next == Some('=') => (Tok::Ne, 2),
            '!' => (Tok::Bang, 1),
            '&' if next == Some('&') => (Tok::AndAnd, 2),
            '|' if next == Some('|') => (Tok::OrOr, 2),
            '=' if next == Some('=') => (Tok::Eq, 2),
            '=' => (Tok::Eq, 1),
            '<' if next == Some('=') => (Tok::Le, 2),
            '<' => (Tok::Lt, 1),
            '>' if next == Some('=') => (Tok::Ge, 2),
            '>' => (Tok::Gt, 1),
            '\'' | '"' => {
                let mut j = i + 1;
                while j < chars.len() && chars[j] != c {
                    j += 1;
                }
                if j >= chars.len() {
                    return Err(format!("unterminated string at column {col}"));
                }
                let s: String = chars[i + 1..j].iter().collect();
                (Tok::Str(s), j + 1 - i)
            }
            '-' | '0'..='9' => {
                let mut j = if c == '-' { i + 1 } else { i };
                let start_digits = j;
                while j < chars.len() && chars[j].is_ascii_digit() {
                    j += 1;
                }
                if j == start_digits {
                    return Err(format!("unexpected `-` at column {col}"));
                }
                if j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
                    return Err(format!("malformed number at column {col}"));
                }
                let text: String = chars[i..j].iter().collect();
                let v = Int256::parse_decimal(&text)
                    .ok_or_else(|| format!("integer {text} is outside the int256 range"))?;
                (Tok::Int(v), j - i)
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut j = i;
                while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                    j += 1;
                }
                let mut word: String = chars[i..j].iter().collect();
                if j < chars.len() && chars[j] == ':' {
                    // qualified name: only bpmn:getDataObject is known
                    let mut k = j + 1;
                    while k < chars.len() && (chars[k].is_ascii_alphanumeric() || chars[k] == '_') {
                        k += 1;
                    }
                    let local: String = chars[j + 1..k].iter().collect();
                    word = format!("{word}:{local}");
                    if word != "bpmn:getDataObject" {
                        return Err(format!("unknown function `{word}` at column {col}"));
                    }
                    (Tok::GetDataObject, k - i)
                } else {
                    let len = j - i;
                    (Tok::Ident(std::mem::take(&mut word)), len)
                }
            }
            other => return Err(format!("unexpected character `{other}` at column {col}")),
        };
        out.push((tok, col));
        i += len;
    }
    Ok(out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Bool(bool),
    Int(Int256),
    Str(String),
    Var(usize),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

struct Parser<'t> {
    toks: &'t [Spanned],
    pos: usize,
    end_col: usize,
    nesting: usize,
}

impl<'t> Parser<'t> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    fn peek2(&self) -> Option<&Tok> {
        self.toks.get(self.pos + 1).map(|t| &t.0)
    }
    fn col(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(self.end_col)
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == kw)
    }
    fn unexpected(&self, wanted: &str) -> String {
        match self.peek() {
            Some(t) => format!(
                "expected {wanted} at column {}, found {}",
                self.col(),
                t.describe()
            ),
            None => format!(
                "expected {wanted} at the end of the expression (column {})",
                self.end_col
            ),
        }
    }
    fn enter(&mut self) -> Result<(), String> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(format!(
                "expression nested too deeply (more than {MAX_NESTING} levels)"
            ));
        }
        Ok(())
    }

    fn expect(&mut self, t: Tok, wanted: &str) -> Result<(), String> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    fn or(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let mut e = self.and(vars, flow)?;
        while self.peek() == Some(&Tok::OrOr) || self.is_kw("or") {
            self.pos += 1;
            let r = self.and(vars, flow)?;
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn and(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let mut e = self.not(vars, flow)?;
        while self.peek() == Some(&Tok::AndAnd) || self.is_kw("and") {
            self.pos += 1;
            let r = self.not(vars, flow)?;
            e = Expr::And(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    fn not(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let prefix = self.peek() == Some(&Tok::Bang)
            || (self.is_kw("not") && self.peek2() != Some(&Tok::LParen));
        if prefix {
            self.pos += 1;
            self.enter()?;
            let e = self.not(vars, flow)?;
            self.nesting -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        self.cmp(vars, flow)
    }

    fn cmp(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let a = self.atom(vars, flow)?;
        let op = match self.peek() {
            Some(Tok::Eq) => CmpOp::Eq,
            Some(Tok::Ne) => CmpOp::Ne,
            Some(Tok::Lt) => CmpOp::Lt,
            Some(Tok::Le) => CmpOp::Le,
            Some(Tok::Gt) => CmpOp::Gt,
            Some(Tok::Ge) => CmpOp::Ge,
            _ => return Ok(a),
        };
        self.pos += 1;
        let b = self.atom(vars, flow)?;
        Ok(Expr::Cmp(op, Box::new(a), Box::new(b)))
    }

    fn atom(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let tok = match self.peek() {
            Some(t) => t.clone(),
            None => return Err(self.unexpected("a value")),
        };
        match tok {
            Tok::Int(v) => {
                self.pos += 1;
                Ok(Expr::Int(v))
            }
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Expr::Str(s))
            }
            Tok::LParen => {
                self.pos += 1;
                self.enter()?;
                let e = self.or(vars, flow)?;
                self.expect(Tok::RParen, "`)`")?;
                self.nesting -= 1;
                Ok(e)
            }
            Tok::GetDataObject => {
                self.pos += 1;
                self.expect(Tok::LParen, "`(` after bpmn:getDataObject")?;
                let name = match self.peek() {
                    Some(Tok::Str(s)) if !s.trim().is_empty() => s.trim().to_string(),
                    _ => return Err(self.unexpected("a data object name ('…')")),
                };
                self.pos += 1;
                self.expect(Tok::RParen, "`)`")?;
                Ok(Expr::Var(vars.intern(&name, flow)?))
            }
            Tok::Ident(w) => match w.as_str() {
                "true" => {
                    self.pos += 1;
                    Ok(Expr::Bool(true))
                }
                "false" => {
                    self.pos += 1;
                    Ok(Expr::Bool(false))
                }
                "not" if self.peek2() == Some(&Tok::LParen) => {
                    // function form not( expr )
                    self.pos += 2;
                    self.enter()?;
                    let e = self.or(vars, flow)?;
                    self.expect(Tok::RParen, "`)`")?;
                    self.nesting -= 1;
                    Ok(Expr::Not(Box::new(e)))
                }
                "and" | "or" | "not" => Err(self.unexpected("a value")),
                _ => {
                    self.pos += 1;
                    Ok(Expr::Var(vars.intern(&w, flow)?))
                }
            },
            _ => Err(self.unexpected("a value")),
        }
    }
}

/// A type term during inference: a known type or the (union-find) class of a variable.
#[derive(Debug, Clone, Copy)]
enum Ty {
    Known(VariableType),
    Var(usize),
}

/// The variables of a definition and their inferred types.
///
/// Variables are numbered in order of first appearance. Types are inferred across all the
/// conditions of the model (a variable has one type): a bare variable (or an operand of
/// `!`/`&&`/`||`) is `Bool`, an operand of `<`/`<=`/`>`/`>=` is `Int`, and `==`/`!=` unify the
/// types of both sides (a variable compared with `true`, an integer or a string gets that
/// type; two variables compared with each other share a type).
#[derive(Debug, Default, Clone)]
pub struct VarTable {
    names: Vec<String>,
    parent: Vec<usize>,
    ty: Vec<Option<VariableType>>,
    first_flow: Vec<usize>,
}

impl VarTable {
    /// An empty table.
    pub fn new() -> VarTable {
        VarTable::default()
    }

    /// Number of variables.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there is no variable.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn intern(&mut self, name: &str, flow: usize) -> Result<usize, String> {
        // the count is checked by `finish` (so that the error can give it)
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return Ok(i);
        }
        let i = self.names.len();
        self.names.push(name.to_string());
        self.parent.push(i);
        self.ty.push(None);
        self.first_flow.push(flow);
        Ok(i)
    }

    fn root(&self, mut i: usize) -> usize {
        // bounded: union always links to an older (smaller) root, so chains shorten
        let mut guard = 0;
        while self.parent[i] != i && guard <= self.parent.len() {
            i = self.parent[i];
            guard += 1;
        }
        i
    }

    fn resolve(&self, t: Ty) -> Ty {
        match t {
            Ty::Known(_) => t,
            Ty::Var(i) => {
                let r = self.root(i);
                match self.ty[r] {
                    Some(k) => Ty::Known(k),
                    None => Ty::Var(r),
                }
            }
        }
    }

    fn describe(&self, t: Ty, orig: Ty) -> String {
        match (orig, t) {
            (Ty::Var(i), Ty::Known(k)) => format!("`{}` is {}", self.names[i], k.name()),
            (_, Ty::Known(k)) => format!("a {} value", k.name()),
            (Ty::Var(i), Ty::Var(_)) | (_, Ty::Var(i)) => format!("`{}`", self.names[i]),
        }
    }

    fn unify(&mut self, a: Ty, b: Ty) -> Result<(), String> {
        let (ra, rb) = (self.resolve(a), self.resolve(b));
        match (ra, rb) {
            (Ty::Known(x), Ty::Known(y)) => {
                if x == y {
                    Ok(())
                } else {
                    Err(format!(
                        "type mismatch: {} but {}",
                        self.describe(ra, a),
                        match b {
                            Ty::Var(i) => format!("`{}` is {}", self.names[i], y.name()),
                            Ty::Known(_) => format!("it is used as {}", y.name()),
                        }
                    ))
                }
            }
            (Ty::Var(r), Ty::Known(k)) | (Ty::Known(k), Ty::Var(r)) => {
                self.ty[r] = Some(k);
                Ok(())
            }
            (Ty::Var(x), Ty::Var(y)) => {
                if x != y {
                    let (lo, hi) = if x < y { (x, y) } else { (y, x) };
                    self.parent[hi] = lo;
                }
                Ok(())
            }
        }
    }

    fn infer(&mut self, e: &Expr) -> Result<Ty, String> {
        match e {
            Expr::Bool(_) => Ok(Ty::Known(VariableType::Bool)),
            Expr::Int(_) => Ok(Ty::Known(VariableType::Int)),
            Expr::Str(_) => Ok(Ty::Known(VariableType::String)),
            Expr::Var(i) => Ok(Ty::Var(*i)),
            Expr::Not(a) => {
                self.expect(a, VariableType::Bool, "`!`/`not`")?;
                Ok(Ty::Known(VariableType::Bool))
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let op = if matches!(e, Expr::And(..)) {
                    "`&&`"
                } else {
                    "`||`"
                };
                self.expect(a, VariableType::Bool, op)?;
                self.expect(b, VariableType::Bool, op)?;
                Ok(Ty::Known(VariableType::Bool))
            }
            Expr::Cmp(op, a, b) => {
                let ta = self.infer(a)?;
                let tb = self.infer(b)?;
                if matches!(op, CmpOp::Eq | CmpOp::Ne) {
                    self.unify(ta, tb)?;
                } else {
                    for (t, side) in [(ta, a), (tb, b)] {
                        match self.resolve(t) {
                            Ty::Known(VariableType::String) => {
                                return Err(format!(
                                    "{} cannot be compared with `<`, `<=`, `>` or `>=` (strings support only `==` and `!=`)",
                                    self.operand(side, t)
                                ))
                            }
                            Ty::Known(VariableType::Bool) => {
                                return Err(format!(
                                    "{} cannot be compared with `<`, `<=`, `>` or `>=` (only integers can)",
                                    self.operand(side, t)
                                ))
                            }
                            _ => self.unify(t, Ty::Known(VariableType::Int))?,
                        }
                    }
                }
                Ok(Ty::Known(VariableType::Bool))
            }
        }
    }

    fn operand(&self, e: &Expr, t: Ty) -> String {
        match (e, self.resolve(t)) {
            (Expr::Var(i), Ty::Known(k)) => format!("`{}` ({})", self.names[*i], k.name()),
            (Expr::Str(s), _) => format!("string '{s}'"),
            (_, Ty::Known(k)) => format!("a {} value", k.name()),
            _ => "the operand".into(),
        }
    }

    fn expect(&mut self, e: &Expr, want: VariableType, ctx: &str) -> Result<(), String> {
        let t = self.infer(e)?;
        match self.resolve(t) {
            Ty::Known(k) if k != want => Err(format!(
                "{} is used as an operand of {ctx}, which needs {}",
                self.operand(e, t),
                want.name()
            )),
            _ => self.unify(t, Ty::Known(want)),
        }
    }

    /// The final variable table. Fails with `(first flow index, reason)` when the type of a
    /// variable could not be inferred (it was only compared with other untyped variables).
    ///
    /// Also fails when there are more than [`MAX_VARIABLES`] variables (the flow is then the
    /// one where the first variable above the limit appears).
    pub fn finish(&self) -> Result<Vec<Variable>, (usize, String)> {
        if self.names.len() > MAX_VARIABLES {
            return Err((
                self.first_flow[MAX_VARIABLES],
                format!(
                    "the model has {} variables, the limit is {MAX_VARIABLES}",
                    self.names.len()
                ),
            ));
        }
        let mut out = Vec::with_capacity(self.names.len());
        for i in 0..self.names.len() {
            match self.resolve(Ty::Var(i)) {
                Ty::Known(k) => out.push(Variable { name: self.names[i].clone(), var_type: k }),
                Ty::Var(_) => {
                    return Err((
                        self.first_flow[i],
                        format!(
                            "cannot infer the type of variable `{}` (it is only compared with other variables of unknown type)",
                            self.names[i]
                        ),
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// Removes surrounding whitespace and one `${ … }` wrapper.
pub fn unwrap_expression(src: &str) -> &str {
    let t = src.trim();
    match t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) => inner.trim(),
        None => t,
    }
}

fn emit(e: &Expr, out: &mut Vec<u8>) {
    match e {
        Expr::Bool(true) => out.push(vm::OP_TRUE),
        Expr::Bool(false) => out.push(vm::OP_FALSE),
        Expr::Int(v) => {
            out.push(vm::OP_PUSH);
            out.extend_from_slice(&v.0);
        }
        Expr::Str(s) => {
            out.push(vm::OP_PUSH);
            out.extend_from_slice(&Int256::from_string(s).0);
        }
        Expr::Var(i) => {
            out.push(vm::OP_LOAD);
            out.push((*i).min(255) as u8);
        }
        Expr::Cmp(op, a, b) => {
            emit(a, out);
            emit(b, out);
            out.push(match op {
                CmpOp::Eq => vm::OP_EQ,
                CmpOp::Ne => vm::OP_NE,
                CmpOp::Lt => vm::OP_LT,
                CmpOp::Le => vm::OP_LE,
                CmpOp::Gt => vm::OP_GT,
                CmpOp::Ge => vm::OP_GE,
            });
        }
        Expr::And(a, b) | Expr::Or(a, b) => {
            emit(a, out);
            emit(b, out);
            out.push(if matches!(e, Expr::And(..)) {
                vm::OP_AND
            } else {
                vm::OP_OR
            });
        }
        Expr::Not(a) => {
            emit(a, out);
            out.push(vm::OP_NOT);
        }
    }
}

fn depth(e: &Expr) -> usize {
    match e {
        Expr::Bool(_) | Expr::Int(_) | Expr::Str(_) | Expr::Var(_) => 1,
        Expr::Not(a) => depth(a),
        Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => depth(a).max(1 + depth(b)),
    }
}

/// Compiles one condition to bytecode, adding its variables to `vars` (`flow` is the index
/// of the sequence flow, remembered for error reporting by [`VarTable::finish`]).
///
/// Errors (a human-readable reason): syntax errors with the 1-based column in the unwrapped
/// expression, type errors, a non-boolean result, more than [`MAX_TOKENS`] tokens, a stack
/// deeper than [`vm::MAX_STACK`], more than [`MAX_VARIABLES`] variables.
pub fn compile_condition(src: &str, vars: &mut VarTable, flow: usize) -> Result<Vec<u8>, String> {
    let text = unwrap_expression(src);
    if text.is_empty() {
        return Err("empty condition".into());
    }
    let toks = lex(text)?;
    let mut p = Parser {
        toks: &toks,
        pos: 0,
        end_col: text.chars().count() + 1,
        nesting: 0,
    };
    let e = p.or(vars, flow)?;
    if p.pos < toks.len() {
        return Err(p.unexpected("an operator or the end of the expression"));
    }
    let t = vars.infer(&e)?;
    match vars.resolve(t) {
        Ty::Known(VariableType::Bool) => {}
        Ty::Known(k) => {
            return Err(match &e {
                Expr::Var(i) => format!(
                    "type mismatch: `{}` is {} but is used as a condition (Bool)",
                    vars.names[*i],
                    k.name()
                ),
                _ => format!("the condition is {}, not a boolean", k.name()),
            })
        }
        Ty::Var(_) => vars.unify(t, Ty::Known(VariableType::Bool))?,
    }
    let d = depth(&e);
    if d > vm::MAX_STACK {
        return Err(format!(
            "condition too complex: it needs {d} stack slots (limit {})",
            vm::MAX_STACK
        ));
    }
    let mut out = Vec::new();
    emit(&e, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alstra_bpm_core::condition::*;

    fn c(src: &str) -> (Vec<u8>, Vec<Variable>) {
        let mut t = VarTable::new();
        let code = compile_condition(src, &mut t, 0).unwrap_or_else(|e| panic!("{src}: {e}"));
        (code, t.finish().unwrap())
    }

    fn err(src: &str) -> String {
        let mut t = VarTable::new();
        match compile_condition(src, &mut t, 0) {
            Ok(code) => match t.finish() {
                Ok(_) => panic!("{src} compiled to {code:?}"),
                Err((_, e)) => e,
            },
            Err(e) => e,
        }
    }

    fn push(v: i128) -> Vec<u8> {
        let mut o = vec![OP_PUSH];
        o.extend_from_slice(&Int256::from(v).0);
        o
    }

    fn ev(src: &str, vals: &[(&str, Int256)]) -> bool {
        let (code, vars) = c(src);
        let mut mem = vec![Int256::ZERO; vars.len()];
        for (n, v) in vals {
            if let Some(i) = vars.iter().position(|x| &x.name == n) {
                mem[i] = *v;
            }
        }
        eval_condition(&code, &mem).unwrap()
    }

    fn i(v: i128) -> Int256 {
        Int256::from(v)
    }

    #[test]
    fn literals_and_bare_variable() {
        assert_eq!(c("true").0, vec![OP_TRUE]);
        assert_eq!(c("false").0, vec![OP_FALSE]);
        let (code, vars) = c("accepted");
        assert_eq!(code, vec![OP_LOAD, 0]);
        assert_eq!(
            vars,
            vec![Variable {
                name: "accepted".into(),
                var_type: VariableType::Bool
            }]
        );
    }

    #[test]
    fn each_comparison_operator() {
        for (op, byte) in [
            ("==", OP_EQ),
            ("=", OP_EQ),
            ("!=", OP_NE),
            ("<", OP_LT),
            ("<=", OP_LE),
            (">", OP_GT),
            (">=", OP_GE),
        ] {
            let (code, vars) = c(&format!("amount {op} 10"));
            let mut want = vec![OP_LOAD, 0];
            want.extend(push(10));
            want.push(byte);
            assert_eq!(code, want, "{op}");
            assert_eq!(vars[0].var_type, VariableType::Int);
        }
        assert!(ev("a < 10", &[("a", i(9))]));
        assert!(!ev("a < 10", &[("a", i(10))]));
        assert!(ev("a <= 10", &[("a", i(10))]));
        assert!(ev("a > -3", &[("a", i(-2))]));
        assert!(!ev("a > -3", &[("a", i(-3))]));
        assert!(ev("a >= -3", &[("a", i(-3))]));
        assert!(ev("a == 7", &[("a", i(7))]));
        assert!(ev("a != 7", &[("a", i(8))]));
        assert!(ev("a < 0", &[("a", i(-1))]), "signed comparison");
    }

    #[test]
    fn logic_operators_and_words() {
        let (code, _) = c("a && b");
        assert_eq!(code, vec![OP_LOAD, 0, OP_LOAD, 1, OP_AND]);
        assert_eq!(c("a and b").0, code);
        let (code, _) = c("a || b");
        assert_eq!(code, vec![OP_LOAD, 0, OP_LOAD, 1, OP_OR]);
        assert_eq!(c("a or b").0, code);
        assert_eq!(c("!a").0, vec![OP_LOAD, 0, OP_NOT]);
        assert_eq!(c("not a").0, vec![OP_LOAD, 0, OP_NOT]);
        assert_eq!(c("not(a)").0, vec![OP_LOAD, 0, OP_NOT]);
        assert_eq!(c("!!a").0, vec![OP_LOAD, 0, OP_NOT, OP_NOT]);
        for (a, b) in [(false, false), (false, true), (true, false), (true, true)] {
            let vals = [("a", Int256::from(a)), ("b", Int256::from(b))];
            assert_eq!(ev("a && b", &vals), a && b);
            assert_eq!(ev("a || b", &vals), a || b);
            assert_eq!(ev("not(a) or b", &vals), !a || b);
        }
    }

    #[test]
    fn precedence() {
        // and binds tighter than or
        let (code, _) = c("a || b && c");
        assert_eq!(
            code,
            vec![OP_LOAD, 0, OP_LOAD, 1, OP_LOAD, 2, OP_AND, OP_OR]
        );
        // comparison binds tighter than and
        let (code, _) = c("x > 1 && y");
        let mut want = vec![OP_LOAD, 0];
        want.extend(push(1));
        want.extend([OP_GT, OP_LOAD, 1, OP_AND]);
        assert_eq!(code, want);
        // prefix ! applies to the whole comparison (grammar: not := "!" not | cmp)
        let (code, vars) = c("!x == 3");
        let mut want = vec![OP_LOAD, 0];
        want.extend(push(3));
        want.extend([OP_EQ, OP_NOT]);
        assert_eq!(code, want);
        assert_eq!(vars[0].var_type, VariableType::Int);
        // the function form not(...) is an atom
        let (code, vars) = c("not(a) == b");
        assert_eq!(code, vec![OP_LOAD, 0, OP_NOT, OP_LOAD, 1, OP_EQ]);
        assert_eq!(vars[1].var_type, VariableType::Bool);
        // parentheses
        let (code, _) = c("(a || b) && c");
        assert_eq!(
            code,
            vec![OP_LOAD, 0, OP_LOAD, 1, OP_OR, OP_LOAD, 2, OP_AND]
        );
        // left associativity
        let (code, _) = c("a && b && c");
        assert_eq!(
            code,
            vec![OP_LOAD, 0, OP_LOAD, 1, OP_AND, OP_LOAD, 2, OP_AND]
        );
        assert!(ev("a || b && c", &[("a", i(1))]));
        assert!(!ev("(a || b) && c", &[("a", i(1))]));
    }

    #[test]
    fn unwrapping_and_data_objects() {
        assert_eq!(c("${accepted}").0, vec![OP_LOAD, 0]);
        assert_eq!(c("  ${ amount > 5 }  ").0, c("amount > 5").0);
        let (code, vars) = c("bpmn:getDataObject('approved')");
        assert_eq!(code, vec![OP_LOAD, 0]);
        assert_eq!(vars[0].name, "approved");
        let (code, vars) = c("not(bpmn:getDataObject('approved'))");
        assert_eq!(code, vec![OP_LOAD, 0, OP_NOT]);
        assert_eq!(vars[0].var_type, VariableType::Bool);
        // data object and identifier are the same variable
        let (_, vars) = c("bpmn:getDataObject(\"n\") > 1 && n < 5");
        assert_eq!(vars.len(), 1);
    }

    #[test]
    fn string_equality() {
        let (code, vars) = c("bpmn:getDataObject('clarified') = 'yes'");
        let mut want = vec![OP_LOAD, 0, OP_PUSH];
        want.extend_from_slice(&alstra_bpm_core::keccak256(b"yes"));
        want.push(OP_EQ);
        assert_eq!(code, want);
        assert_eq!(vars[0].var_type, VariableType::String);
        assert!(ev(
            "status == \"done\"",
            &[("status", Int256::from_string("done"))]
        ));
        assert!(!ev(
            "status == \"done\"",
            &[("status", Int256::from_string("Done"))]
        ));
        assert!(ev(
            "status != 'done'",
            &[("status", Int256::from_string("open"))]
        ));
    }

    #[test]
    fn bool_comparisons() {
        let (code, vars) = c("ok == true");
        assert_eq!(code, vec![OP_LOAD, 0, OP_TRUE, OP_EQ]);
        assert_eq!(vars[0].var_type, VariableType::Bool);
        assert!(ev("ok == false", &[]));
        assert!(ev("ok != false", &[("ok", i(1))]));
    }

    #[test]
    fn type_inference_errors() {
        let e = err("a > 1 && a");
        assert!(e.contains("`a` (Int)") && e.contains("Bool"), "{e}");
        let e = err("a == 'x' || a == 3");
        assert!(e.contains("type mismatch"), "{e}");
        let e = err("'a' < 'b'");
        assert!(e.contains("strings support only"), "{e}");
        let e = err("s == 'x' && s < 3");
        assert!(e.contains("`s` (String)"), "{e}");
        let e = err("flag && flag > 2");
        assert!(e.contains("`flag` (Bool)"), "{e}");
        let e = err("5");
        assert!(e.contains("not a boolean"), "{e}");
        let e = err("'yes'");
        assert!(e.contains("not a boolean"), "{e}");
        let e = err("true == 1");
        assert!(e.contains("type mismatch"), "{e}");
        let e = err("!5");
        assert!(e.contains("needs Bool"), "{e}");
        let e = err("a == b");
        assert!(e.contains("cannot infer the type of variable `a`"), "{e}");
    }

    #[test]
    fn variables_unified_across_conditions() {
        let mut t = VarTable::new();
        compile_condition("a == b", &mut t, 0).unwrap();
        compile_condition("b > 3", &mut t, 1).unwrap();
        let vars = t.finish().unwrap();
        assert_eq!(
            vars[0],
            Variable {
                name: "a".into(),
                var_type: VariableType::Int
            }
        );
        assert_eq!(
            vars[1],
            Variable {
                name: "b".into(),
                var_type: VariableType::Int
            }
        );
        // a conflicting use in a later condition is reported there
        let e = compile_condition("a", &mut t, 2).unwrap_err();
        assert!(e.contains("Int"), "{e}");
    }

    #[test]
    fn syntax_errors() {
        for (src, needle) in [
            ("", "empty condition"),
            ("${}", "empty condition"),
            ("a &", "unexpected character `&`"),
            ("a +", "unexpected character `+`"),
            ("(a", "expected `)`"),
            ("a)", "expected an operator"),
            ("a < b < c", "expected an operator"),
            ("a ==", "expected a value at the end"),
            ("'abc", "unterminated string"),
            ("foo:bar('x')", "unknown function `foo:bar`"),
            ("bpmn:getDataObject(x)", "data object name"),
            ("bpmn:getDataObject('')", "data object name"),
            ("12ab", "malformed number"),
            ("a and", "expected a value"),
            ("and", "expected a value"),
            ("a <> b", "expected a value"),
            ("a === b", "expected a value"),
            ("x > 99999999999999999999999999999999999999999999999999999999999999999999999999999999", "int256 range"),
        ] {
            let e = err(src);
            assert!(e.contains(needle), "{src}: {e}");
        }
        assert!(err("a && (b").contains("column"), "columns are reported");
    }

    #[test]
    fn limits() {
        // 17 nested right operands need 17 stack slots
        let mut s = String::from("a");
        for _ in 0..16 {
            s = format!("a && ({s})");
        }
        assert!(err(&s).contains("stack slots"), "{}", err(&s));
        // a long left-associated chain needs only 2 slots
        let long = vec!["a"; 200].join(" && ");
        assert_eq!(c(&long).0.len(), 200 * 2 + 199);
        let too_long = vec!["a"; 400].join(" && ");
        assert!(err(&too_long).contains("too long"));
        let deep = format!("{}a{}", "(".repeat(64), ")".repeat(64));
        assert_eq!(c(&deep).0, vec![OP_LOAD, 0]);
        let deeper = format!("{}a{}", "(".repeat(65), ")".repeat(65));
        assert!(err(&deeper).contains("nested too deeply"));
        assert!(err(&"!".repeat(200)).contains("nested too deeply"));
        assert!(err(&format!("{}a", "not ".repeat(100))).contains("nested too deeply"));
        let many: Vec<String> = (0..257).map(|i| format!("v{i}")).collect();
        let mut t = VarTable::new();
        for (f, chunk) in many.chunks(100).enumerate() {
            compile_condition(&chunk.join(" || "), &mut t, f).unwrap();
        }
        assert_eq!(
            t.finish().unwrap_err(),
            (
                2,
                "the model has 257 variables, the limit is 256".to_string()
            )
        );
        let mut t = VarTable::new();
        compile_condition(&many[..100].join(" || "), &mut t, 0).unwrap();
        compile_condition(&many[100..200].join(" || "), &mut t, 0).unwrap();
        compile_condition(&many[200..256].join(" || "), &mut t, 0).unwrap();
        assert_eq!(t.finish().unwrap().len(), 256);
    }

    #[test]
    fn int_constants() {
        let (code, _) = c("x == -1");
        assert_eq!(&code[3..35], &[0xff; 32]);
        assert!(ev("x == -1", &[("x", i(-1))]));
        assert!(ev(
            "x > -170141183460469231731687303715884105728",
            &[("x", i(0))]
        ));
    }
}
