"""Validates clause's JSON outputs against their schemas in docs/schema/.

Usage: validate_json.py SCHEMA FILE [SCHEMA FILE]...
A FILE ending in .jsonl holds one record per line; for batch output (schema
`batch`) a record with an `errors` key is checked against batch-error.schema.json
and any other record against verdict.schema.json. Exits 1 on the first
schema that is not valid or on any instance that fails, listing every failure.
"""

import importlib.metadata
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "docs" / "schema"


def validator(name):
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def main(args):
    failures = 0
    checked = 0
    for name, path in zip(args[::2], args[1::2]):
        text = pathlib.Path(path).read_text()
        if path.endswith(".jsonl"):
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            records = [json.loads(text)]
        if not records:
            print(f"{path}: no records")
            failures += 1
        for i, record in enumerate(records, 1):
            schema = name
            if name == "batch":
                schema = "batch-error" if "errors" in record else "verdict"
            for error in validator(schema).iter_errors(record):
                where = "/".join(str(p) for p in error.absolute_path)
                print(f"{path}:{i}: {schema}.schema.json: {error.message} at /{where}")
                failures += 1
            checked += 1
    print(f"jsonschema {importlib.metadata.version('jsonschema')}: {checked} outputs checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
