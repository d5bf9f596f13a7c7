use crate::guardrails;

/// The `landform guardrails` listing.
pub fn listing() -> String {
    let mut s = String::new();
    for g in guardrails::ALL {
        s.push_str(&format!("{} ({})\n", g.name, g.kind.aws_name()));
        s.push_str(&format!(
            "  {}\n",
            g.summary.split_whitespace().collect::<Vec<_>>().join(" ")
        ));
        for p in g.params {
            s.push_str(&format!(
                "  - {}: {}\n",
                p.name,
                p.help.split_whitespace().collect::<Vec<_>>().join(" ")
            ));
        }
        s.push('\n');
    }
    s.push_str(
        "Also built from blueprint sections:\n  \
         tagging: (TAG_POLICY) tag keys in the required case, allowed values, enforced_for and \
         required_for resource types\n  \
         backup: (BACKUP_POLICY) one plan per environment: schedule, retention_days, \
         copy_region (the backup account's vault)\n",
    );
    s
}
