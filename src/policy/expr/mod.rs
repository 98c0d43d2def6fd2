//! The policy expression language (POLICIES.md §2), in four stages: [`parse`] (a nom
//! parser with spans and a nesting bound), [`check`] (types against the schema table the
//! inventory validator uses), [`functions`] (the registry: each function's signature and
//! evaluator in one place) and [`eval`] (the compiled form, evaluated many times without
//! allocation on the common paths).

mod check;
mod eval;
mod functions;
mod parse;

use std::ops::Range;

use crate::schema::Kind;
use check::Checker;
use parse::{ExprKind, parse};

pub use check::Ty;
pub use eval::{Compiled, CompiledPath, Scope, V};
pub use parse::{CmpOp, MAX_DEPTH};

/// An error in an expression, with a byte range into the expression text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    pub message: String,
    pub span: Range<usize>,
    pub help: Option<String>,
}

impl ExprError {
    pub(super) fn new(span: Range<usize>, message: impl Into<String>) -> ExprError {
        ExprError {
            message: message.into(),
            span,
            help: None,
        }
    }

    pub(super) fn help(mut self, help: impl Into<String>) -> ExprError {
        self.help = Some(help.into());
        self
    }
}

/// Parses and type-checks `src` for entities of `kind`.
pub fn compile(src: &str, kind: Kind) -> Result<Compiled, ExprError> {
    let expr = parse(src)?;
    let (code, ty) = Checker { kind }.check(&expr)?;
    Ok(Compiled { code, ty })
}

/// Compiles a `where`/`require` expression, which must be boolean.
pub fn compile_condition(src: &str, kind: Kind) -> Result<Compiled, ExprError> {
    let expr = parse(src)?;
    let code = Checker { kind }.boolean(&expr)?;
    Ok(Compiled { code, ty: Ty::Bool })
}

/// Compiles a bare attribute path (`patch.status`, `model.vendor.label`).
pub fn compile_path(src: &str, kind: Kind) -> Result<CompiledPath, ExprError> {
    let expr = parse(src)?;
    let ExprKind::Path(segments) = &expr.kind else {
        return Err(ExprError::new(
            expr.span,
            "expected an attribute path like `patch.status`",
        ));
    };
    let (steps, _) = Checker { kind }.path(segments)?;
    Ok(CompiledPath { steps })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(src: &str, kind: Kind) -> String {
        compile_condition(src, kind)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.message)
    }

    #[test]
    fn type_checks_against_the_schema() {
        assert!(compile_condition("active and handles_ephi and unpatchable", Kind::Device).is_ok());
        assert!(compile_condition("len(covered_by) > 0", Kind::Device).is_ok());
        assert!(
            compile_condition(
                "any(covered_by, kind in [\"monitoring\", \"ids\"])",
                Kind::Device
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "add_months(inventory_reviewed, 12) >= as_of",
                Kind::Organization
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "model.vendor.remote_access == true and not exists(serviced_by)",
                Kind::Device
            )
            .is_ok()
        );
        assert!(
            compile_condition(
                "vlan.zone in [\"flat\", \"corporate\", \"guest\"] or not exists(vlan)",
                Kind::Device
            )
            .is_ok()
        );
        assert!(compile_condition("unguarded_path(\"ehr\")", Kind::Device).is_ok());
        assert!(
            compile_condition(
                "(severity == \"critical\") and days_since(identified) > 15",
                Kind::Vulnerability
            )
            .is_ok()
        );
    }

    #[test]
    fn reports_mistakes_with_suggestions() {
        let e = compile_condition("patch.statsu == \"current\"", Kind::Device).unwrap_err();
        assert_eq!(e.message, "`patch` has no field `statsu`");
        assert_eq!(e.help.as_deref(), Some("did you mean `status`?"));
        assert_eq!(e.span, 6..12);
        assert_eq!(
            error("patch.status == \"curent\"", Kind::Device),
            "`curent` is not one of the values here"
        );
        assert_eq!(
            error("unguarded_path(\"ehrr\")", Kind::Device),
            "`ehrr` is not one of the values here"
        );
        assert_eq!(
            error("vlan.zone", Kind::Device),
            "expected a boolean, found an enum value (a string)"
        );
        assert_eq!(
            error("lenn(covered_by) > 0", Kind::Device),
            "unknown function `lenn`"
        );
        assert_eq!(
            error("ip < 3", Kind::Device),
            "cannot compare a string with an integer using `<`"
        );
        assert_eq!(
            error("active and", Kind::Device),
            "expected an operand after `and`, found end of expression"
        );
        assert_eq!(
            error("active active", Kind::Device),
            "expected an operator or the end of the expression, found `active`"
        );
        assert_eq!(
            error("baa.signed", Kind::Device),
            "a device has no attribute `baa`"
        );
        assert_eq!(
            error("decided(\"encryption_at_rst\")", Kind::Device),
            "`encryption_at_rst` is not one of the values here"
        );
        assert_eq!(
            error("decided(\"auto_logoff\")", Kind::Vendor),
            "`decided` judges a device or a flow, not a vendor"
        );
        assert_eq!(
            error("unguarded_from([\"guest\", \"dmzz\"])", Kind::Device),
            "`dmzz` is not one of the values here"
        );
        assert_eq!(
            error("stale(label, 12)", Kind::Organization),
            "`stale` expects a date, found a string"
        );
    }

    #[test]
    fn v2_functions_type_check() {
        for (src, kind) in [
            ("unguarded_path([\"ehr\", \"medical\"])", Kind::Device),
            ("unguarded_from(\"guest\")", Kind::Vlan),
            ("not decided(\"encryption_in_transit\")", Kind::Flow),
            ("stale(inventory_reviewed, 12)", Kind::Organization),
        ] {
            assert!(compile_condition(src, kind).is_ok(), "{src}");
        }
    }

    /// Nesting of every shape is bounded at parse time, so no stage can overflow the
    /// stack; a flat chain is a list, not a nesting, and stays cheap.
    #[test]
    fn nesting_is_bounded_whatever_its_shape() {
        let deep = [
            "not ".repeat(9_000) + "active",
            "(".repeat(9_000) + "active" + &")".repeat(9_000),
            "exists(".repeat(9_000) + "name" + &")".repeat(9_000),
            "[".repeat(9_000) + "1" + &"]".repeat(9_000),
            "not (".repeat(5_000) + "active" + &")".repeat(5_000),
        ];
        for src in deep {
            let e = compile_condition(&src, Kind::Device).unwrap_err();
            assert_eq!(
                e.message,
                "expression nests deeper than 64 levels",
                "{}",
                &src[..20]
            );
            assert!(e.span.start < src.len());
        }
        let nots = "not ".repeat(63) + "active";
        assert!(compile_condition(&nots, Kind::Device).is_ok());
        for op in [" or ", " and "] {
            let chain = vec!["active"; 9_000].join(op);
            assert!(compile_condition(&chain, Kind::Device).is_ok());
        }
    }
}
