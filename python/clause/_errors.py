"""The package's exceptions (raised by the native module)."""

from __future__ import annotations

from typing import Any


class PolicyError(Exception):
    """A policy that cannot be read or does not check.

    ``str(error)`` is the diagnostics drawn as ``clause check`` draws them;
    ``findings`` holds them as data (dicts with ``code``, ``severity``,
    ``message``, ``help``, ``url``, ``labels``, ``example``); ``summary`` is one
    line ("p.policy does not check (2 problems)").
    """

    def __init__(self, rendered: str, findings: list[dict[str, Any]], summary: str) -> None:
        super().__init__(rendered)
        self.rendered = rendered
        self.findings = findings
        self.summary = summary

    def __str__(self) -> str:
        return self.rendered

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the three fields, with the instance's other attributes
        # (notes added with add_note among them), so that the error crosses
        # process boundaries (multiprocessing, concurrent.futures) whole.
        return (type(self), (self.rendered, self.findings, self.summary), self.__dict__)


class ClaimError(ValueError):
    """A claim that is not valid for the policy.

    ``problems`` lists every problem found, as dicts with ``path`` (the JSON
    path of the value at fault, such as ``items[0].price.amount``; empty for
    the whole claim) and ``message``.
    """

    def __init__(self, message: str, problems: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.problems = problems

    def __reduce__(self) -> tuple[Any, ...]:
        # As PolicyError's: picklable with its problems.
        return (type(self), (self.args[0], self.problems), self.__dict__)
