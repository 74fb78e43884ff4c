//! Parquet claim histories: `clause eval --claims x.parquet` (nested columns or
//! a JSON column, `--out x.parquet`) and `clause diff --claims x.parquet` give
//! what the same claims as JSON lines give.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::ArrowWriter;
use parquet::file::properties::WriterProperties;
use serde_json::json;

use super::support::{claim_with, run_clause};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("clause-parquet-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Five claims: valid ones, a bad amount, a missing order.
fn claims() -> Vec<String> {
    let mut bad_amount = claim_with(&[("claim_id", json!("T-3"))]);
    bad_amount["items"][0]["price"]["amount"] = json!("lots");
    let mut no_order = claim_with(&[("claim_id", json!("T-4"))]);
    no_order.as_object_mut().unwrap().remove("order");
    [
        claim_with(&[]),
        claim_with(&[
            ("claim_id", json!("T-2")),
            ("claim.filed_at", json!("2023-11-20T09:00:00-08:00")),
        ]),
        bad_amount,
        no_order,
        claim_with(&[("claim_id", json!("T-5")), ("items[0].quantity", json!(2))]),
    ]
    .iter()
    .map(|c| c.to_string())
    .collect()
}

/// Writes `batches` as Parquet, two rows to a row group.
fn write(path: &Path, batches: &[RecordBatch]) {
    let props = WriterProperties::builder()
        .set_max_row_group_row_count(Some(2))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut w = ArrowWriter::try_new(file, batches[0].schema(), Some(props)).unwrap();
    for b in batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
}

/// The claims as nested columns (the schema inferred from the JSON by arrow-json).
fn nested(lines: &str) -> Vec<RecordBatch> {
    let (schema, _) =
        arrow_json::reader::infer_json_schema(Cursor::new(lines.as_bytes()), None).unwrap();
    arrow_json::ReaderBuilder::new(Arc::new(schema))
        .build(Cursor::new(lines.as_bytes()))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn eval(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["eval", "policies/imicro.policy", "--claims"];
    all.extend_from_slice(args);
    run_clause(&all, None)
}

#[test]
fn parquet_claims_get_the_records_json_lines_get() {
    let dir = temp_dir("eval");
    let lines: String = claims().iter().map(|c| format!("{c}\n")).collect();
    let jsonl = dir.join("claims.jsonl");
    std::fs::write(&jsonl, &lines).unwrap();
    let (code, expected, _) = eval(&[jsonl.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(expected.lines().count(), 5);
    assert!(expected
        .lines()
        .nth(2)
        .unwrap()
        .contains("items[0].price.amount"));

    let nested_file = dir.join("nested.parquet");
    write(&nested_file, &nested(&lines));
    let (code, out, err) = eval(&[nested_file.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, expected.as_str()), "{err}");
    assert!(err.starts_with("5 lines: 3 verdicts, 2 errors"), "{err}");

    let mut cells: Vec<Option<String>> = claims().into_iter().map(Some).collect();
    cells.push(None);
    let column = RecordBatch::try_from_iter([(
        "claim",
        Arc::new(StringArray::from(cells)) as arrow_array::ArrayRef,
    )])
    .unwrap();
    let json_file = dir.join("json.parquet");
    write(&json_file, &[column]);
    let (code, out, _) = eval(&[json_file.to_str().unwrap(), "--json-column", "claim"]);
    assert_eq!(code, 0);
    let records: Vec<&str> = out.lines().collect();
    assert_eq!(records[..5].join("\n") + "\n", expected);
    assert!(records[5].starts_with("{\"line\":6,") && records[5].contains("\"errors\""));

    let out_file = dir.join("verdicts.parquet");
    let (code, _, err) = eval(&[
        nested_file.to_str().unwrap(),
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("5 rows: 3 verdicts, 2 errors"), "{err}");
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out_file).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut decisions = Vec::new();
    let mut verdicts = Vec::new();
    let mut versions = Vec::new();
    for batch in reader {
        let batch = batch.unwrap();
        let col = |name: &str| {
            batch
                .column_by_name(name)
                .unwrap()
                .as_any()
                .downcast_ref::<StringArray>()
                .unwrap()
                .iter()
                .map(|v| v.map(str::to_string))
                .collect::<Vec<_>>()
        };
        decisions.extend(col("decision"));
        verdicts.extend(col("verdict"));
        versions.extend(col("policy_version"));
    }
    // Every row, verdict or error, names the version that judged it, as the
    // JSON records end with it.
    let expected_versions: Vec<Option<String>> = expected
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            Some(v["policy_version"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(versions.len(), 5);
    assert_eq!(versions, expected_versions);
    // The JSON records end with the policy's version; the Parquet rows keep
    // the verdict alone in their `verdict` column.
    let expected_verdicts: Vec<Option<String>> = expected
        .lines()
        .map(|l| {
            (!l.contains("\"errors\"")).then(|| {
                let (verdict, version) = l.rsplit_once(",\"policy_version\":").unwrap();
                assert!(version.starts_with("\"sha256:"), "{l}");
                format!("{verdict}}}")
            })
        })
        .collect();
    assert_eq!(verdicts, expected_verdicts);
    assert_eq!(decisions.iter().filter(|d| d.is_none()).count(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn diff_replays_parquet_as_it_replays_json_lines() {
    let dir = temp_dir("diff");
    let lines: String = claims().iter().map(|c| format!("{c}\n")).collect();
    let jsonl = dir.join("claims.jsonl");
    std::fs::write(&jsonl, &lines).unwrap();
    let pq = dir.join("claims.parquet");
    write(&pq, &nested(&lines));
    let new = dir.join("new.policy");
    let text = std::fs::read_to_string("policies/imicro.policy").unwrap();
    std::fs::write(
        &new,
        text.replace("return_window = 30 days", "return_window = 90 days"),
    )
    .unwrap();
    let replay = |claims: &Path| {
        let (code, out, err) = run_clause(
            &[
                "diff",
                "policies/imicro.policy",
                new.to_str().unwrap(),
                "--claims",
                claims.to_str().unwrap(),
                "--format",
                "json",
            ],
            None,
        );
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["replay"].clone()
    };
    let from_lines = replay(&jsonl);
    assert_eq!(from_lines["claims"], 5);
    assert!(from_lines["changed"].as_u64().unwrap() >= 1, "{from_lines}");
    assert_eq!(replay(&pq), from_lines);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parquet_misuse_is_an_input_error() {
    let dir = temp_dir("misuse");
    let jsonl = dir.join("claims.jsonl");
    std::fs::write(&jsonl, claims().join("\n")).unwrap();
    let (code, _, err) = eval(&[jsonl.to_str().unwrap(), "--json-column", "claim"]);
    assert_eq!(code, 1);
    assert!(err.contains("--json-column reads a Parquet file"), "{err}");
    let out = dir.join("v.parquet");
    let (code, _, err) = eval(&[jsonl.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("needs Parquet claims"), "{err}");
    let pq = dir.join("claims.parquet");
    write(&pq, &nested(&claims().join("\n")));
    let (code, _, err) = eval(&[pq.to_str().unwrap(), "--json-column", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("no column `nope`"), "{err}");
    let broken = dir.join("broken.parquet");
    std::fs::write(&broken, b"PAR1 and then nothing").unwrap();
    let (code, _, err) = eval(&[broken.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("as Parquet"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn parquet_out_over_versions_names_the_version_that_judged_each_row() {
    let dir = temp_dir("versions");
    let policies = dir.join("policies");
    std::fs::create_dir_all(&policies).unwrap();
    super::support::write_imicro_versions(&policies);
    // One claim per version, one placed before the first, and a null cell.
    let cells: Vec<Option<String>> = ["2023-09-01", "2023-12-05", "2022-01-01"]
        .iter()
        .map(|day| Some(claim_with(&[("order.placed_at", json!(day))]).to_string()))
        .chain([None])
        .collect();
    let column = RecordBatch::try_from_iter([(
        "claim",
        Arc::new(StringArray::from(cells)) as arrow_array::ArrayRef,
    )])
    .unwrap();
    let claims = dir.join("claims.parquet");
    write(&claims, &[column]);
    let (p, c) = (policies.to_str().unwrap(), claims.to_str().unwrap());
    let args = ["eval", p, "--claims", c, "--json-column", "claim"];
    let (code, records, err) = run_clause(&args, None);
    assert_eq!(code, 0, "{err}");
    let out = dir.join("verdicts.parquet");
    let mut with_out = args.to_vec();
    with_out.extend(["--out", out.to_str().unwrap()]);
    let (code, _, err) = run_clause(&with_out, None);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("4 rows: 2 verdicts, 2 errors"), "{err}");

    let mut versions = Vec::new();
    for batch in ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&out).unwrap())
        .unwrap()
        .build()
        .unwrap()
    {
        let batch = batch.unwrap();
        let column = batch.column_by_name("policy_version").unwrap();
        let strings = column.as_any().downcast_ref::<StringArray>().unwrap();
        versions.extend(strings.iter().map(|v| v.map(str::to_string)));
    }
    // Each row's version is the one its JSON record names; none for the claim
    // placed before the first version, nor for the null cell.
    let expected: Vec<Option<String>> = records
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["policy_version"].as_str().map(str::to_string)
        })
        .collect();
    assert_eq!(versions, expected);
    assert!(expected[0].is_some() && expected[1].is_some() && expected[0] != expected[1]);
    assert_eq!(expected[2..], [None, None]);
    std::fs::remove_dir_all(&dir).unwrap();
}
