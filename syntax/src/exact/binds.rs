//! Bindings and formals: `binds`, `inherit`, formal sets, and the checks
//! C++ Nix makes while building them (duplicate attributes with nested-set
//! merging, dynamic attributes in `inherit`, duplicate formals).

use rnix::TextSize;

use super::error::{FailureKind, ParseFailure};
use super::expr::{
    AttrDef, AttrKind, AttrName, Attrs, DynamicAttrDef, Expr, Formal, Formals, Lambda,
};
use super::parser::{PResult, Parser};
use super::print::print_identifier;
use super::token::Tok;

impl Parser<'_, '_> {
    /// Zero or more bindings; stops at the first token that cannot start
    /// one, which the caller checks against its closing token.
    pub(crate) fn parse_binds(&mut self, attrs: &mut Attrs) -> PResult<()> {
        loop {
            let kind = self.kind()?;
            if kind.starts_attr() {
                let start = self.start()?;
                let path = self.parse_attrpath()?;
                self.expect(Tok::Assign, &[Tok::Dot, Tok::Assign])?;
                let value = self.parse_expr()?;
                self.expect(Tok::Semi, &[Tok::Semi])?;
                self.add_attr(attrs, path, start.into(), value)?;
            } else if kind == Tok::Inherit {
                self.parse_inherit(attrs)?;
            } else {
                return Ok(());
            }
        }
    }

    fn parse_inherit(&mut self, attrs: &mut Attrs) -> PResult<()> {
        self.bump()?;
        let source = if self.kind()? == Tok::LParen {
            self.bump()?;
            let start = self.start()?;
            let e = self.parse_expr()?;
            self.expect(Tok::RParen, &[Tok::RParen])?;
            Some((e, start))
        } else {
            None
        };
        let mut names = Vec::new();
        while self.kind()?.starts_attr() {
            let start = self.start()?;
            match self.parse_attr()? {
                AttrName::Static(name) => names.push((name, TextSize::from(start))),
                AttrName::Dynamic(_) => {
                    return Err(ParseFailure::at(
                        "dynamic attributes not allowed in inherit",
                        start,
                    ));
                }
            }
        }
        self.expect(Tok::Semi, super::parser::NO_LIST)?;
        let from = source.map(|(e, start)| {
            attrs.inherit_from.push(e);
            (attrs.inherit_from.len() - 1, TextSize::from(start))
        });
        for (name, pos) in names {
            if let Some(prev) = attrs.get(&name) {
                let prev = prev.pos;
                return Err(self.dup_attr(&print_identifier(&name), pos, prev));
            }
            let def = match from {
                None => AttrDef {
                    kind: AttrKind::Inherited,
                    value: Expr::Var {
                        pos,
                        name: name.clone(),
                    },
                    pos,
                },
                Some((index, src_pos)) => AttrDef {
                    kind: AttrKind::InheritedFrom,
                    value: Expr::Select {
                        pos,
                        expr: Box::new(Expr::InheritFrom {
                            pos: src_pos,
                            index,
                        }),
                        path: vec![AttrName::Static(name.clone())],
                        default: None,
                    },
                    pos,
                },
            };
            attrs.insert(name, def);
        }
        Ok(())
    }

    fn dup_attr(&self, shown: &str, pos: TextSize, prev: TextSize) -> ParseFailure {
        ParseFailure::at(
            format!(
                "attribute '{shown}' already defined at {}",
                self.position(prev)
            ),
            pos.into(),
        )
        .with_kind(FailureKind::DuplicateAttribute)
    }

