//! `given` trees: a probability, the probabilities of a condition's states or
//! a distribution that depends on conditions through `given` tables, whose
//! entries may be `given` tables on other conditions. One flat table on a
//! probability is format 1; anything deeper, and any `given` on a
//! distribution, is format 2.

use std::ops::Range;

use toml::de::DeValue;

use super::dist::Dist;
use super::model::{Prob, StateProbs};
use super::source::{Node, Result, Sources, child, type_error};
use super::values::{CondInfo, given, prob_array, probability};
use super::version::Version;

pub(crate) use crate::limits::MAX_GIVEN_DEPTH;

/// What a value may read: the conditions, and the format it is written in.
pub(crate) struct Scope<'a> {
    pub conds: &'a [CondInfo],
    pub version: &'a Version,
}

/// A condition a value reads, and where its `given` is written.
#[derive(Debug, Clone)]
pub(crate) struct Dep {
    pub condition: usize,
    /// Span of the `given = "..."` value.
    pub span: Range<usize>,
    /// Key path of the `given` key.
    pub path: String,
}

enum Tree<T> {
    Leaf(T),
    Given { dep: Dep, branches: Vec<Tree<T>> },
}

impl<T> Tree<T> {
    fn is_leaf(&self) -> bool {
        matches!(self, Tree::Leaf(_))
    }

    /// Every `given` of the tree, root first (pre-order).
    fn deps<'t>(&'t self, out: &mut Vec<&'t Dep>) {
        if let Tree::Given { dep, branches } = self {
            out.push(dep);
            for b in branches {
                b.deps(out);
            }
        }
    }

    /// The first `given` below the root, when there is one.
    fn inner(&self) -> Option<&Dep> {
        let mut all = Vec::new();
        self.deps(&mut all);
        all.get(1).copied()
    }
}

