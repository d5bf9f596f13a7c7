#!/usr/bin/env python3
"""Runs parliament (the IAM policy linter, PyPI `parliament`) over landform's SCP and RCP
documents. Called by tests/integration/policies.rs with arguments `scp=PATH` or `rcp=PATH`.

Prints every finding not justified below, then `N documents, M findings`; exits 1 if M > 0.
The apply-time tokens (`{{org_id}}`, `{{account_id.KEY}}`) are replaced by example ids first,
as Terraform replaces them with real ones.
"""

import json
import re
import sys

from parliament import analyze_policy_string

# Findings ignored, each with why it is wrong: (issue, text in the finding's detail).
JUSTIFIED = [
    # aws:SourceOrgID is a documented global condition key (AWS, "AWS global condition context
    # keys", added in 2023; AWS's data perimeter RCP examples use it for the confused-deputy
    # statement). parliament 1.6's table of global keys predates it, so it reports it as
    # unknown for every action of the statement.
    ("UNKNOWN_CONDITION_FOR_ACTION", "Unknown condition aws:SourceOrgID for action"),
]


def fill(text):
    text = text.replace("{{org_id}}", "o-a1b2c3d4e5")
    return re.sub(r"\{\{account_id\.[a-z0-9_]+\}\}", "123456789012", text)


def main(args):
    documents = 0
    findings = 0
    for arg in args:
        _kind, path = arg.split("=", 1)
        with open(path, encoding="utf-8") as f:
            text = fill(f.read())
        json.loads(text)  # must stay valid JSON after filling
        documents += 1
        policy = analyze_policy_string(text, include_community_auditors=True)
        for finding in policy.findings:
            detail = str(finding.detail)
            if any(finding.issue == i and text in detail for i, text in JUSTIFIED):
                continue
            findings += 1
            print(f"{path}: {finding.issue} {finding.severity}: {finding.detail} at {finding.location}")
    print(f"{documents} documents, {findings} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
