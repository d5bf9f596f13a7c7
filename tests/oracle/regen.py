#!/usr/bin/env python3
"""landform regeneration probe: apply one generated tree's stack against moto, then
regenerate-and-plan with a second tree (the same stack after a blueprint edit) on the same
state. Fails when the plan replaces or destroys any account or OU, when it does not apply,
or when the next plan is not empty.

    python regen.py --before TREE1 --after TREE2 [--after TREE3 ...] [--stack organization]
                    [--timeout 900] [--no-destroy]

With several `--after` trees, each is planned and applied in turn on the same state (one
organization edited again and again). `--no-destroy` also fails on a destroy or replacement of
any resource type, not only accounts and OUs.

Prints every planned change (address, actions, previous address), per step a line
`step N: D destroyed, R replaced`, and `REGEN: PASS` or `REGEN: FAIL`. Exit status 0 on pass,
1 on failure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import override  # noqa: E402
import run as oracle  # noqa: E402

GUARDED = ("aws_organizations_account", "aws_organizations_organizational_unit")


def swap_config(src: Path, workdir: Path, endpoint: str) -> None:
    """Replaces the configuration in workdir with src's, keeping state and .terraform."""
    for p in workdir.iterdir():
        if p.name.startswith((".terraform", "terraform.tfstate")):
            continue
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()
    for p in src.iterdir():
        if p.name == "backend.tf":  # state stays local in the work directory (as run.py does)
            continue
        if p.is_dir():
            shutil.copytree(p, workdir / p.name)
        else:
            shutil.copy2(p, workdir / p.name)
    override.write_override(workdir, endpoint)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--before", required=True, type=Path)
    ap.add_argument("--after", required=True, type=Path, action="append")
    ap.add_argument("--no-destroy", action="store_true")
    ap.add_argument("--stack", default="organization")
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args(argv)
    deadline = oracle.Deadline(a.timeout)
    tmp = Path(tempfile.mkdtemp(prefix="landform-regen-"))
    cli_config = tmp / "terraformrc"
    cli_config.write_text("")
    env = oracle.terraform_env(cli_config)
    plugin_dir = oracle.find_plugin_dir()
    work = tmp / a.stack
    server = None
    failures: list[str] = []
    try:
        server, endpoint = emulator.start()
        oracle.prepare_stack(a.before / a.stack, work, endpoint)
        oracle.tf_init(work, env, plugin_dir, deadline)
        _, counts = oracle.tf_apply(work, env, deadline)
        print(f"before: applied {counts[0]} resources")
        for step, after in enumerate(a.after, 1):
            if len(a.after) > 1:
                print(f"step {step}: {after.name}")
            swap_config(after / a.stack, work, endpoint)
            p = oracle.tf_plan(work, env, deadline, ["-out=regen.plan"])
            if p.rc not in (0, 2):
                raise oracle.OracleError(f"plan failed:\n{oracle._tail(p.out)}")
            show = oracle.run_cmd(["terraform", "show", "-json", "regen.plan"], work, env, deadline.left())
            plan = json.loads(show.out)
            destroyed = replaced = 0
            for rc in plan.get("resource_changes", []):
                actions = rc["change"]["actions"]
                prev = rc.get("previous_address")
                if actions == ["no-op"] and not prev:
                    continue
                print(f"  {rc['address']}: {'+'.join(actions)}" + (f" (from {prev})" if prev else ""))
                if "delete" in actions:
                    if "create" in actions:
                        replaced += 1
                    else:
                        destroyed += 1
                    if rc["type"] in GUARDED or a.no_destroy:
                        failures.append(f"{rc['address']} would be {'+'.join(actions)}")
            print(f"step {step}: {destroyed} destroyed, {replaced} replaced")
            if failures:
                raise oracle.OracleError("the plan replaces or destroys:\n" + "\n".join(failures))
            # The plan just checked is the one applied; the plan after the last apply must be
            # empty (a change that does not settle would show there, or in the next step's plan).
            _, counts = oracle.tf_apply(work, env, deadline, ["regen.plan"])
            print(f"after: {counts[0]} added, {counts[1]} changed, {counts[2]} destroyed")
            if counts[2]:
                failures.append(f"apply destroyed {counts[2]} resources")
                break
        p = oracle.tf_plan(work, env, deadline)
        if p.rc != 0:
            failures.append("the plan after apply is not empty:\n" + oracle._plan_body(p.out))
    except Exception as e:
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAILED: {f}")
    print("REGEN: PASS" if not failures else "REGEN: FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
