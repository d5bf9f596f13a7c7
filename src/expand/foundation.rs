//! The foundation stacks: log archive, organization trail, security services, and the provider
//! aliases that reach into their accounts. Only blueprints with `logging:` or `security:` get
//! them; the presets have both.

use heck::ToKebabCase;

use crate::blueprint::{Blueprint, standard};
use crate::model::{Account, Logging, Provider, Security, SecurityRegion, Stack, Standard};

use super::allowed_regions;
use crate::naming::{key_of, region_key};

pub(super) fn provider(account: &str, accounts: &[Account], region: &str) -> Provider {
    let account = &key_of(account);
    let email = accounts
        .iter()
        .find(|a| &a.key == account)
        .map(|a| a.email.to_lowercase())
        .unwrap_or_default();
    Provider {
        alias: format!("{account}_{}", region_key(region)),
        account: account.to_string(),
        email,
        region: region.to_string(),
        assume_role: true,
    }
}

fn management(region: &str) -> Provider {
    Provider {
        alias: format!("management_{}", region_key(region)),
        account: "management".to_string(),
        email: String::new(),
        region: region.to_string(),
        assume_role: false,
    }
}

/// Lower-case letters, digits and dashes from the organization name, at most 30 characters:
/// the start of every bucket name.
pub(crate) fn bucket_prefix(name: &str) -> String {
    let kebab: String = name
        .to_kebab_case()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .take(30)
        .collect();
    let trimmed = kebab.trim_matches('-');
    if trimmed.is_empty() {
        "landform".to_string()
    } else {
        trimmed.to_string()
    }
}

pub fn logging(bp: &Blueprint, accounts: &[Account]) -> Option<Logging> {
    let l = bp.logging.as_ref()?;
    let home = &bp.organization.home_region;
    let p = provider(&l.account, accounts, home);
    let prefix = bucket_prefix(&bp.organization.name);
    Some(Logging {
        account: l.account.clone(),
        account_email: p.email.clone(),
        provider: p.alias.clone(),
        trail_name: l.trail_name.clone(),
        kms_alias: if l.kms {
            format!("{prefix}-logs")
        } else {
            String::new()
        },
        bucket_prefix: prefix,
        kms: l.kms,
        retention_days: l.retention_days,
        glacier_after_days: l.glacier_after_days,
        transition_storage_class: l.transition_storage_class,
        object_lock: l.object_lock,
        cloudwatch_logs_days: l
            .cloudwatch_logs
            .enabled
            .then_some(l.cloudwatch_logs.retention_days),
        providers: vec![p],
    })
}

