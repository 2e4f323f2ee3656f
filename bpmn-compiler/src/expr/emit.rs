//! Bytecode emission and the stack depth a program needs.

use super::*;

pub(super) fn emit(e: &Expr, out: &mut Vec<u8>) {
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

pub(super) fn depth(e: &Expr) -> usize {
    match e {
        Expr::Bool(_) | Expr::Int(_) | Expr::Str(_) | Expr::Var(_) => 1,
        Expr::Not(a) => depth(a),
        Expr::Cmp(_, a, b) | Expr::And(a, b) | Expr::Or(a, b) => depth(a).max(1 + depth(b)),
    }
}
