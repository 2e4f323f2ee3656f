//! Tokens of the condition language and the lexer (byte offsets -> 1-based columns).

use super::*;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
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
    pub(super) fn describe(&self) -> String {
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
pub(super) type Spanned = (Tok, usize);

pub(super) fn lex(src: &str) -> Result<Vec<Spanned>, String> {
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
