#!/usr/bin/env python3
"""Generates inputs of growing size for benches/scaling.sh.

    scaling_gen.py DIR N

writes into DIR: policy.policy (N rules in one block, N/10 windows and
thresholds, thresholds chained ten deep), policy2.policy (the same with every
tenth rule's amount changed, for `diff`), claims.jsonl (N claims, one a line)
and claim.json (one claim with N items and N exchange rates).
"""
import json
import os
import sys

REASONS = ["changed_mind", "damaged_in_transit", "defective", "wrong_item", "not_as_described", "quality_issue"]
CATEGORIES = ["electronics", "apparel", "books", "toys", "garden", "food"]


def policy(n, variant=False):
    out = ['policy scale "Scaling"', " {", "\n  currency USD\n", '  timezone "America/Los_Angeles"\n']
    out = ['policy scale "Scaling" {\n  currency USD\n  timezone "America/Los_Angeles"\n\n']
    k = max(1, n // 10)
    for w in range(k):
        out.append(f"  window w{w} = {10 + w % 50} days from order.delivered_at else order.placed_at\n")
    for t in range(k):
        prev = f"t{t - 1} or " if t % 10 else ""
        out.append(f"  threshold t{t} = {prev}order.total > USD {100 + t}\n")
    out.append("\n  rules for return {\n")
    for i in range(n):
        amount = 1000 + i + (7 if variant and i % 10 == 0 else 0)
        reason = REASONS[i % len(REASONS)]
        cat = CATEGORIES[(i // 6) % len(CATEGORIES)]
        verb = "deny" if i % 3 else "review"
        out.append(
            f'    rule r{i}: {verb} "Rule {i}." when claim.reason is {reason} and item.category is {cat} '
            f"and item.price > USD {amount} and claim.filed_at within w{i % k} and t{i % k}\n"
        )
    out.append('    otherwise rest: approve refund "Refunded." refund item.price\n  }\n}\n')
    return "".join(out)


def claim(i, items=1, rates=0):
    c = {
        "claim_id": f"S-{i}",
        "order": {
            "id": f"O-{i}",
            "placed_at": "2023-09-01T10:00:00-07:00",
            "delivered_at": "2023-09-05",
            "total": {"amount": f"{100 + i % 500}.00", "currency": "USD"},
        },
        "items": [
            {
                "sku": f"SKU-{j}",
                "category": CATEGORIES[(i + j) % len(CATEGORIES)],
                "price": {"amount": f"{(i * 7 + j) % 3000}.00", "currency": "USD"},
                "quantity": 1,
            }
            for j in range(items)
        ],
        "claim": {
            "kind": "return",
            "filed_at": "2023-09-12T09:00:00-07:00",
            "reason": REASONS[i % len(REASONS)],
        },
    }
    if rates:
        # Rate keys that do not convert anything the policy needs, then the one it does.
        c["rates"] = {f"X{j:07d}/USD": "1" for j in range(rates)}
    return c


def main():
    d, n = sys.argv[1], int(sys.argv[2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "policy.policy"), "w") as f:
        f.write(policy(n))
    with open(os.path.join(d, "policy2.policy"), "w") as f:
        f.write(policy(n, variant=True))
    with open(os.path.join(d, "claims.jsonl"), "w") as f:
        for i in range(n):
            f.write(json.dumps(claim(i), separators=(",", ":")) + "\n")
    with open(os.path.join(d, "claim.json"), "w") as f:
        json.dump(claim(0, items=n), f)


if __name__ == "__main__":
    main()
