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
use arrow_data::{ArrayData, ArrayDataBuilder};
use arrow_schema::{ArrowError, DataType, Field, SchemaBuilder};
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
    let pair = pair
        .cast_into::<PyTuple>()
        .ok()
        .filter(|t| t.len() == 2)
        .ok_or_else(|| {
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
    if array.is_released() {
        return Err(PyValueError::new_err(
            "the Arrow array was already taken (__arrow_c_array__ gave a capsule that was used before)",
        ));
    }
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
    let data = cut(&data, 0, data.len()).map_err(|e| PyValueError::new_err(e.to_string()))?;
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

/// Rows `start..start + len` of `data` (in its own row numbers), with every
/// struct in it at offset 0 and its children cut to its rows, so that
/// arrow-rs never slices a struct's child again.
///
/// The C data interface's importer never cuts a child: a struct's row `i`
/// is row `offset + i` of each child (in the child's own row numbers, which
/// start at the child's own offset), and a fixed-size list's row `i` holds
/// rows `(offset + i) * size ..` of its child. A struct is therefore never
/// passed to `ArrayData::slice` here (which would cut its children by the
/// rows asked for, ignoring the struct's own offset); its children are cut
/// by this function instead. Lists, maps and dictionaries address their
/// children through offsets or keys, so their children are rewritten whole.
/// Unions and run-end encoded arrays are refused: a claim has none, and their
/// children are addressed in ways this function does not rewrite.
fn cut(data: &ArrayData, start: usize, len: usize) -> Result<ArrayData, ArrowError> {
    if start + len > data.len() {
        return Err(ArrowError::InvalidArgumentError(format!(
            "an Arrow array of {} rows was asked for rows {start} to {}",
            data.len(),
            start + len
        )));
    }
    match data.data_type() {
        // A struct's row `i` is row `offset + i` of each child.
        DataType::Struct(_) => rows_of_children(data, start, len, 1),
        // A fixed-size list's row `i` is `size` rows of its child from
        // `(offset + i) * size`.
        DataType::FixedSizeList(_, size) => {
            let size = usize::try_from(*size).map_err(|_| {
                ArrowError::InvalidArgumentError(format!("a fixed-size list of size {size}"))
            })?;
            rows_of_children(data, start, len, size)
        }
        DataType::Union(..) | DataType::RunEndEncoded(..) => {
            Err(ArrowError::InvalidArgumentError(format!(
                "a claim's columns cannot be of Arrow type {}",
                data.data_type()
            )))
        }
        _ => {
            let sliced = data.slice(start, len);
            if sliced.child_data().is_empty() {
                return Ok(sliced);
            }
            let children = sliced
                .child_data()
                .iter()
                .map(|child| cut(child, 0, child.len()))
                .collect::<Result<Vec<_>, _>>()?;
            // SAFETY: the same buffers, offset and rows as `sliced`, which
            // the importer built without validation (`ArrayData::new_unchecked`:
            // the buffers it receives may be longer or shorter than Rust's
            // validation wants, as for an empty slice of strings); each child
            // is the same rows, its structs at offset 0.
            Ok(unsafe { sliced.into_builder().child_data(children).build_unchecked() })
        }
    }
}

/// Rows `start..start + len` of `data`, a type whose row `i` is `per_row`
/// rows of each child from `(offset + i) * per_row` (a struct: 1), as an
/// array at offset 0 whose children are cut to those rows.
fn rows_of_children(
    data: &ArrayData,
    start: usize,
    len: usize,
    per_row: usize,
) -> Result<ArrayData, ArrowError> {
    let children = data
        .child_data()
        .iter()
        .map(|child| cut(child, (data.offset() + start) * per_row, len * per_row))
        .collect::<Result<Vec<_>, _>>()?;
    let builder = ArrayDataBuilder::new(data.data_type().clone())
        .len(len)
        .nulls(data.nulls().map(|n| n.slice(start, len)))
        .child_data(children);
    // SAFETY: each child has exactly `per_row` rows for each of the `len`
    // rows (`cut` checked they are there), and the null buffer is the
    // array's own, cut to the same rows.
    Ok(unsafe { builder.build_unchecked() })
}
