//! The recursive-descent parser of the grammar in the module docs, into [`Expr`].

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    Bool(bool),
    Int(Int256),
    Str(String),
    Var(usize),
    Cmp(CmpOp, Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

pub(super) struct Parser<'t> {
    pub(super) toks: &'t [Spanned],
    pub(super) pos: usize,
    pub(super) end_col: usize,
    pub(super) nesting: usize,
}

impl<'t> Parser<'t> {
    pub(super) fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }
    pub(super) fn peek2(&self) -> Option<&Tok> {
        self.toks.get(self.pos + 1).map(|t| &t.0)
    }
    pub(super) fn col(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(self.end_col)
    }
    pub(super) fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(w)) if w == kw)
    }
    pub(super) fn unexpected(&self, wanted: &str) -> String {
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
    pub(super) fn enter(&mut self) -> Result<(), String> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(format!(
                "expression nested too deeply (more than {MAX_NESTING} levels)"
            ));
        }
        Ok(())
    }

    pub(super) fn expect(&mut self, t: Tok, wanted: &str) -> Result<(), String> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(wanted))
        }
    }

    pub(super) fn or(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let mut e = self.and(vars, flow)?;
        while self.peek() == Some(&Tok::OrOr) || self.is_kw("or") {
            self.pos += 1;
            let r = self.and(vars, flow)?;
            e = Expr::Or(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    pub(super) fn and(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
        let mut e = self.not(vars, flow)?;
        while self.peek() == Some(&Tok::AndAnd) || self.is_kw("and") {
            self.pos += 1;
            let r = self.not(vars, flow)?;
            e = Expr::And(Box::new(e), Box::new(r));
        }
        Ok(e)
    }

    pub(super) fn not(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
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

    pub(super) fn cmp(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
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

    pub(super) fn atom(&mut self, vars: &mut VarTable, flow: usize) -> Result<Expr, String> {
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
