//! "Formatting keeps the parse": both texts parse with hcl-rs to the same body, up to what
//! `terraform fmt` rewrites on purpose (a `"${x}"` attribute becomes `x`, possibly in
//! parentheses; a bare block label becomes a quoted one; legacy `variable` types change;
//! spaces inside template interpolations) and comments, which hcl-rs drops.
//! Shared by the crate's tests and its fuzz target.

use hcl::expr::{Expression, ObjectKey, Operation, TemplateExpr, TraversalOperator};
use hcl::structure::{Block, BlockLabel, Body, Structure};
use hcl::template::{Element, Template};

/// `Ok` when `before` does not parse (nothing to keep) or when `after` parses to the same
/// normalised body; else what differs.
pub fn same_parse(before: &str, after: &str) -> Result<(), String> {
    let Ok(a) = hcl::parse(before) else {
        return Ok(());
    };
    let b = hcl::parse(after).map_err(|e| format!("the output does not parse: {e}"))?;
    let (a, b) = (norm_body(a, true), norm_body(b, true));
    if a == b {
        return Ok(());
    }
    // Name the first structure that differs, not the whole file.
    let (a, b) = (a.into_inner(), b.into_inner());
    let at = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    Err(format!(
        "the parse changed at top-level item {at} ({} before, {} after):\nbefore: {:?}\nafter:  {:?}",
        a.len(),
        b.len(),
        a.get(at),
        b.get(at)
    ))
}

fn norm_body(body: Body, top: bool) -> Body {
    let mut out = Vec::new();
    for s in body.into_inner() {
        match s {
            Structure::Attribute(mut a) => {
                a.expr = norm_attr_value(a.expr);
                out.push(Structure::Attribute(a));
            }
            Structure::Block(b) => out.push(Structure::Block(norm_block(b, top))),
        }
    }
    Body::from(out)
}

fn norm_block(b: Block, top: bool) -> Block {
    let variable = top && b.identifier.as_str() == "variable";
    let labels = b
        .labels
        .into_iter()
        .map(|l| match l {
            BlockLabel::Identifier(i) => BlockLabel::String(i.to_string()),
            s => s,
        })
        .collect();
    let mut body = norm_body(b.body, false);
    if variable {
        let kept: Vec<Structure> = body
            .into_inner()
            .into_iter()
            .filter(|s| !matches!(s, Structure::Attribute(a) if a.key.as_str() == "type"))
            .collect();
        body = Body::from(kept);
    }
    Block {
        identifier: b.identifier,
        labels,
        body,
    }
}

/// terraform fmt's `"${x}"` → `x` (multi-line: `(x)`), then the rest.
fn norm_attr_value(e: Expression) -> Expression {
    unparen(norm(e))
}

fn template_of(t: &TemplateExpr) -> Option<Template> {
    Template::from_expr(t).ok()
}

fn norm(e: Expression) -> Expression {
    match e {
        Expression::Array(v) => Expression::Array(v.into_iter().map(norm).collect()),
        Expression::Object(o) => Expression::Object(
            o.into_iter()
                .map(|(k, v)| {
                    let k = match k {
                        ObjectKey::Expression(e) => ObjectKey::Expression(norm(e)),
                        k => k,
                    };
                    (k, norm(v))
                })
                .collect(),
        ),
        Expression::TemplateExpr(t) => {
            let Some(template) = template_of(&t) else {
                return Expression::TemplateExpr(t);
            };
            let heredoc = matches!(*t, TemplateExpr::Heredoc(_));
            let elements: Vec<Element> = template
                .elements()
                .iter()
                .cloned()
                .map(|el| match el {
                    Element::Interpolation(mut i) => {
                        i.expr = norm(i.expr);
                        Element::Interpolation(i)
                    }
                    other => other,
                })
                .collect();
            // (terraform fmt unwraps a lone interpolation whatever its strip markers)
            if !heredoc && let [Element::Interpolation(i)] = elements.as_slice() {
                return unparen(i.expr.clone());
            }
            Expression::String(format!("\u{0}template:{heredoc}:{elements:?}"))
        }
        Expression::Traversal(mut t) => {
            t.expr = norm(t.expr);
            t.operators = t
                .operators
                .into_iter()
                .map(|op| match op {
                    TraversalOperator::Index(e) => TraversalOperator::Index(norm(e)),
                    op => op,
                })
                .collect();
            Expression::Traversal(t)
        }
        Expression::FuncCall(mut f) => {
            f.args = f.args.into_iter().map(norm).collect();
            Expression::FuncCall(f)
        }
        Expression::Parenthesis(p) => Expression::Parenthesis(Box::new(norm(*p))),
        Expression::Conditional(mut c) => {
            c.cond_expr = norm(c.cond_expr);
            c.true_expr = norm(c.true_expr);
            c.false_expr = norm(c.false_expr);
            Expression::Conditional(c)
        }
        Expression::Operation(op) => Expression::Operation(Box::new(match *op {
            Operation::Unary(mut u) => {
                u.expr = norm(u.expr);
                Operation::Unary(u)
            }
            Operation::Binary(mut b) => {
                b.lhs_expr = norm(b.lhs_expr);
                b.rhs_expr = norm(b.rhs_expr);
                Operation::Binary(b)
            }
        })),
        Expression::ForExpr(mut f) => {
            f.collection_expr = norm(f.collection_expr);
            f.key_expr = f.key_expr.map(norm);
            f.value_expr = norm(f.value_expr);
            f.cond_expr = f.cond_expr.map(norm);
            Expression::ForExpr(f)
        }
        e => e,
    }
}

fn unparen(e: Expression) -> Expression {
    match e {
        Expression::Parenthesis(p) => *p,
        e => e,
    }
}
