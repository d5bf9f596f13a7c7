use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::load::Loaded;
use crate::regions;

fn unknown(code: &str) -> String {
    match did_you_mean(code, regions::ALL.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? region codes look like `eu-west-1`"),
        None => "use an AWS region code such as `eu-west-1` or `us-east-1`".to_string(),
    }
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let org = &loaded.blueprint.organization;
    let src = &loaded.source;
    if !regions::is_region(&org.home_region) {
        out.push(
            Diagnostic::error(format!("`{}` is not an AWS region", org.home_region))
                .at_value(src, "organization.home_region")
                .with_help(unknown(&org.home_region)),
        );
    }
    for (i, r) in org.regions.iter().enumerate() {
        let path = format!("organization.regions[{i}]");
        if !regions::is_region(r) {
            out.push(
                Diagnostic::error(format!("`{r}` is not an AWS region"))
                    .at_value(src, &path)
                    .with_help(unknown(r)),
            );
        } else if org.regions[..i].contains(r) {
            out.push(
                Diagnostic::error(format!("region `{r}` is listed twice"))
                    .at_value(src, &path)
                    .with_help("remove the repeated entry"),
            );
        }
    }
    if !org.regions.is_empty() && !org.regions.contains(&org.home_region) {
        out.push(
            Diagnostic::error(format!(
                "home region `{}` is not one of the allowed regions",
                org.home_region
            ))
            .at_value(src, "organization.home_region")
            .with_help(format!(
                "add `{}` to `organization.regions`, or choose a home region from it",
                org.home_region
            )),
        );
    }
    for (key, env) in &loaded.blueprint.environments {
        if env.per_region && org.regions.is_empty() {
            out.push(
                Diagnostic::error(format!(
                    "environment `{key}` is per-region, but the organization allows no regions"
                ))
                .at_value(src, &format!("environments.{key}.per_region"))
                .with_help("list the allowed regions under `organization.regions`"),
            );
        }
    }
}
