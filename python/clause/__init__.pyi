"""Type stubs for the ``clause`` package."""

import datetime
import os
from typing import Any, Iterable, Literal, Mapping, Union

Claim = Union[Mapping[str, Any], str, bytes]
"""A claim: a dict in the contract's shape, or its JSON text (str or bytes)."""

Verdict = dict[str, Any]
Finding = dict[str, Any]

__version__: str

class PolicyError(Exception):
    """A policy that cannot be read or does not check; ``str()`` is the CLI's rendering."""

    rendered: str
    findings: list[Finding]
    summary: str
    def __init__(self, rendered: str, findings: list[Finding], summary: str) -> None: ...

class ClaimError(ValueError):
    """A claim that is not valid for the policy: ``problems`` = [{"path", "message"}]."""

    problems: list[dict[str, str]]
    def __init__(self, message: str, problems: list[dict[str, str]]) -> None: ...

class Policy:
    """A policy that has been read and checked: ready to evaluate claims."""

    @staticmethod
    def load(path: str | os.PathLike[str]) -> Policy:
        """Reads a policy file and checks it; raises PolicyError."""
    @staticmethod
    def from_text(text: str, name: str = "policy.policy") -> Policy:
        """Parses and checks a policy text; raises PolicyError."""
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def version(self) -> str:
        """``sha256:`` and 16 hex digits of the text's SHA-256."""
    @property
    def text(self) -> str: ...
    @property
    def file_name(self) -> str: ...
    def evaluate(self, claim: Claim) -> Verdict:
        """The verdict as a dict; raises ClaimError naming each JSON path."""
    def evaluate_json(self, claim: Claim) -> str:
        """The verdict as JSON text; raises ClaimError."""
    def evaluate_many(
        self, claims: Iterable[Claim] | str | bytes, threads: int | None = None
    ) -> list[dict[str, Any]]:
        """One record per claim, in order: a verdict, or an error record
        ``{"line", "claim_id", "errors"}``; runs on every core without the GIL."""
    def evaluate_arrow(
        self, batch: Any, json_column: str | None = None, threads: int | None = None
    ) -> Any:
        """A pyarrow.RecordBatch of outcomes for a record batch of claims."""
    def explain(self, claim: Claim, format: Literal["text", "markdown", "json"] = "text") -> str:
        """The verdict explained for the customer; raises ClaimError."""
    def render(self, format: Literal["markdown", "html"] = "markdown") -> str:
        """The customer-facing page."""
    def lint(self) -> list[Finding]:
        """The lints' findings with the default settings."""

class PolicySet:
    """The policies of a folder by declared name, each with its dated versions."""

    @staticmethod
    def load_dir(path: str | os.PathLike[str]) -> PolicySet:
        """Reads every *.policy file directly in a folder; files that do not
        check or are not regular files are listed in failures; raises OSError
        (FileNotFoundError, NotADirectoryError, ...) with filename the folder."""
    @property
    def failures(self) -> list[tuple[str, str]]:
        """The files left out, each (path, why)."""
    @property
    def names(self) -> list[str]: ...
    def get(self, name: str) -> Policy | None:
        """The newest version of a name."""
    def versions(self, name: str) -> list[Policy]:
        """Every version of a name, oldest first."""
    def in_force(self, name: str, day: datetime.date | str) -> Policy | None:
        """The version in force on a day; None before the first or for an unknown name."""
    def select(self, name: str, claim: Claim) -> Policy:
        """The version in force when the claim's order was placed; raises ClaimError, KeyError."""
    def evaluate(self, name: str, claim: Claim) -> Verdict:
        """The verdict of that version, naming it (policy_version, ...); raises ClaimError, KeyError."""
    def evaluate_many(
        self, name: str, claims: Iterable[Claim] | str | bytes, threads: int | None = None
    ) -> list[dict[str, Any]]:
        """One record per claim, as ``clause eval DIR --claims`` writes them; raises KeyError."""
    def evaluate_arrow(
        self, name: str, batch: Any, json_column: str | None = None, threads: int | None = None
    ) -> Any:
        """A pyarrow.RecordBatch of outcomes, each row with the version that judged it."""

def check(text: str, name: str = "policy.policy", lints: bool = True) -> list[Finding]:
    """Every finding of a policy text (errors, or lints when it checks)."""

def format(text: str, name: str = "policy.policy") -> str:
    """The canonical layout of a policy text; raises PolicyError."""

def diff(old: Policy, new: Policy) -> list[dict[str, str]]:
    """What changes between two versions: dicts with what, name, change."""
