//! Arrow record batches in, through the Arrow C data interface
//! (`__arrow_c_array__`).
//!
//! pyo3-arrow's own import (`PyRecordBatch` as an argument) panics on a
//! sliced batch whose columns nest a struct inside a struct, as the contract's
//! claims do (`pyarrow.Table.slice`, or `to_batches(max_chunksize=...)`, make
//! such batches): arrow-rs 59's `StructArray::from(ArrayData)` slices a
//! struct's children by the struct's offset, and `ArrayData::slice` has
//! already sliced them, so a nested struct is sliced twice and the bounds
//! check fails ("assertion failed: end <= self.len()"). This import does what
//! pyo3-arrow's does, and in between rewrites every struct to offset 0 with
//! its children cut to its rows, so that nothing is sliced twice.

use std::sync::Arc;

use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, RecordBatch, RecordBatchOptions, StructArray};
use arrow_data::ArrayData;
use arrow_schema::{DataType, Field, SchemaBuilder};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};

/// The record batch `obj` exports with `__arrow_c_array__` (a
/// `pyarrow.RecordBatch`, or any object of the Arrow PyCapsule interface
/// whose array is a struct of the columns).
pub fn import_batch(obj: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    if !obj.hasattr("__arrow_c_array__")? {
        return Err(PyTypeError::new_err(format!(
            "expected an Arrow record batch (an object with __arrow_c_array__, such as \
             pyarrow.RecordBatch), got {}",
            obj.get_type().name()?
        )));
    }
    let pair = obj.call_method0("__arrow_c_array__")?;
    let pair = pair.cast_into::<PyTuple>().map_err(|_| {
        PyTypeError::new_err("__arrow_c_array__ did not return a (schema, array) tuple")
    })?;
    let schema_capsule = pair.get_item(0)?.cast_into::<PyCapsule>()?;
    let array_capsule = pair.get_item(1)?.cast_into::<PyCapsule>()?;
    let schema_ptr = schema_capsule
        .pointer_checked(Some(c"arrow_schema"))?
        .cast::<FFI_ArrowSchema>();
    let array_ptr = array_capsule
        .pointer_checked(Some(c"arrow_array"))?
        .cast::<FFI_ArrowArray>();
    // SAFETY: the capsules are named as the PyCapsule interface names them, so
    // they hold an ArrowSchema and an ArrowArray. The schema is borrowed while
    // its capsule lives; `from_raw` moves the array out and marks the capsule's
    // copy released, so the capsule's destructor does not release it again.
    let schema = unsafe { schema_ptr.as_ref() };
    let array = unsafe { FFI_ArrowArray::from_raw(array_ptr.as_ptr()) };
    // SAFETY: `array` and `schema` describe the same array, as exported together.
    let data =
        unsafe { from_ffi(array, schema) }.map_err(|e| PyValueError::new_err(e.to_string()))?;
    let field = Field::try_from(schema).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let DataType::Struct(fields) = field.data_type() else {
        return Err(PyValueError::new_err(format!(
            "expected a record batch (a struct of columns), got an Arrow array of {}",
            field.data_type()
        )));
    };
    let data = positioned(data).map_err(|e| PyValueError::new_err(e.to_string()))?;
    let rows = data.len();
    let array = StructArray::from(data);
    if array.null_count() != 0 {
        return Err(PyValueError::new_err(
            "a record batch cannot have null rows (the struct of its columns has nulls)",
        ));
    }
    let schema = SchemaBuilder::from(fields)
        .finish()
        .with_metadata(field.metadata().clone());
    RecordBatch::try_new_with_options(
        Arc::new(schema),
        array.columns().to_vec(),
        &RecordBatchOptions::new().with_row_count(Some(rows)),
    )
    .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `data` with every struct in it at offset 0 and its children cut to its
/// rows. A struct's child comes either as the C data interface sends it (its
/// rows start at the struct's offset) or already cut to the struct's rows by
/// `ArrayData::slice`; only the first is longer than the struct, which is how
/// the two are told apart. Other nested types keep their offsets (their
/// children are addressed through offsets buffers, not by row), and their
/// children are rewritten the same way.
fn positioned(data: ArrayData) -> Result<ArrayData, arrow_schema::ArrowError> {
    if data.child_data().is_empty() {
        return Ok(data);
    }
    let is_struct = matches!(data.data_type(), DataType::Struct(_));
    let (offset, len) = (data.offset(), data.len());
    let children = data
        .child_data()
        .iter()
        .map(|child| {
            let child = if is_struct && child.len() != len {
                if child.len() < offset + len {
                    return Err(arrow_schema::ArrowError::InvalidArgumentError(format!(
                        "a struct's child has {} rows where {} are needed",
                        child.len(),
                        offset + len
                    )));
                }
                child.slice(offset, len)
            } else {
                child.clone()
            };
            positioned(child)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let builder = if is_struct {
        let nulls = data.nulls().cloned();
        data.into_builder().offset(0).nulls(nulls)
    } else {
        data.into_builder()
    };
    // SAFETY: the same buffers, nulls and lengths as `data`, which the C data
    // interface's importer built without validation (`ArrayData::new_unchecked`:
    // buffers it receives may be longer or shorter than Rust's validation
    // wants, as for an empty slice of strings); a struct's rows now start at
    // offset 0 in its null buffer (already cut to its rows) and its children.
    Ok(unsafe { builder.child_data(children).build_unchecked() })
}