type IsGiven<'f> = &'f dyn Fn(&Node<'_>, &str) -> Result<bool>;
type Leaf<'f, T> = &'f mut dyn FnMut(&Node<'_>, &str) -> Result<T>;

/// Reads a tree whose `given` tables `is_given` recognises and whose
/// leaves `leaf` reads.
fn read<T>(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    conds: &[CondInfo],
    is_given: IsGiven<'_>,
    leaf: Leaf<'_, T>,
) -> Result<Tree<T>> {
    if !is_given(node, path)? {
        return Ok(Tree::Leaf(leaf(node, path)?));
    }
    let g = given(src, node, path, conds, |n, p| {
        read(src, n, p, conds, is_given, leaf)
    })?;
    Ok(Tree::Given {
        dep: Dep {
            condition: g.parent,
            span: g.span,
            path: child(path, "given"),
        },
        branches: g.rows,
    })
}

/// Refuses a condition repeated on a path from the root, and trees deeper
/// than the limit.
fn check_paths<T>(
    src: &Sources<'_>,
    tree: &Tree<T>,
    conds: &[CondInfo],
    above: &mut Vec<Dep>,
) -> Result<()> {
    let Tree::Given { dep, branches } = tree else {
        return Ok(());
    };
    if let Some(outer) = above.iter().find(|d| d.condition == dep.condition) {
        return Err(src.err(
            &dep.span,
            &dep.path,
            format!(
                "condition {} is already read higher up this tree (`{}`); \
                 a condition may appear once on any path from the root of a `given` tree",
                conds[dep.condition].name, outer.path
            ),
        ));
    }
    if above.len() == MAX_GIVEN_DEPTH {
        return Err(src.err(
            &dep.span,
            &dep.path,
            format!("a `given` tree has at most {MAX_GIVEN_DEPTH} levels"),
        ));
    }
    above.push(dep.clone());
    for b in branches {
        check_paths(src, b, conds, above)?;
    }
    above.pop();
    Ok(())
}

/// The checks every tree passes: a tree deeper than one `given` (or, with
/// `any_given`, any tree) is format 2; no condition twice on a path.
fn finish<T>(
    src: &Sources<'_>,
    tree: &Tree<T>,
    scope: &Scope<'_>,
    any_given: bool,
) -> Result<Vec<Dep>> {
    if let (true, Tree::Given { dep, .. }) = (any_given, tree) {
        scope
            .version
            .uses_2(src, &dep.span, &dep.path, "a `given` on a distribution")?;
    } else if let Some(dep) = tree.inner() {
        scope.version.uses_2(
            src,
            &dep.span,
            &dep.path,
            "a nested `given` (a `given` inside a `given`)",
        )?;
    }
    check_paths(src, tree, scope.conds, &mut Vec::new())?;
    let mut deps = Vec::new();
    tree.deps(&mut deps);
    Ok(deps.into_iter().cloned().collect())
}

fn is_table(node: &Node<'_>, _path: &str) -> Result<bool> {
    Ok(matches!(node.get_ref(), DeValue::Table(_)))
}

const PROB_FORMS: &str =
    "a probability (a number in [0, 1]) or a table { given = \"CONDITION\", STATE = p, ... }";

/// `p`, `p_join`, `veto` and a change's `p`: a number in [0, 1] or a tree
/// of them; with every condition it reads.
pub(crate) fn prob(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    scope: &Scope<'_>,
) -> Result<(Prob, Vec<Dep>)> {
    match node.get_ref() {
        DeValue::Table(_) => {
            let mut leaf = |n: &Node<'_>, p: &str| probability(src, n, p);
            let tree = read(src, node, path, scope.conds, &is_table, &mut leaf)?;
            let deps = finish(src, &tree, scope, false)?;
            Ok((to_prob(tree), deps))
        }
        DeValue::Integer(_) | DeValue::Float(_) => {
            Ok((Prob::Fixed(probability(src, node, path)?), Vec::new()))
        }
        _ => Err(type_error(src, node, path, PROB_FORMS)),
    }
}

fn to_prob(tree: Tree<f64>) -> Prob {
    match tree {
        Tree::Leaf(p) => Prob::Fixed(p),
        Tree::Given { dep, branches } if branches.iter().all(Tree::is_leaf) => Prob::Given {
            condition: dep.condition,
            by_state: branches
                .into_iter()
                .filter_map(|b| match b {
                    Tree::Leaf(p) => Some(p),
                    Tree::Given { .. } => None,
                })
                .collect(),
        },
        Tree::Given { dep, branches } => Prob::Nested {
            condition: dep.condition,
            branches: branches.into_iter().map(to_prob).collect(),
        },
    }
}

/// `probs` of a categorical condition: an array, one probability per
/// state, or a tree of them; with every condition it reads.
pub(crate) fn state_probs(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    cond: &CondInfo,
    scope: &Scope<'_>,
) -> Result<(StateProbs, Vec<Dep>)> {
    match node.get_ref() {
        DeValue::Array(_) => Ok((
            StateProbs::Fixed(prob_array(src, node, path, cond)?),
            Vec::new(),
        )),
        DeValue::Table(_) => {
            let mut leaf = |n: &Node<'_>, p: &str| prob_array(src, n, p, cond);
            let tree = read(src, node, path, scope.conds, &is_table, &mut leaf)?;
            let deps = finish(src, &tree, scope, false)?;
            Ok((to_state_probs(tree), deps))
        }
        _ => Err(type_error(
            src,
            node,
            path,
            "an array of probabilities, one per state, or a table { given = \"CONDITION\", STATE = [..], ... }",
        )),
    }
}

fn to_state_probs(tree: Tree<Vec<f64>>) -> StateProbs {
    match tree {
        Tree::Leaf(p) => StateProbs::Fixed(p),
        Tree::Given { dep, branches } if branches.iter().all(Tree::is_leaf) => StateProbs::Given {
            parent: dep.condition,
            rows: branches
                .into_iter()
                .filter_map(|b| match b {
                    Tree::Leaf(p) => Some(p),
                    Tree::Given { .. } => None,
                })
                .collect(),
        },
        Tree::Given { dep, branches } => StateProbs::Nested {
            condition: dep.condition,
            branches: branches.into_iter().map(to_state_probs).collect(),
        },
    }
}

/// A distribution, or a tree of them whose leaves `leaf` reads (format 2).
/// A table with `given` is a tree node.
pub(crate) fn dist(
    src: &Sources<'_>,
    node: &Node<'_>,
    path: &str,
    scope: &Scope<'_>,
    leaf: Leaf<'_, Dist>,
) -> Result<Dist> {
    let is_given = |n: &Node<'_>, p: &str| -> Result<bool> {
        let DeValue::Table(t) = n.get_ref() else {
            return Ok(false);
        };
        match (t.contains_key("given"), t.get_key_value("dist")) {
            (true, Some((key, _))) => Err(src.err(
                &key.span(),
                &child(p, "dist"),
                "a table has either `dist` (a distribution) or `given` (a value per state of a condition), not both",
            )),
            (given, _) => Ok(given),
        }
    };
    let tree = read(src, node, path, scope.conds, &is_given, leaf)?;
    finish(src, &tree, scope, true)?;
    Ok(to_dist(tree))
}

fn to_dist(tree: Tree<Dist>) -> Dist {
    match tree {
        Tree::Leaf(d) => d,
        Tree::Given { dep, branches } => Dist::Given {
            condition: dep.condition,
            branches: branches.into_iter().map(to_dist).collect(),
        },
    }
}
