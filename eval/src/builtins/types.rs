//! Type predicates and `typeOf`.

use super::{PrimOp, op};
use crate::value::Value;

macro_rules! is {
    ($name:literal, $pat:pat) => {
        op($name, 1, |ev, args, _| {
            let v = ev.force(&args[0])?;
            Ok(Value::bool(matches!(v, $pat)))
        })
    };
}

pub(crate) static PRIMOPS: &[PrimOp] = &[
    is!("isAttrs", Value::Attrs(_)),
    is!("isBool", Value::Bool(_)),
    is!("isFloat", Value::Float(_)),
    is!(
        "isFunction",
        Value::Lambda(_) | Value::PrimOp(_) | Value::PrimOpApp(_)
    ),
    is!("isInt", Value::Int(_)),
    is!("isList", Value::List(_)),
    is!("isNull", Value::Null),
    is!("isPath", Value::Path(_)),
    is!("isString", Value::String(_)),
    op("typeOf", 1, |ev, args, _| {
        let v = ev.force(&args[0])?;
        Ok(Value::str(v.type_of()))
    }),
];
