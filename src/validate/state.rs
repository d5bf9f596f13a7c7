//! `state:` and `ci:`: a bucket name S3 accepts, a real region, and CI values that are safe to
//! write into a pipeline file.

use crate::diagnostic::Diagnostic;
use crate::load::Loaded;

/// S3's rules for a general purpose bucket name.
pub fn is_bucket_name(name: &str) -> bool {
    let b = name.as_bytes();
    (3..=63).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'.'))
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && !name.contains("..")
        && !name.starts_with("xn--")
        && !name.starts_with("sthree-")
        && !name.ends_with("-s3alias")
        && !name.ends_with("--ol-s3")
        && !looks_like_ip(name)
}

fn looks_like_ip(name: &str) -> bool {
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A git branch or environment name written into CI expressions: plain characters only.
fn is_plain_ref(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !s.starts_with(['-', '/', '.'])
        && !s.contains("..")
}

fn is_role_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && parts[2] == "iam"
        && parts[3].is_empty()
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5].starts_with("role/")
        && parts[5].len() > 5
        && parts[5]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c))
}

pub fn check(loaded: &Loaded, out: &mut Vec<Diagnostic>) {
    let bp = &loaded.blueprint;
    let src = &loaded.source;
    if let Some(s) = &bp.state {
        if !is_bucket_name(&s.bucket) {
            out.push(
                Diagnostic::error(format!("`{}` is not a valid S3 bucket name", s.bucket))
                    .at_value(src, "state.bucket")
                    .with_help(
                        "3-63 characters: lower-case letters, digits, `-` and `.`, starting and \
                         ending with a letter or digit (for example `acme-tfstate`)",
                    ),
            );
        }
        if let Some(r) = &s.region
            && !crate::regions::is_region(r)
        {
            out.push(
                Diagnostic::error(format!("`{r}` is not an AWS region"))
                    .at_value(src, "state.region")
                    .with_help("write a region code such as `eu-west-1`, or leave `region` out for the home region"),
            );
        }
        if let Some(p) = &s.key_prefix
            && (p.is_empty()
                || !p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
                || p.split('/').any(|seg| seg == ".."))
        {
            out.push(
                Diagnostic::error(format!("`{p}` is not a usable state key prefix"))
                    .at_value(src, "state.key_prefix")
                    .with_help(
                        "use letters, digits, `-`, `_`, `.` and `/` (for example `landing-zone`)",
                    ),
            );
        }
    }
    if let Some(ci) = &bp.ci {
        for (value, path, what) in [
            (&ci.branch, "ci.branch", "branch"),
            (&ci.environment, "ci.environment", "environment"),
        ] {
            if !is_plain_ref(value) {
                out.push(
                    Diagnostic::error(format!("`{value}` is not a usable CI {what} name"))
                        .at_value(src, path)
                        .with_help("use letters, digits, `-`, `_`, `.` and `/`"),
                );
            }
        }
        let v = &ci.terraform_version;
        if v.is_empty()
            || !v.chars().all(|c| c.is_ascii_digit() || c == '.')
            || v.starts_with('.')
            || v.ends_with('.')
        {
            out.push(
                Diagnostic::error(format!(
                    "`{}` is not a Terraform version",
                    ci.terraform_version
                ))
                .at_value(src, "ci.terraform_version")
                .with_help("write a release such as `1.11` or `1.11.4`"),
            );
        }
        if let Some(role) = &ci.role_arn
            && !is_role_arn(role)
        {
            out.push(
                Diagnostic::error(format!("`{role}` is not an IAM role ARN"))
                    .at_value(src, "ci.role_arn")
                    .with_help("write `arn:aws:iam::<12-digit account id>:role/<name>`"),
            );
        }
        if ci.install.is_none() {
            out.push(
                Diagnostic::warning(format!(
                    "the pipeline installs landform with `{}`, which works only once landform \
                     is published on crates.io",
                    crate::ci::default_install(env!("CARGO_PKG_VERSION"))
                ))
                .at_value(src, "ci.provider")
                .with_help(
                    "set `ci.install` to how your runners get landform, for example \
                     `cargo install --locked --git <your landform repository> --tag <version>`",
                ),
            );
        }
        if let Some(cmd) = &ci.install
            && (cmd.trim().is_empty() || cmd.contains(['\n', '\r']))
        {
            out.push(
                Diagnostic::error("`ci.install` must be one shell command on one line")
                    .at_value(src, "ci.install")
                    .with_help("for example `cargo install --locked landform`"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_s3() {
        for ok in ["acme-tfstate", "a.b-c", "abc", "x1.state", "a.b.c.d"] {
            assert!(is_bucket_name(ok), "{ok}");
        }
        for bad in [
            "ab",
            "Acme",
            "-acme",
            "acme-",
            "a..b",
            "a_b",
            "xn--abc",
            "192.168.1.1",
            "acme-s3alias",
        ] {
            assert!(!is_bucket_name(bad), "{bad}");
        }
        assert!(is_role_arn("arn:aws:iam::123456789012:role/ci/landform"));
        assert!(!is_role_arn("arn:aws:iam::1234:role/x"));
        assert!(is_plain_ref("release/v1"));
        assert!(!is_plain_ref("main'; rm"));
    }
}
