use serde_json::{Value, json};

use super::{Guardrail, Inputs, Param};
use crate::blueprint::PolicyType;

pub const GUARDRAIL: Guardrail = Guardrail {
    name: "ai_opt_out",
    kind: PolicyType::AiOptOut,
    summary: "An AI services opt-out policy: AWS may not store or use the organization's content \
              processed by its AI services to improve them. Child policies cannot opt back in \
              (`@@operators_allowed_for_child_policies: [\"@@none\"]`).",
    params: &[Param {
        name: "allow_services",
        help: "AI services (policy names such as `lex`) left opted in; default none",
    }],
    build,
};

fn build(inputs: &Inputs) -> Value {
    // AWS's syntax page: `@@none` at each level keeps a child policy from changing the choice.
    let locked = |choice: &str| {
        json!({
            "@@operators_allowed_for_child_policies": ["@@none"],
            "opt_out_policy": {
                "@@operators_allowed_for_child_policies": ["@@none"],
                "@@assign": choice,
            },
        })
    };
    let mut services = serde_json::Map::new();
    services.insert(
        "@@operators_allowed_for_child_policies".into(),
        json!(["@@none"]),
    );
    services.insert("default".into(), locked("optOut"));
    for s in inputs.list("allow_services", Vec::new()) {
        services.insert(s, locked("optIn"));
    }
    json!({ "services": services })
}
