//! The function registry (POLICIES.md §2): each function is written once, as its name,
//! the kinds it may judge, a typed signature the checker applies, its result type and its
//! evaluator. Adding a function is adding a row.

use std::ops::Range;

use super::ExprError;
use super::check::{Checker, Ty, unknown_enum};
use super::eval::{Code, Const, Scope, V, eval};
use super::parse::{Expr, ExprKind};
use crate::model::network::{Direction, Zones, zone_bit};
use crate::model::{EntityId, Val};
use crate::schema::{DECISION_SPECS, Kind, ZONES};
use crate::suggest::closest;

/// What one argument must be.
#[derive(Debug)]
pub(super) enum Param {
    /// Any value.
    Any,
    /// A value whose type passes the test (null always does), described in errors.
    Of(&'static str, fn(&Ty) -> bool),
    /// A condition evaluated on each element of the previous argument, a list of entities.
    Predicate,
    /// A zone literal or a list literal of zones, compiled to a zone set.
    Zones,
    /// A string literal among these values.
    Literal(&'static [&'static str]),
}

pub(super) type Evaluator = for<'a> fn(&'a [Code], Scope<'a>, EntityId) -> V<'a>;

pub(super) struct Function {
    pub(super) name: &'static str,
    /// The kinds it may judge; empty: any.
    on: &'static [Kind],
    params: &'static [Param],
    /// The result type (a function: a list type cannot be built in a static).
    returns: fn() -> Ty,
    pub(super) eval: Evaluator,
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

fn is_list(ty: &Ty) -> bool {
    matches!(ty, Ty::List(_))
}

fn is_date(ty: &Ty) -> bool {
    *ty == Ty::Date
}

fn is_int(ty: &Ty) -> bool {
    *ty == Ty::Int
}

const SEGMENT: &[Kind] = &[Kind::Vlan, Kind::Device];

static FUNCTIONS: [Function; 13] = [
    Function {
        name: "exists",
        on: &[],
        params: &[Param::Any],
        returns: || Ty::Bool,
        eval: |args, scope, entity| V::Bool(!matches!(eval(&args[0], scope, entity), V::Null)),
    },
    Function {
        name: "len",
        on: &[],
        params: &[Param::Of("a list", is_list)],
        returns: || Ty::Int,
        eval: |args, scope, entity| {
            V::Int(i64::try_from(eval(&args[0], scope, entity).len()).unwrap_or(i64::MAX))
        },
    },
    Function {
        name: "any",
        on: &[],
        params: &[Param::Of("a list", is_list), Param::Predicate],
        returns: || Ty::Bool,
        eval: |args, scope, entity| {
            let list = eval(&args[0], scope, entity);
            V::Bool(list.items().any(|item| satisfies(&args[1], scope, item)))
        },
    },
    Function {
        name: "all",
        on: &[],
        params: &[Param::Of("a list", is_list), Param::Predicate],
        returns: || Ty::Bool,
        eval: |args, scope, entity| {
            let list = eval(&args[0], scope, entity);
            V::Bool(list.items().all(|item| satisfies(&args[1], scope, item)))
        },
    },
    Function {
        name: "add_days",
        on: &[],
        params: &[
            Param::Of("a date", is_date),
            Param::Of("an integer", is_int),
        ],
        returns: || Ty::Date,
        eval: |args, scope, entity| match date_and_int(args, scope, entity) {
            Some((date, n)) => date.add_days(n).map_or(V::Null, V::Date),
            None => V::Null,
        },
    },
    Function {
        name: "add_months",
        on: &[],
        params: &[
            Param::Of("a date", is_date),
            Param::Of("an integer", is_int),
        ],
        returns: || Ty::Date,
        eval: |args, scope, entity| match date_and_int(args, scope, entity) {
            Some((date, n)) => date.add_months(n).map_or(V::Null, V::Date),
            None => V::Null,
        },
    },
    Function {
        name: "days_since",
        on: &[],
        params: &[Param::Of("a date", is_date)],
        returns: || Ty::Int,
        eval: |args, scope, entity| match eval(&args[0], scope, entity) {
            V::Date(d) => V::Int(d.days_until(scope.as_of)),
            _ => V::Null,
        },
    },
    Function {
        name: "stale",
        on: &[],
        params: &[
            Param::Of("a date", is_date),
            Param::Of("an integer", is_int),
        ],
        returns: || Ty::Bool,
        eval: |args, scope, entity| {
            let (date, months) =
                match (eval(&args[0], scope, entity), eval(&args[1], scope, entity)) {
                    (V::Date(date), V::Int(months)) => (date, months),
                    (V::Date(_), _) => return V::Bool(false),
                    _ => return V::Bool(true),
                };
            // An overflowing due date is null, and `null < as_of` is false: not stale.
            let overdue = date.add_months(months).is_some_and(|due| due < scope.as_of);
            V::Bool(date > scope.as_of || overdue)
        },
    },
    Function {
        name: "unguarded_path",
        on: SEGMENT,
        params: &[Param::Zones],
        returns: || Ty::Bool,
        eval: |args, scope, entity| unguarded(args, scope, entity, Direction::To),
    },
    Function {
        name: "unguarded_from",
        on: SEGMENT,
        params: &[Param::Zones],
        returns: || Ty::Bool,
        eval: |args, scope, entity| unguarded(args, scope, entity, Direction::From),
    },
    Function {
        name: "unguarded_route",
        on: SEGMENT,
        params: &[Param::Zones],
        returns: || Ty::List(Box::new(Ty::Entity(Kind::Flow))),
        eval: |args, scope, entity| route(args, scope, entity, Direction::To),
    },
    Function {
        name: "unguarded_route_from",
        on: SEGMENT,
        params: &[Param::Zones],
        returns: || Ty::List(Box::new(Ty::Entity(Kind::Flow))),
        eval: |args, scope, entity| route(args, scope, entity, Direction::From),
    },
    Function {
        name: "decided",
        on: &[Kind::Device, Kind::Flow],
        params: &[Param::Literal(DECISION_SPECS)],
        returns: || Ty::Bool,
        eval: |args, scope, entity| {
            let Code::Const(Const::Str(spec)) = &args[0] else {
                return V::Bool(false);
            };
            let decisions = scope.inventory.get(entity, "decisions").map(|a| &a.val);
            V::Bool(match decisions {
                Some(Val::List(decisions)) => decisions.iter().any(|d| match d {
                    Val::Ref(id) => matches!(
                        scope.inventory.entity(*id).get("spec"),
                        Some(Val::Enum(s)) if **s == spec
                    ),
                    _ => false,
                }),
                _ => false,
            })
        },
    },
];

fn lookup(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

fn satisfies(predicate: &Code, scope: Scope, item: V) -> bool {
    matches!(item, V::Entity(id) if eval(predicate, scope, id).truthy())
}

fn date_and_int(args: &[Code], scope: Scope, entity: EntityId) -> Option<(crate::date::Date, i64)> {
    match (eval(&args[0], scope, entity), eval(&args[1], scope, entity)) {
        (V::Date(date), V::Int(n)) => Some((date, n)),
        _ => None,
    }
}

/// The segment judged (a vlan, or a device's vlan) and the zone set of the call.
fn segment_and_zones(args: &[Code], scope: Scope, entity: EntityId) -> Option<(EntityId, Zones)> {
    let Code::Const(Const::Int(zones)) = &args[0] else {
        return None;
    };
    let this = scope.inventory.entity(entity);
    let vlan = match this.kind {
        Kind::Vlan => entity,
        _ => match this.get("vlan") {
            Some(Val::Ref(id)) => *id,
            _ => return None,
        },
    };
    Some((vlan, Zones::try_from(*zones).unwrap_or(0)))
}

fn unguarded(args: &[Code], scope: Scope, entity: EntityId, direction: Direction) -> V<'static> {
    V::Bool(
        segment_and_zones(args, scope, entity).is_some_and(|(vlan, zones)| {
            scope.inventory.network().unguarded(vlan, zones, direction)
        }),
    )
}

/// The flows, in travel order, of a shortest unguarded path to (or from) the zones:
/// what a message names to say how a segment is exposed. Null when there is none.
fn route(args: &[Code], scope: Scope, entity: EntityId, direction: Direction) -> V<'static> {
    let Some((vlan, zones)) = segment_and_zones(args, scope, entity) else {
        return V::Null;
    };
    let network = scope.inventory.network();
    let path = match direction {
        Direction::To => network.shortest_unguarded_path(vlan, zones),
        Direction::From => network.shortest_unguarded_path_from(zones, vlan),
    };
    path.map_or(V::Null, |flows| {
        V::Owned(flows.into_iter().map(V::Entity).collect())
    })
}

