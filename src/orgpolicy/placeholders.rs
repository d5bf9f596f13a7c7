//! Placeholders in policy documents, filled from the blueprint.
//!
//! A custom document may say `{{ allowed_regions }}` (a whole JSON string, replaced by the list
//! of allowed regions when landform generates), `{{ org_id }}` and `{{ account_id.KEY }}`. The
//! last two are only known when Terraform applies: landform writes them in a canonical form
//! (`{{org_id}}`, `{{account_id.KEY}}`) into the JSON file, which stays valid and reviewable,
//! and the policy's `content` in HCL replaces them with the organization's and the account's
//! id. Built-in guardrails use the same tokens.

use serde::Serialize;
use serde_json::{Map, Value};

/// The organization id token, as written in generated documents.
pub const ORG_ID: &str = "{{org_id}}";

/// An org id as long as AWS makes them (`o-` and up to 32 characters), for size checks.
const WORST_ORG_ID: &str = "o-abcdefghijklmnopqrstuvwxyz012345";
/// An account id: always 12 digits.
const ACCOUNT_ID: &str = "123456789012";

/// The token for an account's id.
pub fn account_id(key: &str) -> String {
    format!("{{{{account_id.{key}}}}}")
}

/// One `{{ ... }}` found in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    OrgId,
    AllowedRegions,
    AccountId(String),
    Unknown(String),
}

impl Placeholder {
    fn parse(inner: &str) -> Placeholder {
        let inner = inner.trim();
        match inner {
            "org_id" => Placeholder::OrgId,
            "allowed_regions" => Placeholder::AllowedRegions,
            _ => match inner.strip_prefix("account_id.") {
                Some(key) if !key.trim().is_empty() => {
                    Placeholder::AccountId(key.trim().to_string())
                }
                _ => Placeholder::Unknown(inner.to_string()),
            },
        }
    }
}

/// The placeholders in a string, with their byte ranges.
pub fn scan(s: &str) -> Vec<(std::ops::Range<usize>, Placeholder)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = s[from..].find("{{").map(|i| i + from) {
        let Some(close) = s[open + 2..].find("}}").map(|i| i + open + 2) else {
            break;
        };
        out.push((open..close + 2, Placeholder::parse(&s[open + 2..close])));
        from = close + 2;
    }
    out
}

/// A problem with a placeholder: where it is in the document (a JSON path) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

