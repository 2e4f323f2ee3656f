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

mod emit;
mod lexer;
mod parser;
mod types;

use emit::*;
use lexer::*;
use parser::*;
pub use types::VarTable;
use types::*;

/// Removes surrounding whitespace and one `${ … }` wrapper.
pub fn unwrap_expression(src: &str) -> &str {
    let t = src.trim();
    match t.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
        Some(inner) => inner.trim(),
        None => t,
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
