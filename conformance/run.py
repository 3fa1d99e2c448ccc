"""Runs the python-scim conformance suite (scim2-tester) against a running Roster.

Usage: python3 conformance/run.py BASE_URL TOKEN
Prints one line per check and closes with 'conformance: N passed, M failed'; exit 1 on any failure.
"""
import sys

from httpx2 import Client
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import check_server
from scim2_tester.utils import Status

FAILING = {Status.ERROR, Status.CRITICAL}


def main() -> int:
    base, token = sys.argv[1], sys.argv[2]
    http = Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    client = SyncSCIMClient(http)
    results = check_server(client)
    passed = failed = skipped = 0
    for r in results:
        where = f"[{r.resource_type}] " if r.resource_type else ""
        if r.status == Status.SKIPPED:
            skipped += 1
            continue
        ok = r.status not in FAILING
        passed += ok
        failed += not ok
        line = f"{'ok  ' if ok else 'FAIL'} {r.status.name:<10} {where}{r.title}"
        if not ok or r.status == Status.DEVIATION:
            line += f": {r.reason}"
        print(line)
    print(f"conformance: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