    /// C++ Nix's `addAttr`: walks the path, creating or entering nested
    /// sets, and merges two attribute-set values defined for one name.
    fn add_attr(
        &self,
        attrs: &mut Attrs,
        path: Vec<AttrName>,
        pos: TextSize,
        value: Expr,
    ) -> PResult<()> {
        let mut shown: Vec<String> = path.iter().map(show_attr_name).collect();
        let last = path.len().saturating_sub(1);
        let mut cur = attrs;
        let mut path = path.into_iter();
        for i in 0..last {
            let Some(name) = path.next() else { break };
            cur = match name {
                AttrName::Static(name) => {
                    if cur.get(&name).is_none() {
                        let nested = Expr::Attrs(Box::default());
                        cur.insert(
                            name.clone(),
                            AttrDef {
                                kind: AttrKind::Plain,
                                value: nested,
                                pos,
                            },
                        );
                    }
                    let Some(def) = cur.get_mut(&name) else {
                        return Ok(());
                    };
                    let prev = def.pos;
                    match &mut def.value {
                        Expr::Attrs(nested) => nested,
                        _ => return Err(self.dup_attr(&shown[..=i].join("."), pos, prev)),
                    }
                }
                AttrName::Dynamic(name) => {
                    cur.dynamic.push(DynamicAttrDef {
                        name,
                        value: Expr::Attrs(Box::default()),
                        pos,
                    });
                    match cur.dynamic.last_mut().map(|d| &mut d.value) {
                        Some(Expr::Attrs(nested)) => nested,
                        _ => return Ok(()),
                    }
                }
            };
        }
        match path.next() {
            Some(AttrName::Static(name)) => {
                shown.truncate(last);
                self.insert_attr(
                    cur,
                    &mut shown,
                    name,
                    AttrDef {
                        kind: AttrKind::Plain,
                        value,
                        pos,
                    },
                )
            }
            Some(AttrName::Dynamic(name)) => {
                cur.dynamic.push(DynamicAttrDef { name, value, pos });
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Inserts `name`; if it exists and both values are attribute sets,
    /// merges the new set into the old one (recursively), else reports a
    /// duplicate. `shown` is the printed path up to (excluding) `name`.
    fn insert_attr(
        &self,
        attrs: &mut Attrs,
        shown: &mut Vec<String>,
        name: String,
        def: AttrDef,
    ) -> PResult<()> {
        shown.push(print_identifier(&name));
        let result = match attrs.get_mut(&name) {
            None => {
                attrs.insert(name, def);
                Ok(())
            }
            Some(existing) => match (&mut existing.value, def.value) {
                (Expr::Attrs(target), Expr::Attrs(mut incoming)) => {
                    let offset = target.inherit_from.len();
                    for (n, mut d) in incoming.take_attrs() {
                        if d.kind == AttrKind::InheritedFrom
                            && let Expr::Select { expr, .. } = &mut d.value
                            && let Expr::InheritFrom { index, .. } = expr.as_mut()
                        {
                            *index += offset;
                        }
                        self.insert_attr(target, shown, n, d)?;
                    }
                    target.dynamic.append(&mut incoming.dynamic);
                    target.inherit_from.append(&mut incoming.inherit_from);
                    Ok(())
                }
                _ => Err(self.dup_attr(&shown.join("."), def.pos, existing.pos)),
            },
        };
        shown.pop();
        result
    }

    /// The formals after `{`, through the closing `}`.
    pub(crate) fn parse_formals(&mut self) -> PResult<Formals> {
        let mut formals = Vec::new();
        let mut ellipsis = false;
        loop {
            match self.kind()? {
                Tok::RBrace => {
                    self.bump()?;
                    break;
                }
                Tok::Ellipsis => {
                    self.bump()?;
                    ellipsis = true;
                    self.expect(Tok::RBrace, &[Tok::RBrace])?;
                    break;
                }
                Tok::Id => {
                    let t = self.bump()?;
                    let default = if self.kind()? == Tok::Question {
                        self.bump()?;
                        Some(self.parse_expr()?)
                    } else {
                        None
                    };
                    formals.push(Formal {
                        pos: t.start.into(),
                        name: t.text().to_string(),
                        default,
                    });
                    match self.kind()? {
                        Tok::Comma => {
                            self.bump()?;
                        }
                        Tok::RBrace => {
                            self.bump()?;
                            break;
                        }
                        _ => return Err(self.unexpected(&[Tok::RBrace, Tok::Comma])),
                    }
                }
                _ => return Err(self.unexpected(&[Tok::Id, Tok::Ellipsis, Tok::RBrace])),
            }
        }
        Ok(Formals { formals, ellipsis })
    }

    /// C++ Nix's `validateFormals`, run once the body is parsed: a repeated
    /// formal is reported at its second occurrence; an `@` name that is also
    /// a formal at the start of the function.
    pub(crate) fn finish_lambda(
        &self,
        pos: TextSize,
        arg: Option<String>,
        formals: Formals,
        body: Expr,
    ) -> PResult<Expr> {
        let mut first_seen: std::collections::HashMap<&str, usize> = Default::default();
        let mut dup: Option<(usize, TextSize)> = None;
        for (i, f) in formals.formals.iter().enumerate() {
            match first_seen.get(f.name.as_str()) {
                Some(&first) => {
                    if dup.is_none_or(|(d, _)| first < d) {
                        dup = Some((first, f.pos));
                    }
                }
                None => {
                    first_seen.insert(&f.name, i);
                }
            }
        }
        if let Some((first, at)) = dup {
            let name = print_identifier(&formals.formals[first].name);
            return Err(ParseFailure::at(
                format!("duplicate formal function argument '{name}'"),
                at.into(),
            )
            .with_kind(FailureKind::DuplicateFormal));
        }
        if let Some(arg) = &arg
            && first_seen.contains_key(arg.as_str())
        {
            let name = print_identifier(arg);
            return Err(ParseFailure::at(
                format!("duplicate formal function argument '{name}'"),
                pos.into(),
            )
            .with_kind(FailureKind::DuplicateFormal));
        }
        Ok(Expr::Lambda(Box::new(Lambda {
            pos,
            arg,
            formals: Some(formals),
            body,
        })))
    }
}

fn show_attr_name(name: &AttrName) -> String {
    match name {
        AttrName::Static(s) => print_identifier(s),
        AttrName::Dynamic(e) => format!("\"${{{e}}}\""),
    }
}