/// Checks a call against the registry and compiles it.
pub(super) fn check_call(
    checker: &Checker,
    name: &str,
    args: &[Expr],
    span: Range<usize>,
) -> Result<(Code, Ty), ExprError> {
    let Some(function) = lookup(name) else {
        let known: Vec<&str> = FUNCTIONS.iter().map(|f| f.name).collect();
        let error = ExprError::new(span, format!("unknown function `{name}`"));
        return Err(match closest(name, known.iter().copied()) {
            Some(s) => error.help(format!("did you mean `{s}`?")),
            None => error.help(format!("the functions are {}", known.join(", "))),
        });
    };
    if !function.on.is_empty() && !function.on.contains(&checker.kind) {
        let kinds: Vec<&str> = function.on.iter().map(|k| k.as_str()).collect();
        return Err(ExprError::new(
            span,
            format!(
                "`{name}` judges a {}, not a {}",
                kinds.join(" or a "),
                checker.kind.as_str()
            ),
        ));
    }
    if args.len() != function.params.len() {
        let n = function.params.len();
        return Err(ExprError::new(
            span,
            format!(
                "`{name}` takes {n} argument{}, found {}",
                if n == 1 { "" } else { "s" },
                args.len()
            ),
        ));
    }
    let mut codes = Vec::with_capacity(args.len());
    let mut previous: Option<Ty> = None;
    for (param, arg) in function.params.iter().zip(args) {
        let (code, ty) = match param {
            Param::Any => checker.check(arg)?,
            Param::Of(what, accepts) => {
                let (code, ty) = checker.check(arg)?;
                if ty != Ty::Null && !accepts(&ty) {
                    return Err(ExprError::new(
                        arg.span.clone(),
                        format!("`{name}` expects {what}, found {}", ty.describe()),
                    ));
                }
                (code, ty)
            }
            Param::Predicate => {
                let Some(Ty::List(element)) = &previous else {
                    return Err(ExprError::new(arg.span.clone(), "a predicate needs a list"));
                };
                let Ty::Entity(kind) = **element else {
                    return Err(ExprError::new(
                        args[0].span.clone(),
                        format!(
                            "`{name}` evaluates its predicate on entities, but this is a list of {}",
                            element.describe()
                        ),
                    ));
                };
                (Checker { kind }.boolean(arg)?, Ty::Bool)
            }
            Param::Zones => (
                Code::Const(Const::Int(i64::from(zones(name, arg)?))),
                Ty::Int,
            ),
            Param::Literal(values) => {
                let ExprKind::Str(word) = &arg.kind else {
                    return Err(ExprError::new(
                        arg.span.clone(),
                        format!("`{name}` takes a string literal"),
                    ));
                };
                if !values.contains(&word.as_str()) {
                    return Err(unknown_enum(word, values, arg.span.clone()));
                }
                (Code::Const(Const::Str(word.clone())), Ty::Str)
            }
        };
        codes.push(code);
        previous = Some(ty);
    }
    Ok((Code::Call(function, codes), (function.returns)()))
}

/// A zone literal or a list literal of zones, as a zone set.
fn zones(name: &str, arg: &Expr) -> Result<Zones, ExprError> {
    let items: Vec<&Expr> = match &arg.kind {
        ExprKind::List(items) if !items.is_empty() => items.iter().collect(),
        _ => vec![arg],
    };
    let mut set = 0;
    for item in items {
        let ExprKind::Str(zone) = &item.kind else {
            return Err(ExprError::new(
                item.span.clone(),
                format!("`{name}` takes a zone name or a list of zone names, as string literals"),
            ));
        };
        set |= zone_bit(zone).ok_or_else(|| unknown_enum(zone, ZONES, item.span.clone()))?;
    }
    Ok(set)
}
