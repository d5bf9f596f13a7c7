use std::fmt;

use serde::Deserialize;
use serde::de::{self, SeqAccess, Visitor};

/// `accounts: all` or `accounts: [key, ...]` in an access rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountSelector {
    All,
    Keys(Vec<String>),
}

impl<'de> Deserialize<'de> for AccountSelector {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AccountSelector;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`all` or a list of account keys")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AccountSelector, E> {
                if v == "all" {
                    Ok(AccountSelector::All)
                } else {
                    Err(E::custom(format!(
                        "expected `all` or a list of account keys, found `{v}`"
                    )))
                }
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<AccountSelector, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(AccountSelector::Keys)
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for AccountSelector {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AccountSelector".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`all` (every member account) or a list of account keys",
            "oneOf": [
                { "const": "all" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}
