//! Integration tests for reports: the dashboard's figures on a data set written
//! at known times, who may see them, their CSV files, and `/metrics`.

#[path = "../support/mod.rs"]
mod support;

#[path = "../tickets/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod audience;
mod csv_files;
mod figures;
mod fixture;
mod metrics;
mod rollup;