/// Fills `{{ allowed_regions }}` and writes the other placeholders in canonical form. Returns
/// the document and the problems (unknown placeholders, `allowed_regions` inside a string), plus
/// every account key referred to, with the path where it was.
pub fn fill(doc: &Value, regions: &[String]) -> (Value, Vec<Problem>, Vec<(String, String)>) {
    let mut problems = Vec::new();
    let mut accounts = Vec::new();
    let value = walk(doc, "", regions, &mut problems, &mut accounts);
    (value, problems, accounts)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn walk(
    v: &Value,
    path: &str,
    regions: &[String],
    problems: &mut Vec<Problem>,
    accounts: &mut Vec<(String, String)>,
) -> Value {
    match v {
        Value::String(s) => {
            if is_whole_regions(s) {
                return Value::from(regions.to_vec());
            }
            Value::String(canonical(s, path, problems, accounts))
        }
        Value::Array(items) => {
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    Value::String(s) if is_whole_regions(s) => {
                        out.extend(regions.iter().cloned().map(Value::String))
                    }
                    _ => out.push(walk(
                        item,
                        &format!("{path}[{i}]"),
                        regions,
                        problems,
                        accounts,
                    )),
                }
            }
            Value::Array(out)
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, item) in map {
                let p = join(path, k);
                let key = canonical(k, &p, problems, accounts);
                out.insert(key, walk(item, &p, regions, problems, accounts));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

fn is_whole_regions(s: &str) -> bool {
    let found = scan(s);
    found.len() == 1 && found[0].0 == (0..s.len()) && found[0].1 == Placeholder::AllowedRegions
}

fn canonical(
    s: &str,
    path: &str,
    problems: &mut Vec<Problem>,
    accounts: &mut Vec<(String, String)>,
) -> String {
    let found = scan(s);
    if found.is_empty() {
        return s.to_string();
    }
    let mut out = String::new();
    let mut last = 0;
    for (range, p) in found {
        out.push_str(&s[last..range.start]);
        let raw = &s[range.clone()];
        match p {
            Placeholder::OrgId => out.push_str(ORG_ID),
            Placeholder::AccountId(key) => {
                out.push_str(&account_id(&key));
                accounts.push((key, path.to_string()));
            }
            Placeholder::AllowedRegions => {
                problems.push(Problem {
                    path: path.to_string(),
                    message: format!(
                        "`{raw}` must be a whole JSON string (it becomes a list of regions)"
                    ),
                });
                out.push_str(raw);
            }
            Placeholder::Unknown(_) => {
                problems.push(Problem {
                    path: path.to_string(),
                    message: format!("unknown placeholder `{raw}`"),
                });
                out.push_str(raw);
            }
        }
        last = range.end;
    }
    out.push_str(&s[last..]);
    out
}

/// A replacement the policy's HCL makes at apply time: `token` → the value of `expr`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Substitution {
    pub token: String,
    /// A Terraform reference built by landform (never blueprint text).
    pub expr: String,
}

/// The substitutions a (filled) document needs, sorted. `is_account` says which account keys
/// are real; others are left alone (validation reports them).
pub fn substitutions(doc: &Value, is_account: impl Fn(&str) -> bool) -> Vec<Substitution> {
    let text = doc.to_string();
    let mut out: Vec<Substitution> = scan(&text)
        .into_iter()
        .filter_map(|(_, p)| match p {
            Placeholder::OrgId => Some(Substitution {
                token: ORG_ID.to_string(),
                expr: "aws_organizations_organization.this.id".to_string(),
            }),
            Placeholder::AccountId(key) if is_account(&key) => Some(Substitution {
                token: account_id(&key),
                expr: format!("aws_organizations_account.{key}.id"),
            }),
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The minified document with each apply-time token replaced by the longest value it can take:
/// what AWS will count.
pub fn worst_case(minified: &str) -> String {
    let mut out = String::with_capacity(minified.len());
    let mut last = 0;
    for (range, p) in scan(minified) {
        out.push_str(&minified[last..range.start]);
        match p {
            Placeholder::OrgId => out.push_str(WORST_ORG_ID),
            Placeholder::AccountId(_) => out.push_str(ACCOUNT_ID),
            _ => out.push_str(&minified[range.clone()]),
        }
        last = range.end;
    }
    out.push_str(&minified[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fills_regions_and_canonicalises_tokens() {
        let doc = json!({
            "a": "{{ allowed_regions }}",
            "b": ["us-east-1", "{{allowed_regions}}"],
            "c": "arn:aws:iam::{{ account_id.network }}:role/x",
            "{{ org_id }}": "{{org_id}}",
        });
        let regions = vec!["eu-west-1".to_string(), "eu-central-1".to_string()];
        let (v, problems, accounts) = fill(&doc, &regions);
        assert_eq!(
            v,
            json!({
                "a": ["eu-west-1", "eu-central-1"],
                "b": ["us-east-1", "eu-west-1", "eu-central-1"],
                "c": "arn:aws:iam::{{account_id.network}}:role/x",
                "{{org_id}}": "{{org_id}}",
            })
        );
        assert!(problems.is_empty());
        assert_eq!(accounts, vec![("network".to_string(), "c".to_string())]);
    }

    #[test]
    fn problems_are_located() {
        let doc = json!({"S": [{"R": "x-{{ allowed_regions }}"}, {"R": "{{ orgid }}"}]});
        let (_, problems, _) = fill(&doc, &[]);
        assert_eq!(
            problems,
            vec![
                Problem {
                    path: "S[0].R".into(),
                    message: "`{{ allowed_regions }}` must be a whole JSON string (it becomes a \
                              list of regions)"
                        .into()
                },
                Problem {
                    path: "S[1].R".into(),
                    message: "unknown placeholder `{{ orgid }}`".into()
                },
            ]
        );
    }

    #[test]
    fn substitutions_and_worst_case() {
        let doc = json!({"a": "{{org_id}}", "b": "{{account_id.network}}{{account_id.nope}}"});
        let subs = substitutions(&doc, |k| k == "network");
        assert_eq!(
            subs,
            vec![
                Substitution {
                    token: "{{account_id.network}}".into(),
                    expr: "aws_organizations_account.network.id".into()
                },
                Substitution {
                    token: "{{org_id}}".into(),
                    expr: "aws_organizations_organization.this.id".into()
                },
            ]
        );
        assert_eq!(
            worst_case(r#"{"a":"{{org_id}}","b":"{{account_id.x}}"}"#),
            r#"{"a":"o-abcdefghijklmnopqrstuvwxyz012345","b":"123456789012"}"#
        );
    }
}
