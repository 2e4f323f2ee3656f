//! Type inference of the variables over the whole model ([`VarTable`]).

use super::*;

/// A type term during inference: a known type or the (union-find) class of a variable.
#[derive(Debug, Clone, Copy)]
pub(super) enum Ty {
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
    pub(super) names: Vec<String>,
    pub(super) parent: Vec<usize>,
    pub(super) ty: Vec<Option<VariableType>>,
    pub(super) first_flow: Vec<usize>,
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

    /// Declares variable `name` of type `ty` (a BPMN `property` or `dataObject`, before any
    /// condition): it gets the next index unless already declared; a second declaration with
    /// another type, or a condition using it as another type, is a type mismatch.
    pub fn declare(&mut self, name: &str, ty: VariableType) -> Result<(), String> {
        let i = self.intern(name, usize::MAX)?;
        self.unify(Ty::Var(i), Ty::Known(ty))
    }

    pub(super) fn intern(&mut self, name: &str, flow: usize) -> Result<usize, String> {
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

    pub(super) fn root(&self, mut i: usize) -> usize {
        // bounded: union always links to an older (smaller) root, so chains shorten
        let mut guard = 0;
        while self.parent[i] != i && guard <= self.parent.len() {
            i = self.parent[i];
            guard += 1;
        }
        i
    }

    pub(super) fn resolve(&self, t: Ty) -> Ty {
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

    pub(super) fn describe(&self, t: Ty, orig: Ty) -> String {
        match (orig, t) {
            (Ty::Var(i), Ty::Known(k)) => format!("`{}` is {}", self.names[i], k.name()),
            (_, Ty::Known(k)) => format!("a {} value", k.name()),
            (Ty::Var(i), Ty::Var(_)) | (_, Ty::Var(i)) => format!("`{}`", self.names[i]),
        }
    }

    pub(super) fn unify(&mut self, a: Ty, b: Ty) -> Result<(), String> {
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

    pub(super) fn infer(&mut self, e: &Expr) -> Result<Ty, String> {
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

    pub(super) fn operand(&self, e: &Expr, t: Ty) -> String {
        match (e, self.resolve(t)) {
            (Expr::Var(i), Ty::Known(k)) => format!("`{}` ({})", self.names[*i], k.name()),
            (Expr::Str(s), _) => format!("string '{s}'"),
            (_, Ty::Known(k)) => format!("a {} value", k.name()),
            _ => "the operand".into(),
        }
    }

    pub(super) fn expect(&mut self, e: &Expr, want: VariableType, ctx: &str) -> Result<(), String> {
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
