"""Clause: merchants' refund, return and shipping policies, evaluated in-process.

    >>> import clause
    >>> policy = clause.Policy.load("policies/imicro.policy")
    >>> verdict = policy.evaluate(claim_dict)          # a dict, or JSON text/bytes
    >>> verdict["decision"]
    'approve'

A folder whose files are versions of one policy (each ``effective from`` a day)
is a ``PolicySet``: each claim is judged by the version in force when its order
was placed.

    >>> policies = clause.PolicySet.load_dir("policies")
    >>> policies.evaluate("imicro", claim_dict)["policy_version"]
    'sha256:...'

Everything runs in the Rust library the ``clause`` command is built on: the
same checker, the same evaluation, the same verdicts.
"""

from ._clause import Policy, PolicySet, __version__, check, diff, format
from ._errors import ClaimError, PolicyError

__all__ = ["Policy", "PolicySet", "PolicyError", "ClaimError", "check", "format", "diff", "__version__"]