pub fn security(
    bp: &Blueprint,
    accounts: &[Account],
    logging: Option<&Logging>,
) -> Option<Security> {
    if bp.security.is_none() && logging.is_none() {
        return None;
    }
    let home = &bp.organization.home_region;
    let mut providers = Vec::new();
    let mut regions = Vec::new();
    let mut out = Security {
        admin_account: String::new(),
        admin_account_email: String::new(),
        regions: Vec::new(),
        guardduty: false,
        malware_protection: false,
        guardduty_features: Vec::new(),
        securityhub: false,
        standards: Vec::new(),
        config: false,
        config_aggregator: false,
        access_analyzer: false,
        home_provider: String::new(),
        providers: Vec::new(),
    };
    if let Some(s) = &bp.security {
        for r in allowed_regions(bp) {
            let m = management(&r);
            let a = provider(&s.admin_account, accounts, &r);
            regions.push(SecurityRegion {
                key: region_key(&r),
                region: r.clone(),
                management: m.alias.clone(),
                admin: a.alias.clone(),
            });
            if r == *home {
                out.home_provider = a.alias.clone();
            }
            providers.push(m);
            providers.push(a);
        }
        out.admin_account = s.admin_account.clone();
        out.admin_account_email = provider(&s.admin_account, accounts, home).email;
        out.guardduty = s.guardduty.enabled;
        out.malware_protection = s.guardduty.enabled && s.guardduty.malware_protection;
        if s.guardduty.enabled {
            let g = &s.guardduty;
            for (on, name, additional) in [
                (g.s3_protection, "S3_DATA_EVENTS", &[][..]),
                (g.eks_protection, "EKS_AUDIT_LOGS", &[][..]),
                (g.malware_protection, "EBS_MALWARE_PROTECTION", &[][..]),
                (g.rds_protection, "RDS_LOGIN_EVENTS", &[][..]),
                (g.lambda_protection, "LAMBDA_NETWORK_LOGS", &[][..]),
                (
                    g.runtime_monitoring,
                    "RUNTIME_MONITORING",
                    &[
                        "EKS_ADDON_MANAGEMENT",
                        "ECS_FARGATE_AGENT_MANAGEMENT",
                        "EC2_AGENT_MANAGEMENT",
                    ][..],
                ),
            ] {
                if on {
                    out.guardduty_features.push(crate::model::GuardDutyFeature {
                        name: name.to_string(),
                        key: name.to_lowercase(),
                        additional: additional.iter().map(|a| a.to_string()).collect(),
                    });
                }
            }
        }
        out.securityhub = s.securityhub.enabled;
        if s.securityhub.enabled {
            out.standards = s
                .securityhub
                .standards
                .iter()
                .filter_map(|n| {
                    standard(n).map(|path| Standard {
                        name: n.clone(),
                        key: n.replace(['-', '.'], "_"),
                        path: path.to_string(),
                    })
                })
                .collect();
        }
        out.config = s.config.enabled;
        out.config_aggregator = s.config.enabled && s.config.aggregator;
        out.access_analyzer = s.access_analyzer.enabled;
    }
    if let Some(l) = logging.filter(|l| l.kms) {
        // The log archive may be the admin account too: one alias, declared once.
        for p in &l.providers {
            if !providers.iter().any(|x: &Provider| x.alias == p.alias) {
                providers.push(p.clone());
            }
        }
    }
    out.regions = regions;
    out.providers = providers;
    Some(out)
}

/// Trusted service principals the foundation stacks need, unsorted.
pub fn service_principals(bp: &Blueprint) -> Vec<String> {
    let mut out = Vec::new();
    if bp.logging.is_some() {
        out.push("cloudtrail.amazonaws.com");
    }
    if let Some(s) = &bp.security {
        if s.guardduty.enabled {
            out.push("guardduty.amazonaws.com");
            if s.guardduty.malware_protection {
                out.push("malware-protection.guardduty.amazonaws.com");
            }
        }
        if s.securityhub.enabled {
            out.push("securityhub.amazonaws.com");
        }
        if s.config.enabled {
            out.push("config.amazonaws.com");
            out.push("config-multiaccountsetup.amazonaws.com");
        }
        if s.access_analyzer.enabled {
            out.push("access-analyzer.amazonaws.com");
        }
    }
    out.into_iter().map(str::to_string).collect()
}

/// The foundation stacks in apply order (after organization/ and identity-center/), with
/// where they run.
pub fn stacks(logging: Option<&Logging>, security: Option<&Security>) -> Vec<Stack> {
    let mut out = Vec::new();
    if let Some(l) = logging {
        out.push(Stack {
            name: "log-archive".to_string(),
            runs_in: format!("`{}` account (through the management account)", l.account),
            holds: format!(
                "the log bucket{}, its access-log bucket",
                if l.kms { " and its KMS key" } else { "" }
            ),
        });
    }
    if let Some(s) = security {
        let mut services = Vec::new();
        for (on, name) in [
            (s.guardduty, "GuardDuty"),
            (s.securityhub, "Security Hub"),
            (s.config, "AWS Config"),
            (s.access_analyzer, "IAM Access Analyzer"),
        ] {
            if on {
                services.push(name);
            }
        }
        let mut holds = Vec::new();
        if logging.is_some() {
            holds.push("the organization trail".to_string());
        }
        if !services.is_empty() {
            holds.push(format!(
                "{} with `{}` as delegated administrator in every allowed region",
                services.join(", "),
                s.admin_account
            ));
        }
        let runs_in = if s.admin_account.is_empty() {
            "management account".to_string()
        } else {
            format!("management and `{}` accounts", s.admin_account)
        };
        out.push(Stack {
            name: "security".to_string(),
            runs_in,
            holds: holds.join("; "),
        });
    }
    out
}
