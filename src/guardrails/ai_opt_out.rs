use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "ai_opt_out",
    kind: PolicyType::AiOptOut,
    summary: "An AI services opt-out policy: AWS may not store or use the organization's content \
              processed by its AI services to improve them.",
    params: &[Param {
        name: "allow_services",
        help: "AI services (policy names such as `lex`) left opted in; default none",
    }],
    build,
};

fn build(inputs: &Inputs) -> Value {
    let mut services = serde_json::Map::new();
    services.insert(
        "default".into(),
        json!({ "opt_out_policy": { "@@assign": "optOut" } }),
    );
    for s in inputs.list("allow_services", Vec::new()) {
        services.insert(s, json!({ "opt_out_policy": { "@@assign": "optIn" } }));
    }
    json!({ "services": services })
}
