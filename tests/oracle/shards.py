#!/usr/bin/env python3
"""landform shard-move probe: apply every stack of a sharded tree against moto, record each
stack's state (`terraform show -json`), run a command that edits the blueprint and generates
the tree again in place (it may read the states, e.g. `landform lock --from-state`), then plan
and apply every stack of the new tree on the same states. Fails when any plan destroys or
replaces anything, when an apply fails, when a plan after the applies is not empty, or when an
`--expect` account is not where it should be with the id it had.

    python shards.py --tree TREE --stacks organization,accounts-a,... --between "CMD"
                     [--expect EMAIL=OU_NAME ...] [--timeout 900]

CMD runs in the current directory with LANDFORM_STATES set to a folder holding
`<stack>.json` for every stack. Prints every planned change, per stack a line
`<stack>: D destroyed, R replaced, I imported, F forgotten`, and `SHARDS: PASS` or
`SHARDS: FAIL`. Exit status 0 on pass, 1 on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import emulator  # noqa: E402
import run as oracle  # noqa: E402
from regen import swap_config  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", required=True, type=Path)
    ap.add_argument("--stacks", required=True)
    ap.add_argument("--between", required=True)
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args(argv)
    stacks = [s for s in a.stacks.split(",") if s]
    deadline = oracle.Deadline(a.timeout)
    tmp = Path(tempfile.mkdtemp(prefix="landform-shards-"))
    cli_config = tmp / "terraformrc"
    cli_config.write_text("")
    env = oracle.terraform_env(cli_config)
    plugin_dir = oracle.find_plugin_dir()
    states = tmp / "states"
    states.mkdir()
    server = None
    failures: list[str] = []
    try:
        server, endpoint = emulator.start()
        ids_before: dict[str, str] = {}
        for stack in stacks:
            work = tmp / stack
            oracle.prepare_stack(a.tree / stack, work, endpoint)
            oracle.tf_init(work, env, plugin_dir, deadline)
            _, counts = oracle.tf_apply(work, env, deadline)
            show = oracle.run_cmd(["terraform", "show", "-json"], work, env, deadline.left())
            (states / f"{stack}.json").write_text(show.out)
            print(f"before: [{stack}] applied {counts[0]} resources")
        clients = oracle.Clients(endpoint, "us-east-1")
        accounts = oracle._pages(clients.organizations, "list_accounts", "Accounts")
        ids_before = {x["Email"].lower(): x["Id"] for x in accounts}

        between = subprocess.run(
            a.between,
            shell=True,
            env={**os.environ, "LANDFORM_STATES": str(states)},
            capture_output=True,
            text=True,
            timeout=deadline.left(),
        )
        print(between.stdout + between.stderr, end="")
        if between.returncode != 0:
            raise oracle.OracleError(f"the --between command failed ({between.returncode})")

        for stack in stacks:
            work = tmp / stack
            swap_config(a.tree / stack, work, endpoint)
            p = oracle.tf_plan(work, env, deadline, ["-out=shards.plan"])
            if p.rc not in (0, 2):
                raise oracle.OracleError(f"[{stack}] plan failed:\n{oracle._tail(p.out)}")
            show = oracle.run_cmd(["terraform", "show", "-json", "shards.plan"], work, env, deadline.left())
            plan = json.loads(show.out)
            destroyed = replaced = imported = forgotten = 0
            for rc in plan.get("resource_changes", []):
                actions = rc["change"]["actions"]
                importing = "importing" in rc["change"]
                prev = rc.get("previous_address")
                if actions == ["no-op"] and not prev and not importing:
                    continue
                note = " (import)" if importing else ""
                print(f"  [{stack}] {rc['address']}: {'+'.join(actions)}{note}")
                if importing:
                    imported += 1
                if actions == ["forget"]:
                    forgotten += 1
                if "delete" in actions:
                    if "create" in actions:
                        replaced += 1
                    else:
                        destroyed += 1
                    failures.append(f"[{stack}] {rc['address']} would be {'+'.join(actions)}")
            print(f"{stack}: {destroyed} destroyed, {replaced} replaced, {imported} imported, {forgotten} forgotten")
            if failures:
                raise oracle.OracleError("a plan replaces or destroys:\n" + "\n".join(failures))
            oracle.tf_apply(work, env, deadline, ["shards.plan"])
        for stack in stacks:
            p = oracle.tf_plan(tmp / stack, env, deadline)
            if p.rc != 0:
                failures.append(f"[{stack}] the plan after apply is not empty:\n" + oracle._plan_body(p.out))
        accounts = oracle._pages(clients.organizations, "list_accounts", "Accounts")
        ids_after = {x["Email"].lower(): x["Id"] for x in accounts}
        if ids_after != ids_before:
            failures.append(f"the accounts changed: {sorted(set(ids_before.items()) ^ set(ids_after.items()))}")
        for e in a.expect:
            email, ou = e.split("=", 1)
            account = ids_after.get(email.lower())
            if account is None:
                failures.append(f"{email} is not in the organization")
                continue
            parent = clients.organizations.list_parents(ChildId=account)["Parents"][0]
            name = clients.organizations.describe_organizational_unit(OrganizationalUnitId=parent["Id"])[
                "OrganizationalUnit"
            ]["Name"] if parent["Type"] == "ORGANIZATIONAL_UNIT" else "root"
            if name != ou:
                failures.append(f"{email} ({account}) is in {name}, not {ou}")
            else:
                print(f"{email} ({account}, the same id) is in {ou}")
    except Exception as e:
        failures.append(f"{type(e).__name__}: {e}")
    finally:
        if server is not None:
            emulator.stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print(f"FAILED: {f}")
    print("SHARDS: PASS" if not failures else "SHARDS: FAIL")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
