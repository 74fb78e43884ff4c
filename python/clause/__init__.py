"""Clause: merchants' refund, return and shipping policies, evaluated in-process.

    >>> import clause
    >>> policy = clause.Policy.load("policies/imicro.policy")
    >>> verdict = policy.evaluate(claim_dict)          # a dict, or JSON text/bytes
    >>> verdict["decision"]
    'approve'

Everything runs in the Rust library the ``clause`` command is built on: the
same checker, the same evaluation, the same verdicts.
"""

from ._clause import Policy, __version__, check, diff, format
from ._errors import ClaimError, PolicyError

__all__ = ["Policy", "PolicyError", "ClaimError", "check", "format", "diff", "__version__"]
