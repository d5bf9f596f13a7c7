use std::fmt;

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

/// `guardrails.<name>:`: either a list of targets, or a map with `attach:` and the guardrail's
/// parameters (`guardrails: { region_restriction: { attach: [root], exempt_roles: [...] } }`).
#[derive(Debug, Clone, Default)]
pub struct GuardrailUse {
    /// Targets: `root`, OU keys, account keys.
    pub attach: Vec<String>,
    /// Parameters by name, as YAML values; each guardrail checks its own.
    pub params: IndexMap<String, serde_yaml::Value>,
}

#[derive(Deserialize)]
struct Full {
    attach: Vec<String>,
    #[serde(flatten)]
    params: IndexMap<String, serde_yaml::Value>,
}

impl<'de> Deserialize<'de> for GuardrailUse {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = GuardrailUse;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of targets, or a map with `attach:` and parameters")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<GuardrailUse, A::Error> {
                let attach = Vec::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(GuardrailUse {
                    attach,
                    params: IndexMap::new(),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<GuardrailUse, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(GuardrailUse {
                    attach: full.attach,
                    params: full.params,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for GuardrailUse {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "GuardrailUse".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A list of targets (`root`, OU keys, account keys), or a map with \
                            `attach:` and the guardrail's parameters (`landform guardrails` \
                            lists them)",
            "oneOf": [
                { "type": "array", "items": { "type": "string" } },
                {
                    "type": "object",
                    "required": ["attach"],
                    "properties": { "attach": { "type": "array", "items": { "type": "string" } } }
                }
            ]
        })
    }
}
